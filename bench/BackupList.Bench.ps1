<#
.SYNOPSIS
    Lists all protected items of 200 vaults x 50 items through the cmdlets and through a minimal raw HTTP client making
    the same GETs with the same concurrency (one at a time), against one emulator, in one run. Target: ratio <= 1.3x.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Vaults = 200,
    [int] $ItemsPerVault = 50,
    [int] $Runs = 3
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path (Resolve-Path $ModulePath) 'RecoveryVault.psd1')
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1')
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/TestHelpers.psm1')
# A frozen backup clock: the emulator's scheduler must not be what is measured.
$emulator = Start-RecoveryVaultEmulator -InMemory -LroDurationMs 0 -ClockRate 0
try {
    $emulator | Connect-RecoveryVault | Out-Null
    Add-RecoveryVaultEmulatorData -ResourceGroupName rg-bench -Location westeurope | Out-Null
    $seed = [Diagnostics.Stopwatch]::StartNew()
    Add-VaultsWithItems -ResourceGroupName rg-bench -Prefix bench -Count $Vaults -ItemsPerVault $ItemsPerVault
    '{0,-44} {1,10:N1} s' -f "seeded $Vaults vaults x $ItemsPerVault items", $seed.Elapsed.TotalSeconds

    # The raw client: HttpClient, the pinned certificate, one token, GET + nextLink, JSON parsed to count items.
    $http = New-RawClient $emulator
    $vaultIds = (Get-RecoveryVault -ResourceGroupName rg-bench).Id

    function Invoke-Raw {
        $count = 0
        foreach ($id in $vaultIds) {
            $url = "$($emulator.Endpoint)$id/backupProtectedItems?api-version=2023-06-01"
            while ($url) {
                $doc = [System.Text.Json.JsonDocument]::Parse($http.GetStringAsync($url).GetAwaiter().GetResult())
                $count += $doc.RootElement.GetProperty('value').GetArrayLength()
                $url = $null
                foreach ($p in $doc.RootElement.EnumerateObject()) {
                    if ($p.Name -eq 'nextLink' -and $p.Value.ValueKind -eq 'String') { $url = $p.Value.GetString() }
                }
                $doc.Dispose()
            }
        }
        $count
    }

    $raw = @(); $cmdlets = @()
    foreach ($r in 1..$Runs) {
        $sw = [Diagnostics.Stopwatch]::StartNew(); $n1 = Invoke-Raw; $raw += $sw.Elapsed.TotalMilliseconds
        $sw = [Diagnostics.Stopwatch]::StartNew(); $n2 = @(Get-RecoveryVault -ResourceGroupName rg-bench | Get-RecoveryVaultItem).Count; $cmdlets += $sw.Elapsed.TotalMilliseconds
        if ($n1 -ne $Vaults * $ItemsPerVault -or $n2 -ne $n1) { throw "Counted $n1 (raw) and $n2 (cmdlets) items, expected $($Vaults * $ItemsPerVault)." }
    }
    $rawMedian = ($raw | Sort-Object)[[int][math]::Floor($Runs / 2)]
    $cmdletMedian = ($cmdlets | Sort-Object)[[int][math]::Floor($Runs / 2)]
    '{0,-44} {1,10:N0} ms' -f "raw HTTP client, $($Vaults * $ItemsPerVault) items (median)", $rawMedian
    '{0,-44} {1,10:N0} ms' -f 'Get-RecoveryVault | Get-RecoveryVaultItem (median)', $cmdletMedian
    $ratio = $cmdletMedian / $rawMedian
    '{0,-44} {1,10:N2}x   (target <= 1.3x: {2})' -f 'ratio cmdlets / raw', $ratio, $(if ($ratio -le 1.3) { 'met' } else { 'MISSED' })
}
finally {
    Stop-RecoveryVaultEmulator
}
