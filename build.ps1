<#
.SYNOPSIS
    Builds, tests, demonstrates and benchmarks the RecoveryVault module.

.DESCRIPTION
    Tasks:
      Build  assembles out/RecoveryVault: manifest, RecoveryVault.dll, Dependencies/ (Engine + Azure libraries, loaded
             into the module's own AssemblyLoadContext), Emulator/, format file and en-US/ MAML help from docs/en-US.
      Test   Build and Package, then every xunit project and the Pester suite (against the built module and a real emulator
             process; npm ci --prefix tests/js first, for the official Azure SDK for JavaScript tests, so node >= 20 and
             npm are required). Ends with one line "N passed, N failed"; exits 1 when anything failed.
      Demo   Build, then a scripted session against a freshly started emulator.
      Package
             Build, then Publish-PSResource of out/RecoveryVault to a local file repository, out/packages, giving
             RecoveryVault.<version>.nupkg exactly as the PowerShell Gallery would receive it.
      Bench  Build, then the benchmarks in bench/ (import cost; FanOut needs node >= 20 and npm for the JS SDK side).
      Clean  removes out/ and every bin/obj.
    Works offline once packages are restored (dotnet tool restore + the first build).

.EXAMPLE
    dotnet tool restore; dotnet pwsh -NoProfile -File ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Demo', 'Bench', 'Clean')]
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$out = Join-Path $root 'out'
$moduleOut = Join-Path $out 'RecoveryVault'
$packagesOut = Join-Path $out 'packages'
$solution = Join-Path $root 'RecoveryVault.slnx'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

# A plain function on purpose: an advanced one would take dotnet's '-o' for -OutVariable.
function Invoke-Dotnet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE" }
}

function Get-ModuleVersion {
    # Directory.Build.props is the one place the version is set; the assemblies get it from MSBuild, the manifest here.
    [xml] $props = Get-Content (Join-Path $root 'Directory.Build.props') -Raw
    $version = @($props.Project.PropertyGroup | ForEach-Object { $_.SelectSingleNode('Version') } | Where-Object { $_ })[0].InnerText
    if (-not ($version -as [version])) { throw "Directory.Build.props has no usable <Version> ('$version')." }
    $version
}

function Get-ReleaseNotes {
    param([Parameter(Mandatory)] [string] $Version)
    # This version's section of CHANGELOG.md, from its heading to the next version's.
    $lines = Get-Content (Join-Path $root 'CHANGELOG.md')
    $start = @($lines | Select-String -Pattern ('^## \[' + [regex]::Escape($Version) + '\]') | Select-Object -First 1)
    if (-not $start) { throw "CHANGELOG.md has no section '## [$Version]': add one before building this version." }
    $notes = foreach ($line in $lines[$start[0].LineNumber..($lines.Count - 1)]) {
        if ($line -match '^## \[') { break }
        $line
    }
    (($notes -join "`n").Trim())
}

function Set-ManifestRelease {
    param([Parameter(Mandatory)] [string] $Path)
    $version = Get-ModuleVersion
    $notes = Get-ReleaseNotes -Version $version
    $text = Get-Content $Path -Raw
    # Plain replacements keep the manifest as written (Update-ModuleManifest would regenerate the whole file).
    $text = $text -replace "(?m)^(\s*ModuleVersion\s*=\s*)'[^']*'", "`${1}'$version'"
    $quoted = "'" + ($notes -replace "'", "''") + "'"
    $text = $text -replace "(?m)^(\s*ReleaseNotes\s*=\s*)''", { $_.Groups[1].Value + $quoted }
    # With a BOM: Windows PowerShell 5.1 reads a BOM-less file as ANSI, and it must read this one well enough to say
    # that it needs 7.4 whatever characters the release notes hold.
    Set-Content -Path $Path -Value $text -NoNewline -Encoding utf8BOM
    $manifest = Test-ModuleManifest -Path $Path -ErrorAction Stop
    if ("$($manifest.Version)" -ne $version -or -not $manifest.ReleaseNotes) { throw "Stamping $Path failed (version $($manifest.Version))." }
}

