# What the benches share: a minimal raw HTTP client on the emulator (the pinned certificate, one token), the baseline
# the cmdlets are measured against and the cheap way to seed large estates through /_emulator.
$ErrorActionPreference = 'Stop'

# The TLS callback runs on pool threads, where a PowerShell script block cannot: it is compiled.
if (-not ('BenchPinnedHandler' -as [type])) {
    Add-Type -TypeDefinition @'
public static class BenchPinnedHandler
{
    public static System.Net.Http.SocketsHttpHandler Create(string thumbprint)
    {
        var handler = new System.Net.Http.SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (s, c, ch, e) => c != null && string.Equals(c.GetCertHashString(), thumbprint, System.StringComparison.OrdinalIgnoreCase);
        return handler;
    }
}
'@
}

function New-RawClient {
    <# An HttpClient that trusts only the emulator's certificate (by thumbprint) and sends one client-credentials token. #>
    param([Parameter(Mandatory)] $Emulator, [timespan] $Timeout)
    $http = [System.Net.Http.HttpClient]::new([BenchPinnedHandler]::Create($Emulator.Thumbprint))
    if ($PSBoundParameters.ContainsKey('Timeout')) { $http.Timeout = $Timeout }
    $form = "grant_type=client_credentials&client_id=$($Emulator.ClientId)&client_secret=$($Emulator.ClientSecret)&scope=https%3A%2F%2Fmanagement.azure.com%2F.default"
    $tokenResponse = $http.PostAsync("$($Emulator.Endpoint)/$($Emulator.TenantId)/oauth2/v2.0/token", [System.Net.Http.StringContent]::new($form, [Text.Encoding]::UTF8, 'application/x-www-form-urlencoded')).GetAwaiter().GetResult()
    $token = ($tokenResponse.Content.ReadAsStringAsync().GetAwaiter().GetResult() | ConvertFrom-Json).access_token
    $http.DefaultRequestHeaders.Authorization = [System.Net.Http.Headers.AuthenticationHeaderValue]::new('Bearer', $token)
    $http
}

function Invoke-Http([System.Net.Http.HttpClient] $Http, [string] $Method, [string] $Url, $Body, [switch] $AllowError) {
    <# One request with a JSON body (or none); the answer's text. A failure status throws unless -AllowError. #>
    $request = [System.Net.Http.HttpRequestMessage]::new([System.Net.Http.HttpMethod]::new($Method), $Url)
    if ($null -ne $Body) {
        $request.Content = [System.Net.Http.StringContent]::new(($Body | ConvertTo-Json -Depth 10 -Compress), [Text.Encoding]::UTF8, 'application/json')
    }
    $response = $Http.SendAsync($request).GetAwaiter().GetResult()
    $text = $response.Content.ReadAsStringAsync().GetAwaiter().GetResult()
    if (-not $response.IsSuccessStatusCode -and -not $AllowError) { throw "$Method $Url -> $([int]$response.StatusCode): $text" }
    $text
}

# Medians and the load average: a bench's figures are only as good as the machine was quiet (2 cores here).
function Get-Median([double[]] $Values) { ($Values | Sort-Object)[[int][math]::Floor($Values.Count / 2)] }
function Get-Load { (Get-Content /proc/loadavg -ErrorAction SilentlyContinue) -split ' ' | Select-Object -First 3 }

Export-ModuleMember -Function New-RawClient, Invoke-Http, Get-Median, Get-Load
