# The package that build.ps1 -Task Package publishes, used the way a user would: registered as a repository,
# installed by name with Install-PSResource into a module path of its own, imported by name in a fresh process.
BeforeAll {
    $script:packages = $env:RV_PACKAGE_PATH
    if (-not $packages) { $script:packages = Join-Path (Split-Path $env:RV_MODULE_PATH -Parent) 'packages' }
    $script:manifest = Import-PowerShellDataFile (Join-Path $env:RV_MODULE_PATH 'RecoveryVault.psd1')
    $script:version = $manifest.ModuleVersion
    $script:nupkg = Join-Path $packages "RecoveryVault.$version.nupkg"
    $script:pwshDll = Join-Path $PSHOME 'pwsh.dll'

    function Invoke-Isolated {
        <# Runs a script in a fresh pwsh whose home, and so its user data (PSResourceGet settings, CurrentUser modules), is $DataHome. #>
        param([Parameter(Mandatory)] [string] $DataHome, [Parameter(Mandatory)] [string] $Script)
        $file = Join-Path $DataHome ('script-' + [guid]::NewGuid().ToString('N') + '.ps1')
        Set-Content -Path $file -Value $Script
        $saved = @{ NO_COLOR = $env:NO_COLOR; HOME = $env:HOME; USERPROFILE = $env:USERPROFILE; XDG_DATA_HOME = $env:XDG_DATA_HOME; LOCALAPPDATA = $env:LOCALAPPDATA; PSModulePath = $env:PSModulePath }
        try {
            # PSResourceGet puts CurrentUser modules under the home folder (Documents on Windows) and its repository
            # list under local application data; pwsh looks for user modules in the same places. All of them go here.
            $env:HOME = $DataHome
            $env:USERPROFILE = $DataHome
            # .NET reports a special folder only once it exists (else "", and PSResourceGet would write to the
            # current directory), so both are made first.
            $env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force (Join-Path $DataHome '.local/share')).FullName
            $env:LOCALAPPDATA = (New-Item -ItemType Directory -Force (Join-Path $DataHome 'AppData/Local')).FullName
            # Empty: the child computes its default module path, so nothing of this session (out/RecoveryVault) leaks in.
            $env:PSModulePath = ''
            $env:NO_COLOR = '1'
            $output = & dotnet $pwshDll -NoProfile -NonInteractive -File $file 2>&1
            # Colour codes would not survive into the test report (XML forbids U+001B), so they go.
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($output | Out-String) -replace '\x1b\[[0-9;?]*[A-Za-z]', '' }
        }
        finally {
            foreach ($k in $saved.Keys) {
                if ($null -eq $saved[$k]) { Remove-Item "env:$k" -ErrorAction SilentlyContinue } else { Set-Item "env:$k" -Value $saved[$k] }
            }
        }
    }
}

