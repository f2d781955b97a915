# Help is part of the product: every cmdlet has a page whose parameters agree with the cmdlet, Get-Help finds it,
# and every example in docs/en-US runs against the emulator in a known fixture.
#
# Fixture before each example: the suite's emulator is reset and connected as owner; resource groups rg-prod,
# rg-test and rg-restore (westeurope) exist; vaults prod-vault1 and prod-vault2 exist in rg-prod; $emulator holds
# the suite's EmulatorInstance. A block whose first line is exactly '# Live Azure only' needs real Azure and is
# only parsed, not run.

BeforeDiscovery {
    $root = (Resolve-Path "$PSScriptRoot/../..").Path
    $docRoot = Join-Path $root 'docs/en-US'
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-RecoveryVaultUnderTest

    $commandCases = @(Get-Command -Module RecoveryVault -CommandType Cmdlet | Sort-Object Name | ForEach-Object {
            @{ Name = $_.Name; Doc = Join-Path $docRoot "$($_.Name).md" }
        })

    # Every ```powershell block under '## EXAMPLES' of a command page, and every one in an about_ page.
    $exampleCases = [System.Collections.Generic.List[hashtable]]::new()
    foreach ($file in Get-ChildItem -Path $docRoot -Filter *.md -ErrorAction SilentlyContinue | Sort-Object Name) {
        $isAbout = $file.BaseName -like 'about_*'
        $section = ''; $heading = ''; $code = $null; $start = 0; $n = 0
        foreach ($line in [IO.File]::ReadAllLines($file.FullName)) {
            $n++
            if ($null -ne $code) {
                if ($line -match '^```\s*$') {
                    $text = $code -join "`n"
                    $exampleCases.Add(@{
                            File  = $file.Name
                            Title = if ($heading) { $heading } else { "block at line $start" }
                            Line  = $start
                            Code  = $text
                            Live  = ($code.Count -gt 0 -and $code[0] -ceq '# Live Azure only')
                        })
                    $code = $null
                }
                else { $code.Add($line) }
                continue
            }
            if ($line -match '^## (.+?)\s*$') { $section = $Matches[1].Trim(); $heading = ''; continue }
            if ($line -match '^### (.+?)\s*$') { $heading = $Matches[1].Trim(); continue }
            if ($line -match '^```powershell\s*$' -and ($isAbout -or $section -eq 'EXAMPLES')) {
                $code = [System.Collections.Generic.List[string]]::new(); $start = $n + 1
            }
        }
    }
    $runnableExamples = @($exampleCases | Where-Object { -not $_.Live })
    $allExamples = @($exampleCases)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-RecoveryVaultUnderTest
    $script:emulator = Start-TestEmulator
    $script:common = [System.Management.Automation.Internal.CommonParameters].GetProperties().Name

    function Get-DocParameter {
        <# '### -Name' headings under '## PARAMETERS', each with its ```yaml blocks parsed into hashtables. #>
        param([string] $Path)
        $result = [ordered]@{}
        $section = ''; $current = $null; $yaml = $null
        foreach ($line in [IO.File]::ReadAllLines($Path)) {
            if ($null -ne $yaml) {
                if ($line -match '^```\s*$') { $result[$current].Add($yaml); $yaml = $null; continue }
                if ($line -match '^([^:]+):\s*(.*)$') { $yaml[$Matches[1].Trim()] = $Matches[2].Trim() }
                continue
            }
            if ($line -match '^## (.+?)\s*$') { $section = $Matches[1]; $current = $null; continue }
            if ($section -ne 'PARAMETERS') { continue }
            if ($line -match '^### -(\w+)\s*$') { $current = $Matches[1]; $result[$current] = [System.Collections.Generic.List[hashtable]]::new(); continue }
            if ($line -match '^### ') { $current = $null; continue }
            if ($current -and $line -match '^```yaml\s*$') { $yaml = @{} }
        }
        $result
    }

    function Get-DocSyntaxSet {
        <# '### SetName [(Default)]' headings under '## SYNTAX'. #>
        param([string] $Path)
        $section = ''
        foreach ($line in [IO.File]::ReadAllLines($Path)) {
            if ($line -match '^## (.+?)\s*$') { $section = $Matches[1]; continue }
            if ($section -eq 'SYNTAX' -and $line -match '^### (.+?)\s*$') {
                $h = $Matches[1]
                [pscustomobject]@{ Name = ($h -replace '\s*\(Default\)$', ''); IsDefault = $h -match '\(Default\)$' }
            }
        }
    }

    function Get-DocSetList {
        <# The sets a yaml block covers: '(All)' means every set of the command. #>
        param([hashtable] $Yaml, [string[]] $AllSets)
        $text = "$($Yaml['Parameter Sets'])"
        if ($text -eq '(All)') { return $AllSets }
        @($text -split ',' | ForEach-Object Trim | Where-Object { $_ })
    }

    function Get-TypeText([type] $Type) {
        $inner = [Nullable]::GetUnderlyingType($Type)
        if ($inner) { $Type = $inner }
        $Type
    }

    function Get-ExpectedDefault {
        <# What 'Default value:' must say: switches False, parameters mandatory everywhere None, otherwise the
           property's initial value on a new cmdlet object (None when null or empty). #>
        param($Command, [string] $Name)
        $p = $Command.Parameters[$Name]
        if ($p.SwitchParameter) { return 'False' }
        if (-not ($p.ParameterSets.Values | Where-Object { -not $_.IsMandatory })) { return 'None' }
        $prop = $Command.ImplementingType.GetProperty($Name)
        if (-not $prop) { return 'None' }
        $value = $prop.GetValue([Activator]::CreateInstance($Command.ImplementingType))
        if ($null -eq $value -or "$value" -eq '') { 'None' } else { "$value" }
    }

    function Get-CommandParameterName {
        param($Command)
        @($Command.Parameters.Keys | Where-Object { $script:common -notcontains $_ } | Sort-Object)
    }
}

