<#
.SYNOPSIS
    Import cost of RecoveryVault: median 'pwsh -NoProfile -c Import-Module …' minus median bare 'pwsh -NoProfile -c exit'.
    Target (issue: foundation): at most 150 ms added.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Runs = 15
)
$ErrorActionPreference = 'Stop'
$manifest = Join-Path (Resolve-Path $ModulePath) 'RecoveryVault.psd1'
$pwshDll = Join-Path $PSHOME 'pwsh.dll'

function Measure-Median([string] $Command) {
    # One warm-up so the OS file cache is equally warm for both commands.
    & dotnet $pwshDll -NoProfile -NonInteractive -Command $Command | Out-Null
    $times = foreach ($i in 1..$Runs) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        & dotnet $pwshDll -NoProfile -NonInteractive -Command $Command | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "'$Command' failed with exit code $LASTEXITCODE" }
        $sw.Elapsed.TotalMilliseconds
    }
    $sorted = $times | Sort-Object
    $sorted[[int][math]::Floor($sorted.Count / 2)]
}

$bare = Measure-Median 'exit'
$import = Measure-Median "Import-Module '$manifest'; exit"
# Import plus first use: the Engine and Azure.Core load lazily, on the first cmdlet that needs them.
$firstUse = Measure-Median "Import-Module '$manifest'; Get-RecoveryVaultContext | Out-Null; try { Get-RecoveryVault -ErrorAction Stop } catch { }; exit"
$added = $import - $bare
'{0,-44} {1,10:N0} ms' -f 'pwsh -NoProfile -c exit (median)', $bare
'{0,-44} {1,10:N0} ms' -f 'pwsh -NoProfile -c Import-Module (median)', $import
'{0,-44} {1,10:N0} ms' -f 'Import-Module + first cmdlet (median)', $firstUse
'{0,-44} {1,10:N0} ms   (target <= 150 ms: {2})' -f 'import cost added', $added, $(if ($added -le 150) { 'met' } else { 'MISSED' })
'{0,-44} {1,10:N2}x' -f 'ratio import / bare', ($import / $bare)
