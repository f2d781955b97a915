# What the shipped assemblies were built for, read from their metadata: the module is for PowerShell 7.4 LTS
# (.NET 8) and later, while the tests run on a newer pwsh. Anything that needs .NET 9+ or a newer PowerShell than 7.4
# would load here and fail there, so it is caught here instead.
BeforeDiscovery {
    $module = $env:RV_MODULE_PATH
    if (-not $module) { $module = Join-Path $PSScriptRoot '../../out/RecoveryVault' }
    $script:assemblies = foreach ($folder in '.', 'Dependencies', 'Emulator') {
        Get-ChildItem (Join-Path $module $folder) -Filter *.dll -File | ForEach-Object {
            @{ Name = $_.Name; Path = $_.FullName; Folder = $folder }
        }
    }
}

BeforeAll {
    $script:module = $env:RV_MODULE_PATH
    if (-not $module) { $script:module = Join-Path $PSScriptRoot '../../out/RecoveryVault' }

    function Read-AssemblyMetadata {
        <# Target framework and references of an assembly, from its metadata alone (nothing is loaded). #>
        param([Parameter(Mandatory)] [string] $Path)
        $stream = [IO.File]::OpenRead($Path)
        $pe = [System.Reflection.PortableExecutable.PEReader]::new($stream)
        try {
            if (-not $pe.HasMetadata) { return $null }
            $md = [System.Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($pe)
            if (-not $md.IsAssembly) { return $null }
            $framework = $null
            foreach ($handle in $md.GetAssemblyDefinition().GetCustomAttributes()) {
                $attribute = $md.GetCustomAttribute($handle)
                if ($attribute.Constructor.Kind -ne [System.Reflection.Metadata.HandleKind]::MemberReference) { continue }
                $ctor = $md.GetMemberReference([System.Reflection.Metadata.MemberReferenceHandle] $attribute.Constructor)
                if ($ctor.Parent.Kind -ne [System.Reflection.Metadata.HandleKind]::TypeReference) { continue }
                $type = $md.GetTypeReference([System.Reflection.Metadata.TypeReferenceHandle] $ctor.Parent)
                if ($md.GetString($type.Name) -ne 'TargetFrameworkAttribute') { continue }
                # Blob: prolog 0x0001, then the framework name as a length-prefixed UTF-8 string.
                $blob = $md.GetBlobReader($attribute.Value)
                $null = $blob.ReadUInt16()
                $framework = $blob.ReadSerializedString()
            }
            $references = foreach ($handle in $md.AssemblyReferences) {
                $reference = $md.GetAssemblyReference($handle)
                [pscustomobject]@{ Name = $md.GetString($reference.Name); Version = $reference.Version }
            }
            [pscustomobject]@{ Framework = $framework; References = @($references) }
        }
        finally {
            $pe.Dispose()
            $stream.Dispose()
        }
    }

    function Test-FrameworkName([string] $Name) {
        # Names the .NET shared framework (Microsoft.NETCore.App / AspNetCore.App) or PowerShell provides.
        $Name -in 'mscorlib', 'netstandard', 'System' -or $Name -like 'System.*' -or $Name -like 'Microsoft.Win32.*' -or
        $Name -like 'Microsoft.AspNetCore*' -or $Name -like 'Microsoft.Extensions.*' -or $Name -in 'Microsoft.CSharp', 'Microsoft.VisualBasic', 'Microsoft.VisualBasic.Core', 'Microsoft.Net.Http.Headers'
    }
}

Describe 'the manifest' {
    It 'asks for PowerShell 7.4 Core, so Windows PowerShell 5.1 refuses it before loading anything' {
        $manifest = Import-PowerShellDataFile (Join-Path $module 'RecoveryVault.psd1')
        $manifest.PowerShellVersion | Should -Be '7.4'
        @($manifest.CompatiblePSEditions) | Should -Be @('Core')
        # Nothing may load ahead of the root module: no RequiredAssemblies, NestedModules or scripts.
        $manifest.Keys | Should -Not -Contain 'RequiredAssemblies'
        $manifest.Keys | Should -Not -Contain 'NestedModules'
        $manifest.Keys | Should -Not -Contain 'ScriptsToProcess'
    }

    It 'lets the emulator run on the newest runtime installed (.NET 8 or later)' {
        $config = Get-Content (Join-Path $module 'Emulator/RecoveryVault.Emulator.runtimeconfig.json') -Raw | ConvertFrom-Json
        $config.runtimeOptions.tfm | Should -Be 'net8.0'
        $config.runtimeOptions.rollForward | Should -Be 'Major'
        foreach ($framework in $config.runtimeOptions.frameworks) { ([version] $framework.version).Major | Should -Be 8 }
    }
}

Describe 'shipped assembly <Folder>/<Name>' -ForEach $assemblies {
    BeforeAll {
        $script:info = Read-AssemblyMetadata -Path $Path
        # A reference newer than .NET 8 is fine only when the package brings that assembly itself.
        $script:shipped = @(Get-ChildItem (Split-Path $Path -Parent) -Filter *.dll -File).BaseName
    }

    It 'targets .NET 8 or .NET Standard at most' {
        $info | Should -Not -BeNullOrEmpty
        if (-not $info.Framework) {
            # Old .NET Standard libraries (before 2019) carry no TargetFrameworkAttribute; their netstandard
            # reference says what they were built for.
            $netstandard = $info.References | Where-Object Name -EQ 'netstandard'
            $netstandard | Should -Not -BeNullOrEmpty -Because 'an assembly without a target framework must be a .NET Standard library'
            $netstandard.Version | Should -BeLessOrEqual ([version] '2.1.0.0')
            return
        }
        $info.Framework | Should -Match '^\.NET(CoreApp,Version=v[2-8]\.|Standard,Version=v2\.)'
        if ($Name -like 'RecoveryVault*') { $info.Framework | Should -Be '.NETCoreApp,Version=v8.0' }
    }

    It 'references no framework assembly newer than .NET 8, unless it ships beside it' {
        $tooNew = $info.References | Where-Object {
            (Test-FrameworkName $_.Name) -and $_.Version.Major -gt 8 -and $_.Name -notin $shipped
        } | ForEach-Object { "$($_.Name) $($_.Version)" }
        $tooNew | Should -BeNullOrEmpty
    }

    It 'references no PowerShell newer than 7.4' {
        $sma = $info.References | Where-Object Name -EQ 'System.Management.Automation'
        if ($Name -eq 'RecoveryVault.dll') { $sma | Should -Not -BeNullOrEmpty }
        foreach ($r in $sma) { $r.Version | Should -BeLessOrEqual ([version] '7.4.0.0') }
    }
}

Describe 'what Import-Module loads' {
    It 'loads the cmdlet assembly alone; the Engine, Azure.Core and Azure.Identity wait for the first cmdlet that needs them' {
        $script = @'
$before = [AppDomain]::CurrentDomain.GetAssemblies().GetName().Name
Import-Module (Join-Path $env:RV_MODULE_PATH 'RecoveryVault.psd1')
([AppDomain]::CurrentDomain.GetAssemblies().GetName().Name | Where-Object { $_ -notin $before }) -join ','
'@
        $loaded = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $script
        $LASTEXITCODE | Should -Be 0
        $names = "$loaded" -split ','
        $names | Should -Contain 'RecoveryVault'
        $names | Should -Not -Contain 'RecoveryVault.Engine'
        $names | Should -Not -Contain 'Azure.Core'
        $names | Should -Not -Contain 'Azure.Identity'
    }
}
