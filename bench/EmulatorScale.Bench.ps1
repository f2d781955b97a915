<#
.SYNOPSIS
    Emulator cost per request against store size (issue 9): the median latency of get vault, list items, list
    policies and list points of one vault when the store holds that vault only and when it holds 1,000 vaults x 50
    items, for the in-memory and the SQLite store, side by side in one run. Targets: the large store's median within
    1.2x of the small one's; a 50-item list page at most 3 ms (median, in memory).
.DESCRIPTION
    The requests are made by a minimal raw HTTP client (HttpClient, pinned certificate, one token), one at a time, so
    what is measured is the emulator. The measured vault holds 49 MARS items and one Azure VM item with 50 recovery
    points (a 50-item page, a 50-point page). The other vaults are filled with MARS servers of 50 items each, the
    cheapest seed. The backup clock is frozen so that no scheduled backup changes what is listed between runs.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Vaults = 1000,
    [int] $ItemsPerVault = 50,
    [int] $Requests = 200,
    [ValidateSet('InMemory', 'Sqlite')] [string[]] $Store = @('InMemory', 'Sqlite')
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path (Resolve-Path $ModulePath) 'RecoveryVault.psd1')

Add-Type -TypeDefinition @'
public static class ScalePinnedHandler
{
    public static System.Net.Http.SocketsHttpHandler Create(string thumbprint)
    {
        var handler = new System.Net.Http.SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (s, c, ch, e) => c != null && string.Equals(c.GetCertHashString(), thumbprint, System.StringComparison.OrdinalIgnoreCase);
        return handler;
    }
}
'@

function Invoke-Http([System.Net.Http.HttpClient] $Http, [string] $Method, [string] $Url, $Body) {
    $request = [System.Net.Http.HttpRequestMessage]::new([System.Net.Http.HttpMethod]::new($Method), $Url)
    if ($null -ne $Body) {
        $request.Content = [System.Net.Http.StringContent]::new(($Body | ConvertTo-Json -Depth 10 -Compress), [Text.Encoding]::UTF8, 'application/json')
    }
    $response = $Http.SendAsync($request).GetAwaiter().GetResult()
    $text = $response.Content.ReadAsStringAsync().GetAwaiter().GetResult()
    if (-not $response.IsSuccessStatusCode) { throw "$Method $Url -> $([int]$response.StatusCode): $text" }
    $text
}

# Median milliseconds of $Requests GETs; each answer is parsed and its count checked, as a client would.
function Measure-Get([System.Net.Http.HttpClient] $Http, [string] $Url, [int] $Expected) {
    $times = [System.Collections.Generic.List[double]]::new()
    foreach ($i in 1..$Requests) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $text = $Http.GetStringAsync($Url).GetAwaiter().GetResult()
        $times.Add($sw.Elapsed.TotalMilliseconds)
        $doc = [System.Text.Json.JsonDocument]::Parse($text)
        $count = 1
        foreach ($p in $doc.RootElement.EnumerateObject()) { if ($p.Name -eq 'value') { $count = $p.Value.GetArrayLength() } }
        $doc.Dispose()
        if ($count -ne $Expected) { throw "GET $Url answered $count entries, expected $Expected." }
    }
    $sorted = $times | Sort-Object
    $sorted[[int][math]::Floor($sorted.Count / 2)]
}

