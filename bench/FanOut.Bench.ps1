<#
.SYNOPSIS
    Lists all protected items of 200 vaults x 50 items, side by side in one run against one emulator: the module with
    -ThrottleLimit 1 and 8 (Get-RecoveryVault | Get-RecoveryVaultItem), and the official Azure SDK for JavaScript
    (@azure/arm-recoveryservicesbackup 12.0.0, tests/js/list-items.mjs) one vault at a time and 16 vaults at a time.
    Target (issue 13): -ThrottleLimit 8 at least 2x faster than the JS SDK sequential, and no slower than the JS SDK
    concurrent.
.NOTES
    Needs node >= 20 and `npm ci --prefix tests/js`. Every side lists the vaults, then every vault's items, and is
    warm (token, TLS) before it is timed; medians of -Runs runs. The load average is printed: other processes on the
    machine move these figures.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Vaults = 200,
    [int] $ItemsPerVault = 50,
    [int] $Runs = 3
)
$ErrorActionPreference = 'Stop'
$jsDir = Join-Path $PSScriptRoot '../tests/js'
if (-not (Test-Path (Join-Path $jsDir 'node_modules/@azure/arm-recoveryservicesbackup/package.json'))) {
    throw "The official JS SDK is not installed: run 'npm ci --prefix tests/js'."
}
Import-Module (Join-Path (Resolve-Path $ModulePath) 'RecoveryVault.psd1')
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/TestHelpers.psm1')
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1')
# A frozen backup clock: the emulator's scheduler must not be what is measured.
$emulator = Start-RecoveryVaultEmulator -InMemory -LroDurationMs 0 -ClockRate 0
try {
    $emulator | Connect-RecoveryVault | Out-Null
    Add-RecoveryVaultEmulatorData -ResourceGroupName rg-fan -Location westeurope | Out-Null
    $seed = [Diagnostics.Stopwatch]::StartNew()
    Add-VaultsWithItems -ResourceGroupName rg-fan -Prefix fan -Count $Vaults -ItemsPerVault $ItemsPerVault
    $expected = $Vaults * $ItemsPerVault
    '{0,-48} {1,10:N1} s' -f "seeded $Vaults vaults x $ItemsPerVault items", $seed.Elapsed.TotalSeconds
    '{0,-48} {1,10}' -f 'load average at start (1/5/15 min)', ((Get-Load) -join ' ')
    "cores: $([Environment]::ProcessorCount)"

    function Measure-Module([int] $Limit) {
        # Warm: the first call pays for JIT and the connection.
        if (@(Get-RecoveryVault -ResourceGroupName rg-fan -Name 'fan-001' | Get-RecoveryVaultItem -ThrottleLimit $Limit).Count -ne $ItemsPerVault) { throw 'warm-up listed the wrong count' }
        $times = foreach ($r in 1..$Runs) {
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $n = @(Get-RecoveryVault -ResourceGroupName rg-fan | Get-RecoveryVaultItem -ThrottleLimit $Limit).Count
            $sw.Elapsed.TotalMilliseconds
            if ($n -ne $expected) { throw "-ThrottleLimit $Limit listed $n items, expected $expected." }
        }
        Get-Median $times
    }

    function Measure-Js([int] $Concurrency) {
        $line = Invoke-WithJsSdkEnvironment -Emulator $emulator -ResourceGroupName rg-fan { & node (Join-Path $jsDir 'list-items.mjs') $Concurrency $Runs }
        if ($LASTEXITCODE -ne 0) { throw "node list-items.mjs $Concurrency failed (exit $LASTEXITCODE)." }
        $r = $line | Select-Object -Last 1 | ConvertFrom-Json
        if ($r.items -ne $expected) { throw "JS SDK (concurrency $Concurrency) listed $($r.items) items, expected $expected." }
        Get-Median $r.ms
    }

    # Interleaved so a burst of load elsewhere does not fall on one side only.
    $jsSeq = Measure-Js 1
    $mod1 = Measure-Module 1
    $jsPar = Measure-Js 16
    $mod8 = Measure-Module 8
    $label = "$expected items (median of $Runs)"
    '{0,-48} {1,10:N0} ms' -f "JS SDK sequential, $label", $jsSeq
    '{0,-48} {1,10:N0} ms' -f "JS SDK 16 concurrent, $label", $jsPar
    '{0,-48} {1,10:N0} ms' -f "module -ThrottleLimit 1, $label", $mod1
    '{0,-48} {1,10:N0} ms' -f "module -ThrottleLimit 8, $label", $mod8
    '{0,-48} {1,10:N2}x' -f 'module -ThrottleLimit 1 -> 8 speed-up', ($mod1 / $mod8)
    $vsSeq = $jsSeq / $mod8
    $vsPar = $jsPar / $mod8
    '{0,-48} {1,10:N2}x   (target >= 2x: {2})' -f 'JS sequential / module -ThrottleLimit 8', $vsSeq, $(if ($vsSeq -ge 2) { 'met' } else { 'MISSED' })
    '{0,-48} {1,10:N2}x   (target >= 1x: {2})' -f 'JS 16 concurrent / module -ThrottleLimit 8', $vsPar, $(if ($vsPar -ge 1) { 'met' } else { 'MISSED' })
    '{0,-48} {1,10}' -f 'load average at end (1/5/15 min)', ((Get-Load) -join ' ')
}
finally {
    Stop-RecoveryVaultEmulator
}
