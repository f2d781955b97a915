<#
.SYNOPSIS
    Issue 13, Azure Resource Graph: "every item whose last backup failed" across an estate of 50 subscriptions x 20
    vaults x 50 items, answered by one Search-RecoveryVault (Resource Graph) and by the per-vault fan-out
    (Get-RecoveryVault -SubscriptionId … | Get-RecoveryVaultItem | Where-Object LastBackupStatus -eq Failed), side by
    side: time, requests sent and the answer (the two must be the same set of items).
.DESCRIPTION
    The estate is seeded through /_emulator with a minimal raw HTTP client (pinned certificate, one token): per
    subscription a resource group; per vault a PUT of the vault and one MARS server holding the vault's items, of which
    -FailedPerVault report a failed last backup (the cheapest seed that has a "last backup status"). The fan-out runs
    twice: -ThrottleLimit 8 (the default, vaults read concurrently) and -ThrottleLimit 1 (one vault after another).
    Each path runs once unmeasured, then -Runs times; the median is printed. The backup clock is frozen so that no
    scheduler run over the 50,000 items lands inside one path's time. Requests are counted from the emulator's
    request log, in the first measured run: every ARM request between a marker request before a path and its end.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Subscriptions = 50,
    [int] $VaultsPerSubscription = 20,
    [int] $ItemsPerVault = 50,
    [int] $FailedPerVault = 2,
    [int] $Runs = 3,
    # Added to every Resource Manager request in a second, single run of each path: loopback answers in about a
    # millisecond, a request to Resource Manager over a network takes tens.
    [int] $LatencyMs = 50
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path (Resolve-Path $ModulePath) 'RecoveryVault.psd1')
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1')

# The ARM requests after the marker request (a GET of a resource group that is never there) up to now.
function Set-Marker($Emulator, $Http) {
    $name = 'bench-marker-' + [guid]::NewGuid().ToString('N')
    Invoke-Http $Http GET "$($Emulator.Endpoint)/subscriptions/$($Emulator.SubscriptionId)/resourcegroups/$($name)?api-version=2021-04-01" $null -AllowError | Out-Null
    $name
}

function Measure-Requests($Emulator, $Http, [string] $Marker) {
    $log = Invoke-Http $Http GET "$($Emulator.Endpoint)/_emulator/requests?last=2000" $null | ConvertFrom-Json
    $at = -1
    for ($i = 0; $i -lt $log.Count; $i++) { if ($log[$i].path -like "*$Marker*") { $at = $i } }
    if ($at -lt 0) { throw 'The marker request fell out of the emulator request log (2,000 entries); count with a smaller estate.' }
    $entries = @($log | Select-Object -Skip ($at + 1))
    [pscustomobject]@{
        Total = $entries.Count
        Graph = @($entries | Where-Object { $_.path -like '/providers/Microsoft.ResourceGraph/*' }).Count
    }
}

