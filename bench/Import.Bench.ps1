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

# Every command ends by printing its process's CPU time; the same statement in all four, so it cancels out.
$cpu = '[Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime.TotalMilliseconds; exit'
$commands = [ordered]@{
    'bare pwsh -NoProfile -c exit'       = $cpu
    'Import-Module RecoveryVault'        = "Import-Module '$manifest'; $cpu"
    'Import-Module + Get-Help -Full'     = "Import-Module '$manifest'; Get-Help Get-RecoveryVault -Full | Out-Null; $cpu"
    'Import-Module of an empty manifest' = "Import-Module '$empty'; $cpu"
    # Any session that shows output initialises PowerShell's formatting tables once; importing a module with a format
    # file does that at import. Measured warm in both, the difference is what the module adds in real use.
    'bare pwsh, output formatted once'   = "Get-Date | Out-String | Out-Null; $cpu"
    'Import-Module, output formatted once' = "Get-Date | Out-String | Out-Null; Import-Module '$manifest'; $cpu"
}
$times = @{}
$cpuTimes = @{}
try {
    foreach ($name in $commands.Keys) {
        $times[$name] = [Collections.Generic.List[double]]::new()
        $cpuTimes[$name] = [Collections.Generic.List[double]]::new()
        # One warm-up each, so the file cache is equally warm for all.
        & dotnet $pwshDll -NoProfile -NonInteractive -Command $commands[$name] | Out-Null
    }
    foreach ($i in 1..$Runs) {
        foreach ($name in $commands.Keys) {
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $out = & dotnet $pwshDll -NoProfile -NonInteractive -Command $commands[$name]
            if ($LASTEXITCODE -ne 0) { throw "'$($commands[$name])' failed with exit code $LASTEXITCODE" }
            $times[$name].Add($sw.Elapsed.TotalMilliseconds)
            $cpuTimes[$name].Add([double]::Parse(@($out)[-1], [Globalization.CultureInfo]::InvariantCulture))
        }
    }
}
finally { Remove-Item $emptyDir -Recurse -Force -ErrorAction SilentlyContinue }

function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object
    if ($sorted.Count % 2) { $sorted[[int][math]::Floor($sorted.Count / 2)] } else { ($sorted[$sorted.Count / 2 - 1] + $sorted[$sorted.Count / 2]) / 2 }
}
function Write-Report([string] $Title, [hashtable] $Samples) {
    $median = @{}
    foreach ($name in $commands.Keys) { $median[$name] = Get-Median $Samples[$name] }
    $bare = $median['bare pwsh -NoProfile -c exit']
    $import = $median['Import-Module RecoveryVault']
    $added = $import - $bare
    ''
    "$Title (median of $Runs, interleaved)"
    foreach ($name in $commands.Keys) { '  {0,-40} {1,8:N0} ms   ({2,5:N2}x bare)' -f $name, $median[$name], ($median[$name] / $bare) }
    '  {0,-40} {1,8:N0} ms   (target <= 100 ms: {2})' -f 'import cost added', $added, $(if ($added -le 100) { 'met' } else { 'MISSED' })
    '  {0,-40} {1,8:N0} ms' -f 'import + help added', ($median['Import-Module + Get-Help -Full'] - $bare)
    '  {0,-40} {1,8:N0} ms' -f 'of which any Import-Module costs', ($median['Import-Module of an empty manifest'] - $bare)
    '  {0,-40} {1,8:N0} ms' -f 'of which RecoveryVault itself costs', ($import - $median['Import-Module of an empty manifest'])
    '  {0,-40} {1,8:N2}x' -f 'ratio import / bare', ($import / $bare)
    '  {0,-40} {1,8:N0} ms' -f 'added with formatting warm in both', ($median['Import-Module, output formatted once'] - $median['bare pwsh, output formatted once'])
}
"PowerShell $($PSVersionTable.PSVersion), $([Environment]::ProcessorCount) cores, load average at the end: $(if (Test-Path /proc/loadavg) { (Get-Content /proc/loadavg) -split ' ' | Select-Object -First 3 } else { 'n/a' })"
Write-Report 'Wall clock' $times
Write-Report 'CPU time of the process' $cpuTimes