function Invoke-Build {
    Write-Host "== Build ($Configuration)" -ForegroundColor Cyan
    Invoke-Dotnet restore $solution --verbosity quiet
    Invoke-Dotnet restore (Join-Path $root 'tools/TestDependencies/TestDependencies.csproj') --verbosity quiet
    Invoke-Dotnet build $solution -c $Configuration --no-restore --verbosity quiet -nologo
    if (Test-Path $moduleOut) { Remove-Item $moduleOut -Recurse -Force }
    $null = New-Item -ItemType Directory -Force -Path $moduleOut, (Join-Path $moduleOut 'Dependencies'), (Join-Path $moduleOut 'Emulator'), (Join-Path $moduleOut 'en-US')

    Invoke-Dotnet publish (Join-Path $root 'src/RecoveryVault.Engine/RecoveryVault.Engine.csproj') -c $Configuration --no-build --verbosity quiet -o (Join-Path $moduleOut 'Dependencies')
    Invoke-Dotnet publish (Join-Path $root 'src/RecoveryVault.Emulator/RecoveryVault.Emulator.csproj') -c $Configuration --no-build --verbosity quiet -o (Join-Path $moduleOut 'Emulator')
    $cmdletBin = Join-Path $root "src/RecoveryVault/bin/$Configuration/net8.0"
    Copy-Item (Join-Path $cmdletBin 'RecoveryVault.dll'), (Join-Path $cmdletBin 'RecoveryVault.xml') $moduleOut
    # The Engine's own copy must not sit beside RecoveryVault.dll: that would bypass the load context.
    Remove-Item (Join-Path $moduleOut 'Dependencies/*.pdb') -ErrorAction SilentlyContinue
    Copy-Item (Join-Path $root 'RecoveryVault.psd1') $moduleOut
    # Symbols of the emulator are not needed to run it and would only grow the package; nor are SQLite builds for
    # platforms PowerShell does not run on (the host only looks for the current platform's, so the rest may go).
    Remove-Item (Join-Path $moduleOut 'Emulator/*.pdb') -ErrorAction SilentlyContinue
    $keep = 'win-x64', 'win-x86', 'win-arm64', 'linux-x64', 'linux-arm64', 'linux-arm', 'linux-musl-x64', 'linux-musl-arm64', 'osx-x64', 'osx-arm64'
    Get-ChildItem (Join-Path $moduleOut 'Emulator/runtimes') -Directory -ErrorAction SilentlyContinue |
        Where-Object Name -NotIn $keep | Remove-Item -Recurse -Force
    Copy-Item (Join-Path $root 'module/*.ps1xml') $moduleOut
    Set-ManifestRelease -Path (Join-Path $moduleOut 'RecoveryVault.psd1')

    $helpCompiler = Join-Path $root "tools/RecoveryVault.HelpCompiler/bin/$Configuration/net10.0/RecoveryVault.HelpCompiler.dll"
    Invoke-Dotnet $helpCompiler --source (Join-Path $root 'docs/en-US') --module-assembly RecoveryVault.dll --output (Join-Path $moduleOut 'en-US')
    Write-Host "Module assembled in $moduleOut"
}

function Invoke-Package {
    Invoke-Build
    if (Test-Path $packagesOut) { Remove-Item $packagesOut -Recurse -Force }
    $null = New-Item -ItemType Directory -Force $packagesOut
    Write-Host '== Package' -ForegroundColor Cyan
    # A child process with its own PSResourceGet settings folder: registering the local repository must not touch
    # the user's repository list, and PSResourceGet reads where its settings live once per process.
    & dotnet "$PSHOME/pwsh.dll" -NoProfile -NonInteractive -File (Join-Path $root 'tools/Publish-LocalPackage.ps1') -ModulePath $moduleOut -RepositoryPath $packagesOut
    if ($LASTEXITCODE -ne 0) { throw "Publishing the package failed (exit $LASTEXITCODE)." }
    $nupkg = Join-Path $packagesOut "RecoveryVault.$(Get-ModuleVersion).nupkg"
    if (-not (Test-Path $nupkg)) { throw "Publish-PSResource did not produce $nupkg." }
    Write-Host "Package: $nupkg ($([math]::Round((Get-Item $nupkg).Length / 1MB, 1)) MB)"
}

function Get-TrxCount {
    param([string] $Directory)
    $passed = 0; $failed = 0
    foreach ($file in Get-ChildItem $Directory -Filter *.trx -Recurse -ErrorAction SilentlyContinue) {
        # -LiteralPath: two test projects finishing in the same second get "name[1].trx", and [1] is a wildcard.
        [xml] $trx = Get-Content -LiteralPath $file.FullName -Raw
        $counters = $trx.TestRun.ResultSummary.Counters
        $passed += [int] $counters.passed
        $failed += [int] $counters.failed + [int] $counters.error + [int] $counters.timeout + [int] $counters.aborted
    }
    [pscustomobject]@{ Passed = $passed; Failed = $failed }
}

