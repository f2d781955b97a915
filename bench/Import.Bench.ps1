<#
.SYNOPSIS
    Import cost of RecoveryVault, side by side with bare pwsh in one run: medians of 'pwsh -NoProfile -c …'.

.DESCRIPTION
    Each round starts, in turn, a bare pwsh, a pwsh that imports the module, one that imports it and reads a help
    topic, and one that imports an empty manifest module (PowerShell's own cost of a first Import-Module, which no
    module can go below). Interleaving the rounds puts any change in the machine's load on all four alike.
    Target (issue 12): Import-Module adds at most 100 ms to bare pwsh.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Runs = 7
)
$ErrorActionPreference = 'Stop'
$manifest = Join-Path (Resolve-Path $ModulePath) 'RecoveryVault.psd1'
$pwshDll = Join-Path $PSHOME 'pwsh.dll'
$emptyDir = Join-Path ([IO.Path]::GetTempPath()) ('rv-bench-empty-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
$null = New-Item -ItemType Directory -Force $emptyDir
$empty = Join-Path $emptyDir 'Empty.psd1'
Set-Content -Path $empty -Value "@{ ModuleVersion = '1.0.0'; GUID = '$([guid]::NewGuid())'; FunctionsToExport = @(); CmdletsToExport = @() }"

$commands = [ordered]@{
    'bare pwsh -NoProfile -c exit'       = 'exit'
    'Import-Module RecoveryVault'        = "Import-Module '$manifest'; exit"
    'Import-Module + Get-Help -Full'     = "Import-Module '$manifest'; Get-Help Get-RecoveryVault -Full | Out-Null; exit"
    'Import-Module of an empty manifest' = "Import-Module '$empty'; exit"
}
$times = @{}
try {
    foreach ($name in $commands.Keys) {
        $times[$name] = [Collections.Generic.List[double]]::new()
        # One warm-up each, so the file cache is equally warm for all.
        & dotnet $pwshDll -NoProfile -NonInteractive -Command $commands[$name] | Out-Null
    }
    foreach ($i in 1..$Runs) {
        foreach ($name in $commands.Keys) {
            $sw = [Diagnostics.Stopwatch]::StartNew()
            & dotnet $pwshDll -NoProfile -NonInteractive -Command $commands[$name] | Out-Null
            if ($LASTEXITCODE -ne 0) { throw "'$($commands[$name])' failed with exit code $LASTEXITCODE" }
            $times[$name].Add($sw.Elapsed.TotalMilliseconds)
        }
    }
}
finally { Remove-Item $emptyDir -Recurse -Force -ErrorAction SilentlyContinue }

function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object
    if ($sorted.Count % 2) { $sorted[[int][math]::Floor($sorted.Count / 2)] } else { ($sorted[$sorted.Count / 2 - 1] + $sorted[$sorted.Count / 2]) / 2 }
}
$median = @{}
foreach ($name in $commands.Keys) { $median[$name] = Get-Median $times[$name] }
$bare = $median['bare pwsh -NoProfile -c exit']
$import = $median['Import-Module RecoveryVault']
$help = $median['Import-Module + Get-Help -Full']
$floor = $median['Import-Module of an empty manifest']

"median of $Runs, interleaved; PowerShell $($PSVersionTable.PSVersion), $([Environment]::ProcessorCount) cores"
foreach ($name in $commands.Keys) { '{0,-40} {1,8:N0} ms   ({2,5:N2}x bare)' -f $name, $median[$name], ($median[$name] / $bare) }
$added = $import - $bare
'{0,-40} {1,8:N0} ms   (target <= 100 ms: {2})' -f 'import cost added', $added, $(if ($added -le 100) { 'met' } else { 'MISSED' })
'{0,-40} {1,8:N0} ms' -f 'import + help added', ($help - $bare)
'{0,-40} {1,8:N0} ms' -f 'of which any Import-Module costs', ($floor - $bare)
'{0,-40} {1,8:N0} ms' -f 'of which RecoveryVault itself costs', ($import - $floor)
'{0,-40} {1,8:N2}x' -f 'ratio import / bare', ($import / $bare)