AfterAll { Stop-RecoveryVaultEmulator }

Describe 'Help for <Name>' -ForEach $commandCases {
    BeforeAll {
        $command = Get-Command -Name $Name -Module RecoveryVault
        $docExists = Test-Path -LiteralPath $Doc
        $docParameters = if ($docExists) { Get-DocParameter -Path $Doc } else { [ordered]@{} }
        $setNames = @($command.ParameterSets.Name)
    }

    It 'has docs/en-US/<Name>.md' {
        $Doc | Should -Exist
    }

    It 'documents exactly the parameters Get-Command reports (WhatIf and Confirm included)' {
        $docExists | Should -BeTrue
        $expected = @(Get-CommandParameterName $command)
        $documented = @($docParameters.Keys)
        $problems = @($expected | Where-Object { $documented -notcontains $_ } | ForEach-Object { "-$_ is not documented" }) +
            @($documented | Where-Object { $expected -notcontains $_ } | ForEach-Object { "-$_ is documented but is not a parameter" })
        $problems | Should -BeNullOrEmpty
    }

    It 'lists the parameter sets of Get-Command in SYNTAX, with the default one marked' {
        $docExists | Should -BeTrue
        $docSets = @(Get-DocSyntaxSet -Path $Doc)
        @($docSets.Name | Sort-Object) | Should -Be @($setNames | Sort-Object)
        $default = $command.ParameterSets | Where-Object IsDefault
        if ($command.ParameterSets.Count -gt 1) {
            @($docSets | Where-Object IsDefault).Name | Should -Be $default.Name
        }
    }

    It 'agrees with Get-Command on parameter sets, Required, Position, pipeline input and Type' {
        $docExists | Should -BeTrue
        $problems = foreach ($parameterName in Get-CommandParameterName $command) {
            $blocks = $docParameters[$parameterName]
            if (-not $blocks -or $blocks.Count -eq 0) { "-${parameterName}: no yaml block"; continue }
            $parameter = $command.Parameters[$parameterName]
            $expectedType = Get-TypeText $parameter.ParameterType
            $memberSets = @($command.ParameterSets | Where-Object { $_.Parameters.Name -contains $parameterName } | ForEach-Object Name)
            $covered = @{}
            foreach ($yaml in $blocks) {
                if ($yaml['Type'] -ne $expectedType.Name -and $yaml['Type'] -ne $expectedType.FullName) {
                    "-${parameterName}: Type is '$($yaml['Type'])', Get-Command says '$($expectedType.Name)'"
                }
                foreach ($set in Get-DocSetList -Yaml $yaml -AllSets $setNames) {
                    if ($memberSets -notcontains $set) { "-${parameterName}: yaml names set '$set', but the parameter is not in it"; continue }
                    if ($covered.ContainsKey($set)) { "-${parameterName}: set '$set' is described by more than one yaml block"; continue }
                    $covered[$set] = $true
                    $meta = ($command.ParameterSets | Where-Object Name -eq $set).Parameters | Where-Object Name -eq $parameterName
                    $required = "$($meta.IsMandatory)"
                    if ($yaml['Required'] -ne $required) { "-${parameterName} [$set]: Required is '$($yaml['Required'])', Get-Command says '$required'" }
                    $position = if ($meta.Position -ge 0) { "$($meta.Position)" } else { 'Named' }
                    if ($yaml['Position'] -ne $position) { "-${parameterName} [$set]: Position is '$($yaml['Position'])', Get-Command says '$position'" }
                    $how = @()
                    if ($meta.ValueFromPipeline) { $how += 'ByValue' }
                    if ($meta.ValueFromPipelineByPropertyName) { $how += 'ByPropertyName' }
                    $pipeline = if ($how) { "True ($($how -join ', '))" } else { 'False' }
                    if ($yaml['Accept pipeline input'] -ne $pipeline) { "-${parameterName} [$set]: Accept pipeline input is '$($yaml['Accept pipeline input'])', Get-Command says '$pipeline'" }
                }
            }
            foreach ($set in $memberSets) {
                if (-not $covered.ContainsKey($set)) { "-${parameterName}: set '$set' is not described by any yaml block" }
            }
        }
        $problems | Should -BeNullOrEmpty
    }

    It 'agrees with the cmdlet on aliases, accepted values, wildcards and defaults' {
        $docExists | Should -BeTrue
        $problems = foreach ($parameterName in Get-CommandParameterName $command) {
            $parameter = $command.Parameters[$parameterName]
            $aliases = (@($parameter.Aliases) | Sort-Object) -join ', '
            # -Kind is validated against the workload catalogue (ValidateWorkloadKind), which lists its values like a ValidateSet.
            $validateSet = $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] -or $_.GetType().Name -eq 'ValidateWorkloadKindAttribute' } | Select-Object -First 1
            $accepted = if ($validateSet) { @($validateSet.ValidValues) -join ', ' } else { '' }
            $wildcards = "$([bool]($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }))"
            $default = Get-ExpectedDefault -Command $command -Name $parameterName
            foreach ($yaml in $docParameters[$parameterName]) {
                $docAliases = (@("$($yaml['Aliases'])" -split ',' | ForEach-Object Trim | Where-Object { $_ }) | Sort-Object) -join ', '
                if ($docAliases -ne $aliases) { "-${parameterName}: Aliases are '$docAliases', Get-Command says '$aliases'" }
                if ("$($yaml['Accepted values'])" -ne $accepted) { "-${parameterName}: Accepted values are '$($yaml['Accepted values'])', ValidateSet says '$accepted'" }
                if ($yaml['Accept wildcard characters'] -ne $wildcards) { "-${parameterName}: Accept wildcard characters is '$($yaml['Accept wildcard characters'])', expected '$wildcards'" }
                if ($yaml['Default value'] -ne $default) { "-${parameterName}: Default value is '$($yaml['Default value'])', the cmdlet says '$default'" }
            }
        }
        $problems | Should -BeNullOrEmpty
    }

    It 'is shown by Get-Help with at least one example with code' {
        $help = Get-Help -Name $Name -Examples -ErrorAction Stop
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterThan 0
        @($examples | Where-Object { -not [string]::IsNullOrWhiteSpace($_.code) }).Count | Should -BeGreaterThan 0
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "*$Name *"   # not the auto-generated syntax-only help
    }
}