function Invoke-Test {
    # Package builds first; the Pester suite installs that package by name (tests/Pester/Package.Tests.ps1).
    Invoke-Package
    $results = Join-Path $out 'TestResults'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    $null = New-Item -ItemType Directory -Force $results
    $problems = @()

    Write-Host '== xunit' -ForegroundColor Cyan
    & dotnet test $solution -c $Configuration --no-build --nologo --verbosity quiet --logger 'trx' --logger 'console;verbosity=minimal' --results-directory (Join-Path $results 'xunit')
    if ($LASTEXITCODE -ne 0) { $problems += "dotnet test exited with $LASTEXITCODE" }
    $xunit = Get-TrxCount (Join-Path $results 'xunit')
    Write-Host "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed"
    if ($xunit.Passed + $xunit.Failed -eq 0) { $problems += 'xunit ran no test' }

    Write-Host '== npm ci (tests/js)' -ForegroundColor Cyan
    # The official Azure SDK for JavaScript that tests/Pester/JsSdk.Tests.ps1 drives, exactly as tests/js/package-lock.json
    # pins it. No npm is a failure, never a skip: those tests are the independent check of the emulator's wire shapes.
    $npm = Get-Command npm -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $npm) { $problems += 'npm is not on PATH: tests/js (the official Azure SDK for JavaScript) cannot be installed' }
    else {
        & $npm.Source ci --prefix (Join-Path $root 'tests/js') --no-audit --no-fund --loglevel=error
        if ($LASTEXITCODE -ne 0) { $problems += "npm ci --prefix tests/js exited with $LASTEXITCODE" }
    }

    Write-Host '== Pester' -ForegroundColor Cyan
    $pesterJson = Join-Path $results 'pester.json'
    # A child process: the suite imports the built module, and a module's assemblies cannot be unloaded.
    & dotnet "$PSHOME/pwsh.dll" -NoProfile -NonInteractive -File (Join-Path $root 'tests/Pester/Invoke-PesterSuite.ps1') -ModulePath $moduleOut -PackagePath $packagesOut -ResultPath $pesterJson
    if ($LASTEXITCODE -ne 0 -and -not (Test-Path $pesterJson)) { $problems += "Pester run crashed (exit $LASTEXITCODE)" }
    $pester = if (Test-Path $pesterJson) { Get-Content $pesterJson -Raw | ConvertFrom-Json } else { [pscustomobject]@{ Passed = 0; Failed = 0 } }
    Write-Host "Pester: $($pester.Passed) passed, $($pester.Failed) failed"
    if ($pester.Passed + $pester.Failed -eq 0) { $problems += 'Pester ran no test' }

    foreach ($p in $problems) { Write-Host "problem: $p" -ForegroundColor Red }
    $passed = $xunit.Passed + $pester.Passed
    $failed = $xunit.Failed + $pester.Failed
    if ($problems -and $failed -eq 0) { $failed = 1 }
    # CI reads this one line; nothing may follow it.
    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    & dotnet "$PSHOME/pwsh.dll" -NoProfile -NonInteractive -File (Join-Path $root 'tools/Demo.ps1') -ModulePath $moduleOut
    if ($LASTEXITCODE -ne 0) { throw "The demo failed (exit $LASTEXITCODE)." }
}

function Invoke-Bench {
    Invoke-Build
    # bench/FanOut.Bench.ps1 runs the official Azure SDK for JavaScript side by side with the module.
    & npm ci --prefix (Join-Path $root 'tests/js') --no-audit --no-fund --loglevel=error
    if ($LASTEXITCODE -ne 0) { throw "npm ci --prefix tests/js exited with $LASTEXITCODE (node >= 20 and npm are needed for bench/FanOut.Bench.ps1)." }
    foreach ($bench in Get-ChildItem (Join-Path $root 'bench') -Filter '*.Bench.ps1' | Sort-Object Name) {
        Write-Host "== $($bench.Name)" -ForegroundColor Cyan
        & dotnet "$PSHOME/pwsh.dll" -NoProfile -NonInteractive -File $bench.FullName -ModulePath $moduleOut
        if ($LASTEXITCODE -ne 0) { throw "$($bench.Name) failed (exit $LASTEXITCODE)." }
    }
}

function Invoke-Clean {
    if (Test-Path $out) { Remove-Item $out -Recurse -Force }
    Get-ChildItem $root -Directory -Recurse -Include bin, obj | Remove-Item -Recurse -Force
}

foreach ($t in $Task) {
    switch ($t) {
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Package' { Invoke-Package }
        'Demo' { Invoke-Demo }
        'Bench' { Invoke-Bench }
        'Clean' { Invoke-Clean }
    }
}