$results = [ordered]@{}
foreach ($kind in $Store) {
    $dataDir = $null
    $emulator = if ($kind -eq 'InMemory') {
        Start-RecoveryVaultEmulator -InMemory -LroDurationMs 0 -ClockRate 0
    }
    else {
        $dataDir = Join-Path ([IO.Path]::GetTempPath()) ('rv-scale-' + [guid]::NewGuid().ToString('N'))
        Start-RecoveryVaultEmulator -DataDirectory $dataDir -LroDurationMs 0 -ClockRate 0
    }
    try {
        $emulator | Connect-RecoveryVault | Out-Null
        $http = [System.Net.Http.HttpClient]::new([ScalePinnedHandler]::Create($emulator.Thumbprint))
        $form = "grant_type=client_credentials&client_id=$($emulator.ClientId)&client_secret=$($emulator.ClientSecret)&scope=https%3A%2F%2Fmanagement.azure.com%2F.default"
        $tokenResponse = $http.PostAsync("$($emulator.Endpoint)/$($emulator.TenantId)/oauth2/v2.0/token", [System.Net.Http.StringContent]::new($form, [Text.Encoding]::UTF8, 'application/x-www-form-urlencoded')).GetAwaiter().GetResult()
        $token = ($tokenResponse.Content.ReadAsStringAsync().GetAwaiter().GetResult() | ConvertFrom-Json).access_token
        $http.DefaultRequestHeaders.Authorization = [System.Net.Http.Headers.AuthenticationHeaderValue]::new('Bearer', $token)
        $base = $emulator.Endpoint
        $rgId = "/subscriptions/$($emulator.SubscriptionId)/resourceGroups/rg-scale"

        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-scale -Location westeurope | Out-Null
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-scale -VirtualMachineName scalevm -Location westeurope | Out-Null
        $vault = New-RecoveryVault -Name scale-0001 -ResourceGroupName rg-scale -Location westeurope
        $vault | Get-RecoveryVaultProtectableItem -Kind AzureVM -Name scalevm -Refresh |
            Enable-RecoveryVaultProtection -Policy ($vault | Get-RecoveryVaultPolicy -Name DefaultPolicy) | Out-Null
        $item = $vault | Get-RecoveryVaultItem -Name scalevm
        Invoke-Http $http POST "$base/_emulator/recoveryPoints" @{ itemId = $item.Id; count = 50; intervalMinutes = 1440 } | Out-Null
        $paths = 1..$ItemsPerVault | ForEach-Object { "D:\Data\folder$_" }
        Invoke-Http $http POST "$base/_emulator/marsServers" @{ vaultId = $vault.Id; name = 'server0001'; items = @($paths | Select-Object -First ($ItemsPerVault - 1)) } | Out-Null
        $policyCount = @($vault | Get-RecoveryVaultPolicy).Count

        $api = '?api-version=2023-06-01'
        $cases = [ordered]@{
            'get vault'     = @("$base$($vault.Id)?api-version=2026-07-01", 1)
            'list items'    = @("$base$($vault.Id)/backupProtectedItems$api", $ItemsPerVault)
            'list policies' = @("$base$($vault.Id)/backupPolicies$api", $policyCount)
            'list points'   = @("$base$($item.Id)/recoveryPoints$api", 50)
        }
        $small = [ordered]@{}
        foreach ($c in $cases.GetEnumerator()) { $small[$c.Key] = Measure-Get $http $c.Value[0] $c.Value[1] }

        $seed = [Diagnostics.Stopwatch]::StartNew()
        foreach ($i in 2..$Vaults) {
            $name = 'scale-{0:d4}' -f $i
            $vaultId = "$rgId/providers/Microsoft.RecoveryServices/vaults/$name"
            Invoke-Http $http PUT "$base$($vaultId)?api-version=2026-07-01" @{ location = 'westeurope'; sku = @{ name = 'Standard' }; properties = @{} } | Out-Null
            Invoke-Http $http POST "$base/_emulator/marsServers" @{ vaultId = $vaultId; name = ('server{0:d4}' -f $i); items = $paths } | Out-Null
        }
        $seedSeconds = $seed.Elapsed.TotalSeconds

        $large = [ordered]@{}
        foreach ($c in $cases.GetEnumerator()) { $large[$c.Key] = Measure-Get $http $c.Value[0] $c.Value[1] }
        $results[$kind] = @{ Small = $small; Large = $large; SeedSeconds = $seedSeconds }
    }
    finally {
        Stop-RecoveryVaultEmulator
        if ($dataDir -and (Test-Path $dataDir)) { Remove-Item $dataDir -Recurse -Force }
    }
}

"median of $Requests GETs, one vault measured; store holds 1 vault vs $Vaults vaults x $ItemsPerVault items (clock frozen)"
'{0,-9} {1,-14} {2,10} {3,12} {4,8}  {5}' -f 'store', 'request', '1 vault', "$Vaults vaults", 'ratio', 'target <= 1.2x'
foreach ($kind in $results.Keys) {
    $r = $results[$kind]
    foreach ($name in $r.Small.Keys) {
        $ratio = $r.Large[$name] / $r.Small[$name]
        $met = $ratio -le 1.2
        '{0,-9} {1,-14} {2,7:N2} ms {3,9:N2} ms {4,7:N2}x  {5}' -f $kind, $name, $r.Small[$name], $r.Large[$name], $ratio, $(if ($met) { 'met' } else { 'MISSED' })
    }
    '{0,-9} {1,-14} {2,10:N1} s' -f $kind, 'seeding', $r.SeedSeconds
}
if ($results.Contains('InMemory')) {
    $page = $results['InMemory'].Large['list items']
    '{0,-24} {1,7:N2} ms  (target <= 3 ms: {2})' -f "$ItemsPerVault-item page, in memory", $page, $(if ($page -le 3) { 'met' } else { 'MISSED' })
}