Describe 'about_RecoveryVault' {
    It 'is shown by Get-Help' {
        $text = Get-Help -Name about_RecoveryVault -ErrorAction Stop | Out-String
        $text | Should -Match 'about_RecoveryVault'
        $text | Should -Match 'NotConnected'
    }

    It 'mentions every exported cmdlet' {
        $text = Get-Help -Name about_RecoveryVault | Out-String
        $missing = Get-Command -Module RecoveryVault -CommandType Cmdlet | Where-Object { $text -notmatch [regex]::Escape($_.Name) } | ForEach-Object Name
        $missing | Should -BeNullOrEmpty
    }
}

Describe 'Documentation examples' {
    It '<File> line <Line> (<Title>) is valid PowerShell' -ForEach $allExamples {
        $tokens = $null; $errors = $null
        [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref] $tokens, [ref] $errors) | Out-Null
        $errors | Should -BeNullOrEmpty
    }

    Context 'run against the emulator' {
        BeforeEach {
            Initialize-TestState -Emulator $script:emulator
            New-RecoveryVault -Name prod-vault1 -ResourceGroupName rg-prod -Location westeurope | Out-Null
            New-RecoveryVault -Name prod-vault2 -ResourceGroupName rg-prod -Location westeurope | Out-Null
        }

        It '<File> line <Line> (<Title>) runs' -ForEach $runnableExamples {
            $emulator = $script:emulator
            $ErrorActionPreference = 'Stop'
            & ([scriptblock]::Create($Code)) | Out-String | Out-Null
        }
    }
}
