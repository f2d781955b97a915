<#
.SYNOPSIS
    Emulator cost per request against store size (issue 9): the median latency of get vault, list items, list
    policies and list points of one vault when the store holds that vault only and when it holds 1,000 vaults x 50
    items, for the in-memory and the SQLite store, side by side in one run. Targets: the large store's median within
    1.2x of the small one's; a 50-item list page at most 3 ms (median, in memory).
.DESCRIPTION
    Two emulators run at once, one with the measured vault only and one that also holds the other vaults, and the
    requests alternate between them: both medians see the same machine load (this box is shared), so their ratio is
    the store's doing. The requests are made by a minimal raw HTTP client (HttpClient, pinned certificate, one token),
    one at a time, so what is measured is the emulator. The measured vault holds 49 MARS items and one Azure VM item
    with 50 recovery points (a 50-item page, a 50-point page); the other vaults hold a MARS server of 50 items each,
    the cheapest seed. The backup clock runs at the emulator's default rate (600x), as users run it: its catch-up
    must stay out of the read path.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Vaults = 1000,
    [int] $ItemsPerVault = 50,
    [int] $Requests = 200,
    [int] $ClockRate = 600,
    [ValidateSet('InMemory', 'Sqlite')] [string[]] $Store = @('InMemory', 'Sqlite')
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path (Resolve-Path $ModulePath) 'RecoveryVault.psd1')
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1')

# One timed GET; the answer is parsed and its entries counted, as a client would.
function Measure-Get([System.Net.Http.HttpClient] $Http, [string] $Url, [int] $Expected, [switch] $AtLeast) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $text = $Http.GetStringAsync($Url).GetAwaiter().GetResult()
    $ms = $sw.Elapsed.TotalMilliseconds
    $doc = [System.Text.Json.JsonDocument]::Parse($text)
    $count = 1
    foreach ($p in $doc.RootElement.EnumerateObject()) { if ($p.Name -eq 'value') { $count = $p.Value.GetArrayLength() } }
    $doc.Dispose()
    if ($count -ne $Expected -and -not ($AtLeast -and $count -gt $Expected)) { throw "GET $Url answered $count entries, expected $Expected." }
    $ms
}

function Get-Median($Values) { $sorted = $Values | Sort-Object; $sorted[[int][math]::Floor($sorted.Count / 2)] }

# The measured vault, the same in both emulators: 49 MARS items + one VM item with 50 points.
function Initialize-MeasuredVault($Emulator, [System.Net.Http.HttpClient] $Http) {
    $Emulator | Connect-RecoveryVault | Out-Null
    Add-RecoveryVaultEmulatorData -ResourceGroupName rg-scale -Location westeurope | Out-Null
    Add-RecoveryVaultEmulatorData -ResourceGroupName rg-scale -VirtualMachineName scalevm | Out-Null
    $vault = New-RecoveryVault -Name scale-0001 -ResourceGroupName rg-scale -Location westeurope
    $vault | Get-RecoveryVaultProtectableItem -Kind AzureVM -Name scalevm -Refresh |
        Enable-RecoveryVaultProtection -Policy ($vault | Get-RecoveryVaultPolicy -Name DefaultPolicy) | Out-Null
    $item = $vault | Get-RecoveryVaultItem -Name scalevm
    Invoke-Http $Http POST "$($Emulator.Endpoint)/_emulator/recoveryPoints" @{ itemId = $item.Id; count = 50; intervalMinutes = 1440 } | Out-Null
    $folders = 1..($ItemsPerVault - 1) | ForEach-Object { "D:\Data\folder$_" }
    Invoke-Http $Http POST "$($Emulator.Endpoint)/_emulator/marsServers" @{ vaultId = $vault.Id; name = 'server0001'; items = @($folders) } | Out-Null
    [pscustomobject]@{ VaultId = $vault.Id; ItemId = $item.Id; Policies = @($vault | Get-RecoveryVaultPolicy).Count }
}