$emulator = Start-RecoveryVaultEmulator -InMemory -LroDurationMs 0 -ClockRate 0
try {
    $emulator | Connect-RecoveryVault | Out-Null
    $http = New-RawClient $emulator -Timeout ([timespan]::FromMinutes(10))
    $base = $emulator.Endpoint

    $seed = [Diagnostics.Stopwatch]::StartNew()
    $paths = 1..$ItemsPerVault | ForEach-Object { "D:\Data\folder$_" }
    $failedPaths = @($paths | Select-Object -First $FailedPerVault)
    $subs = foreach ($s in 1..$Subscriptions) {
        $sub = if ($s -eq 1) { $emulator.SubscriptionId } else { '{0:x8}-0000-4000-8000-{1:x12}' -f 0x0be0c0de, $s }
        if ($s -gt 1) { Invoke-Http $http POST "$base/_emulator/subscriptions" @{ subscriptionId = $sub; displayName = "bench-$s" } | Out-Null }
        Invoke-Http $http POST "$base/_emulator/resourceGroups" @{ subscriptionId = $sub; name = 'rg-bench'; location = 'westeurope' } | Out-Null
        foreach ($v in 1..$VaultsPerSubscription) {
            $vaultId = "/subscriptions/$sub/resourceGroups/rg-bench/providers/Microsoft.RecoveryServices/vaults/" + ('bench-{0:d2}-{1:d2}' -f $s, $v)
            Invoke-Http $http PUT "$base$($vaultId)?api-version=2026-07-01" @{ location = 'westeurope'; sku = @{ name = 'Standard' }; properties = @{} } | Out-Null
            Invoke-Http $http POST "$base/_emulator/marsServers" @{ vaultId = $vaultId; name = ('server-{0:d2}-{1:d2}' -f $s, $v); items = $paths; failedItems = $failedPaths } | Out-Null
        }
        $sub
    }
    $seedSeconds = $seed.Elapsed.TotalSeconds
    $vaultCount = $Subscriptions * $VaultsPerSubscription
    $expected = $vaultCount * $FailedPerVault

    # Both paths first once, unmeasured: the emulator gives a vault Azure's default policies the first time the backup
    # surface sees it (Azure has them from the vault's creation), and the JIT compiles both paths' code.
    $null = Search-RecoveryVault -LastBackupStatus Failed
    $null = Get-RecoveryVault -SubscriptionId $subs[0] | Get-RecoveryVaultItem

    # Resource Graph: one query for the whole estate (rows page 1,000 at a time).
    $graphTimes = foreach ($run in 1..$Runs) {
        $marker = Set-Marker $emulator $http
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $viaGraph = @(Search-RecoveryVault -LastBackupStatus Failed)
        $sw.Elapsed.TotalSeconds
        if ($run -eq 1) { $graphRequests = Measure-Requests $emulator $http $marker }
    }
    $graphSeconds = Get-Median $graphTimes

    # Per-vault fan-out: every vault of every subscription, 8 at a time (the default), then one after another.
    $fanOut = foreach ($limit in 8, 1) {
        $times = foreach ($run in 1..$Runs) {
            $marker = Set-Marker $emulator $http
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $found = @(Get-RecoveryVault -SubscriptionId $subs -ThrottleLimit $limit | Get-RecoveryVaultItem -ThrottleLimit $limit | Where-Object LastBackupStatus -EQ 'Failed')
            $sw.Elapsed.TotalSeconds
            if ($run -eq 1) { $requests = (Measure-Requests $emulator $http $marker).Total }
        }
        [pscustomobject]@{ Limit = $limit; Seconds = (Get-Median $times); Requests = $requests; Found = $found }
    }
    $viaVaults = $fanOut[0].Found
    $fanOutSeconds = $fanOut[0].Seconds
    $fanOutRequests = [pscustomobject]@{ Total = $fanOut[0].Requests }
    if ((@($fanOut[1].Found.Id | Sort-Object) -join "`n") -cne (@($viaVaults.Id | Sort-Object) -join "`n")) {
        throw 'The per-vault fan-out answered differently with -ThrottleLimit 1 and 8.'
    }

    # The same three paths once more with -LatencyMs on every ARM request (the emulator's latency fault at rate 1).
    $slow = $null
    if ($LatencyMs -gt 0) {
        Invoke-Http $http PUT "$base/_emulator/faults" @{ kinds = @('latency'); rate = 1.0; latencyMs = $LatencyMs } | Out-Null
        try {
            $slow = [ordered]@{}
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $n = @(Search-RecoveryVault -LastBackupStatus Failed).Count
            $slow['Search-RecoveryVault (Resource Graph)'] = @($sw.Elapsed.TotalSeconds, $n)
            foreach ($limit in 8, 1) {
                $sw = [Diagnostics.Stopwatch]::StartNew()
                $n = @(Get-RecoveryVault -SubscriptionId $subs -ThrottleLimit $limit | Get-RecoveryVaultItem -ThrottleLimit $limit | Where-Object LastBackupStatus -EQ 'Failed').Count
                $slow["per-vault fan-out (-ThrottleLimit $limit)"] = @($sw.Elapsed.TotalSeconds, $n)
            }
        }
        finally {
            Invoke-Http $http DELETE "$base/_emulator/faults" $null | Out-Null
        }
    }

    $same = (@($viaGraph.Id | Sort-Object) -join "`n") -ceq (@($viaVaults.Id | Sort-Object) -join "`n")
    if ($viaGraph.Count -ne $expected -or -not $same) {
        throw "Answers differ: Resource Graph found $($viaGraph.Count), the fan-out $($viaVaults.Count), expected $expected."
    }

    "estate: $Subscriptions subscriptions x $VaultsPerSubscription vaults x $ItemsPerVault items = $($vaultCount * $ItemsPerVault) items ($expected with a failed last backup); seeded in {0:N1} s" -f $seedSeconds
    '{0,-50} {1,10}' -f 'load average at end (1/5/15 min)', ((Get-Load) -join ' ')
    "cores: $([Environment]::ProcessorCount); times are the median of $Runs runs"
    '{0,-50} {1,10} {2,10} {3,8}' -f 'all items whose last backup failed', 'time', 'requests', 'found'
    '{0,-50} {1,8:N2} s {2,10} {3,8}' -f 'Search-RecoveryVault (Resource Graph)', $graphSeconds, $graphRequests.Total, $viaGraph.Count
    foreach ($run in $fanOut) {
        '{0,-50} {1,8:N2} s {2,10} {3,8}' -f "per-vault fan-out (-ThrottleLimit $($run.Limit))", $run.Seconds, $run.Requests, $run.Found.Count
    }
    'same answer: {0}; fan-out time / Resource Graph time: {1:N2}x; Resource Graph sends {2:N0}x fewer requests' -f $same, ($fanOutSeconds / $graphSeconds), ($fanOutRequests.Total / [math]::Max(1, $graphRequests.Total))
    if ($slow) {
        ''
        '{0,-50} {1,10} {2,10} {3,8}' -f "with $LatencyMs ms added to every request (1 run)", 'time', 'requests', 'found'
        foreach ($k in $slow.Keys) { '{0,-50} {1,8:N2} s {2,10} {3,8}' -f $k, $slow[$k][0], ($k -like '*Graph*' ? $graphRequests.Total : $fanOutRequests.Total), $slow[$k][1] }
        'Resource Graph {0:N1}x faster than the fan-out at -ThrottleLimit 8 once each request costs {1} ms' -f ($slow['per-vault fan-out (-ThrottleLimit 8)'][0] / $slow['Search-RecoveryVault (Resource Graph)'][0]), $LatencyMs
    }
}
finally {
    $emulator | Stop-RecoveryVaultEmulator -Confirm:$false
}
