<#
.SYNOPSIS
    Runs the Pester suite against a built module and writes {"Passed":N,"Failed":N} to -ResultPath.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $ResultPath,
    # Where build.ps1 -Task Package put RecoveryVault.<version>.nupkg (default: out/packages beside the module).
    [string] $PackagePath,
    [string[]] $Path = @($PSScriptRoot),
    [string[]] $TagFilter
)
$ErrorActionPreference = 'Stop'
$globalPackages = ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
$pester = Join-Path $globalPackages 'pester/5.7.1/tools/Pester.psd1'
if (-not (Test-Path $pester)) { throw "Pester 5.7.1 is not in the NuGet cache ($pester). Run ./build.ps1 -Task Build first (it restores tools/TestDependencies)." }
Import-Module $pester -Force

$env:RV_MODULE_PATH = (Resolve-Path $ModulePath).Path
$env:RV_PACKAGE_PATH = if ($PackagePath) { $PackagePath } else { Join-Path (Split-Path $env:RV_MODULE_PATH -Parent) 'packages' }
$env:RV_NUGET_PACKAGES = $globalPackages
$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Normal'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = [IO.Path]::ChangeExtension($ResultPath, '.xml')
if ($TagFilter) { $config.Filter.Tag = $TagFilter }
try {
    $result = Invoke-Pester -Configuration $config
    $summary = @{ Passed = [int] $result.PassedCount; Failed = [int] ($result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount) }
}
catch {
    # A crash of the runner itself must count as a failure, never as zero tests.
    Write-Host "Pester crashed: $_" -ForegroundColor Red
    $summary = @{ Passed = 0; Failed = 1 }
}
$summary | ConvertTo-Json | Set-Content -Path $ResultPath
exit 0