$results = [ordered]@{}
foreach ($kind in $Store) {
    $dirs = @()
    $started = foreach ($size in 'small', 'large') {
        if ($kind -eq 'InMemory') {
            Start-RecoveryVaultEmulator -InMemory -LroDurationMs 0 -ClockRate $ClockRate
        }
        else {
            $dir = Join-Path ([IO.Path]::GetTempPath()) ("rv-scale-$size-" + [guid]::NewGuid().ToString('N'))
            $dirs += $dir
            Start-RecoveryVaultEmulator -DataDirectory $dir -LroDurationMs 0 -ClockRate $ClockRate
        }
    }
    try {
        $small = $started[0]; $large = $started[1]
        $httpSmall = New-RawClient $small; $httpLarge = New-RawClient $large
        $measured = Initialize-MeasuredVault $small $httpSmall
        $null = Initialize-MeasuredVault $large $httpLarge

        $seed = [Diagnostics.Stopwatch]::StartNew()
        $paths = 1..$ItemsPerVault | ForEach-Object { "D:\Data\folder$_" }
        $rgId = "/subscriptions/$($large.SubscriptionId)/resourceGroups/rg-scale"
        foreach ($i in 2..$Vaults) {
            $vaultId = "$rgId/providers/Microsoft.RecoveryServices/vaults/" + ('scale-{0:d4}' -f $i)
            Invoke-Http $httpLarge PUT "$($large.Endpoint)$($vaultId)?api-version=2026-07-01" @{ location = 'westeurope'; sku = @{ name = 'Standard' }; properties = @{} } | Out-Null
            Invoke-Http $httpLarge POST "$($large.Endpoint)/_emulator/marsServers" @{ vaultId = $vaultId; name = ('server{0:d4}' -f $i); items = $paths } | Out-Null
        }
        $seedSeconds = $seed.Elapsed.TotalSeconds

        $api = '?api-version=2023-06-01'
        $cases = [ordered]@{
            'get vault'     = @("$($measured.VaultId)?api-version=2026-07-01", 1)
            'list items'    = @("$($measured.VaultId)/backupProtectedItems$api", $ItemsPerVault)
            'list policies' = @("$($measured.VaultId)/backupPolicies$api", $measured.Policies)
            'list points'   = @("$($measured.ItemId)/recoveryPoints$api", 50)
        }
        # As many unmeasured rounds of every case first: the large emulator's seeding traffic must not leave it alone
        # with tiered-up (JIT tier 1) code while the small one still compiles.
        foreach ($c in $cases.GetEnumerator()) {
            foreach ($i in 1..$Requests) {
                $null = Measure-Get $httpSmall "$($small.Endpoint)$($c.Value[0])" $c.Value[1] -AtLeast
                $null = Measure-Get $httpLarge "$($large.Endpoint)$($c.Value[0])" $c.Value[1] -AtLeast
            }
        }

        $r = [ordered]@{}
        foreach ($c in $cases.GetEnumerator()) {
            # A running clock may add a scheduled point while this runs: the point list may only grow.
            $atLeast = $c.Key -eq 'list points'
            $a = [System.Collections.Generic.List[double]]::new(); $b = [System.Collections.Generic.List[double]]::new()
            foreach ($i in 1..$Requests) {
                # Which goes first alternates too: the second of a pair found a different machine than the first.
                if ($i % 2) {
                    $a.Add((Measure-Get $httpSmall "$($small.Endpoint)$($c.Value[0])" $c.Value[1] -AtLeast:$atLeast))
                    $b.Add((Measure-Get $httpLarge "$($large.Endpoint)$($c.Value[0])" $c.Value[1] -AtLeast:$atLeast))
                }
                else {
                    $b.Add((Measure-Get $httpLarge "$($large.Endpoint)$($c.Value[0])" $c.Value[1] -AtLeast:$atLeast))
                    $a.Add((Measure-Get $httpSmall "$($small.Endpoint)$($c.Value[0])" $c.Value[1] -AtLeast:$atLeast))
                }
            }
            $r[$c.Key] = @((Get-Median $a), (Get-Median $b))
        }
        $results[$kind] = @{ Cases = $r; SeedSeconds = $seedSeconds }
    }
    finally {
        $started | Stop-RecoveryVaultEmulator -Confirm:$false
        foreach ($d in $dirs) { if (Test-Path $d) { Remove-Item $d -Recurse -Force } }
    }
}

"median of $Requests GETs alternating between two emulators: 1 vault vs $Vaults vaults x $ItemsPerVault items (clock rate $ClockRate)"
'{0,-9} {1,-14} {2,10} {3,12} {4,8}  {5}' -f 'store', 'request', '1 vault', "$Vaults vaults", 'ratio', 'target <= 1.2x'
foreach ($kind in $results.Keys) {
    $r = $results[$kind]
    foreach ($name in $r.Cases.Keys) {
        $smallMs, $largeMs = $r.Cases[$name]
        $ratio = $largeMs / $smallMs
        '{0,-9} {1,-14} {2,7:N2} ms {3,9:N2} ms {4,7:N2}x  {5}' -f $kind, $name, $smallMs, $largeMs, $ratio, $(if ($ratio -le 1.2) { 'met' } else { 'MISSED' })
    }
    '{0,-9} {1,-14} {2,10:N1} s' -f $kind, "seeding $($Vaults - 1) vaults", $r.SeedSeconds
}
if ($results.Contains('InMemory')) {
    $page = $results['InMemory'].Cases['list items'][1]
    '{0,-24} {1,7:N2} ms  (target <= 3 ms: {2})' -f "$ItemsPerVault-item page, in memory, $Vaults vaults", $page, $(if ($page -le 3) { 'met' } else { 'MISSED' })
}