Describe 'build.ps1 -Task Package' {
    It 'produced RecoveryVault.<version>.nupkg with the gallery metadata and everything the module needs' {
        $nupkg | Should -Exist
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($nupkg)
        try {
            $entries = $zip.Entries.FullName
            $reader = [IO.StreamReader]::new(($zip.Entries | Where-Object FullName -EQ 'RecoveryVault.nuspec').Open())
            [xml] $nuspec = $reader.ReadToEnd()
            $reader.Dispose()
        }
        finally { $zip.Dispose() }
        $meta = $nuspec.package.metadata
        $meta.id | Should -Be 'RecoveryVault'
        $meta.version | Should -Be $version
        $meta.projectUrl | Should -Be $manifest.PrivateData.PSData.ProjectUri
        $meta.licenseUrl | Should -Be $manifest.PrivateData.PSData.LicenseUri
        $meta.releaseNotes | Should -Match 'AccessToken'
        $meta.tags -split ' ' | Should -Contain 'PSModule'
        $meta.tags -split ' ' | Should -Contain 'AzureAutomation'
        $entries | Should -Contain 'RecoveryVault.psd1'
        $entries | Should -Contain 'RecoveryVault.dll'
        $entries | Should -Contain 'RecoveryVault.Format.ps1xml'
        $entries | Should -Contain 'en-US/RecoveryVault.dll-Help.xml'
        $entries | Should -Contain 'Dependencies/RecoveryVault.Engine.dll'
        $entries | Should -Contain 'Dependencies/Azure.Identity.dll'
        $entries | Should -Contain 'Emulator/RecoveryVault.Emulator.dll'
        $entries | Should -Contain 'Emulator/RecoveryVault.Emulator.runtimeconfig.json'
        # Nothing the Engine loads privately may sit beside RecoveryVault.dll, where the default context would find it.
        $entries | Where-Object { $_ -match '^[^/]+\.dll$' } | Should -Be 'RecoveryVault.dll'
    }

    It 'takes ReleaseNotes from this version''s CHANGELOG.md section and the version from Directory.Build.props' {
        $changelog = Get-Content (Join-Path $PSScriptRoot '../../CHANGELOG.md') -Raw
        $changelog | Should -Match ('## \[' + [regex]::Escape($version) + '\]')
        [xml] $props = Get-Content (Join-Path $PSScriptRoot '../../Directory.Build.props') -Raw
        @($props.Project.PropertyGroup.Version | Where-Object { $_ }) | Should -Contain $version
        $manifest.PrivateData.PSData.ReleaseNotes | Should -Not -BeNullOrEmpty
        $changelog | Should -BeLike ('*' + ($manifest.PrivateData.PSData.ReleaseNotes -split "`n")[0] + '*')
    }
}

Describe 'Install-PSResource RecoveryVault from the local repository' {
    BeforeAll {
        $script:dataHome = Join-Path ([IO.Path]::GetTempPath()) ('rv-install-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        $null = New-Item -ItemType Directory -Force $dataHome
    }
    AfterAll { Remove-Item $dataHome -Recurse -Force -ErrorAction SilentlyContinue }

    It 'installs by name for the current user into an isolated module path' {
        $result = Invoke-Isolated -DataHome $dataHome -Script @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name RecoveryVaultTest -Uri '$packages' -Trusted
Install-PSResource RecoveryVault -Repository RecoveryVaultTest -Scope CurrentUser -TrustRepository -Quiet
Get-InstalledPSResource RecoveryVault -Scope CurrentUser | ForEach-Object { 'INSTALLED ' + `$_.Version + ' ' + `$_.InstalledLocation }
"@
        $result.Output | Should -Match ('INSTALLED ' + [regex]::Escape($version))
        $result.ExitCode | Should -Be 0 -Because $result.Output
        Get-ChildItem $dataHome -Recurse -Force -Filter RecoveryVault.psd1 | Should -Not -BeNullOrEmpty
    }

    It 'imports by name in a fresh process and runs a script against the emulator shipped in the package' {
        $result = Invoke-Isolated -DataHome $dataHome -Script @'
$ErrorActionPreference = 'Stop'
Import-Module RecoveryVault
$module = Get-Module RecoveryVault
'MODULE ' + $module.Version + ' ' + $module.ModuleBase
$emulator = Start-RecoveryVaultEmulator -InMemory
try {
    # The emulator process runs from the installed package, not from any build output.
    'EMULATOR ' + (Get-Process -Id $emulator.ProcessId).CommandLine
    $emulator | Connect-RecoveryVault | Out-Null
    Add-RecoveryVaultEmulatorData -ResourceGroupName rg-pkg -Location westeurope | Out-Null
    New-RecoveryVault -Name pkg-vault -ResourceGroupName rg-pkg -Location westeurope -Confirm:$false | Out-Null
    'VAULTS ' + ((Get-RecoveryVault -ResourceGroupName rg-pkg).Name -join ',')
}
finally { $emulator | Stop-RecoveryVaultEmulator }
'@
        $result.ExitCode | Should -Be 0 -Because $result.Output
        $result.Output | Should -Match ('MODULE ' + [regex]::Escape($version) + ' ' + [regex]::Escape($dataHome))
        $result.Output | Should -Match ('EMULATOR .*' + [regex]::Escape($dataHome) + '.*RecoveryVault\.Emulator\.dll')
        $result.Output | Should -Match 'VAULTS pkg-vault'
    }
}
