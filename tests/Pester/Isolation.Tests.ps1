BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
}

Describe 'Dependency isolation' {
    It 'works in a session that already loaded another Azure.Core' {
        $oldCore = Join-Path $env:RV_NUGET_PACKAGES 'azure.core/1.44.1/lib/net6.0/Azure.Core.dll'
        Test-Path $oldCore | Should -BeTrue -Because 'tools/TestDependencies downloads Azure.Core 1.44.1'
        $script = @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$oldCore'
`$first = [Azure.Core.HttpHeader].Assembly.GetName().Version.ToString()
Import-Module '$env:RV_MODULE_PATH/RecoveryVault.psd1'
`$emu = Start-RecoveryVaultEmulator -InMemory -Strict -LroDurationMs 50
try {
    `$emu | Connect-RecoveryVault | Out-Null
    Add-RecoveryVaultEmulatorData -ResourceGroupName rg-iso -Location westus | Out-Null
    `$v = New-RecoveryVault -Name iso-vault -ResourceGroupName rg-iso -Location westus
    `$got = (Get-RecoveryVault -Name iso-* | Set-RecoveryVault -Tag @{ a = 'b' }).Tags.a
    `$cores = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Azure.Core' } |
        ForEach-Object { '{0}@{1}' -f `$_.GetName().Version, [Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name }
    [pscustomobject]@{ First = `$first; Vault = `$v.Name; Tag = `$got; Cores = (`$cores | Sort-Object) -join ';' } | ConvertTo-Json -Compress
} finally { Stop-RecoveryVaultEmulator }
"@
        $out = & dotnet "$PSHOME/pwsh.dll" -NoProfile -NonInteractive -Command $script
        $LASTEXITCODE | Should -Be 0 -Because ($out -join "`n")
        $r = ($out | Select-Object -Last 1) | ConvertFrom-Json
        $r.First | Should -Be '1.44.1.0'
        $r.Vault | Should -Be 'iso-vault'
        $r.Tag | Should -Be 'b'
        $r.Cores | Should -Match '1\.44\.1\.0@Default'
        $r.Cores | Should -Match '@RecoveryVault'
    }

    It 'ships no Azure assembly beside RecoveryVault.dll and exposes none in its cmdlets' {
        Get-ChildItem $env:RV_MODULE_PATH -Filter 'Azure*.dll' | Should -BeNullOrEmpty
        Get-ChildItem $env:RV_MODULE_PATH -Filter 'RecoveryVault.Engine.dll' | Should -BeNullOrEmpty
        Import-RecoveryVaultUnderTest
        $types = foreach ($c in Get-Command -Module RecoveryVault) {
            $c.Parameters.Values.ParameterType
            $c.OutputType.Type
        }
        $types | Where-Object { $_ -and ($_.Assembly.GetName().Name -like 'Azure*' -or $_.Assembly.GetName().Name -eq 'RecoveryVault.Engine') } | Should -BeNullOrEmpty
    }
}

Describe 'Module surface' {
    BeforeAll { Import-RecoveryVaultUnderTest }

    It 'exports exactly the manifest''s cmdlets, each with OutputType, and WhatIf on every one that changes something' {
        $manifest = Import-PowerShellDataFile (Join-Path $env:RV_MODULE_PATH 'RecoveryVault.psd1')
        $commands = Get-Command -Module RecoveryVault
        ($commands.Name | Sort-Object) | Should -Be ($manifest.CmdletsToExport | Sort-Object)
        foreach ($c in $commands) {
            $c.ImplementingType.GetCustomAttributes([System.Management.Automation.OutputTypeAttribute], $false) | Should -Not -BeNullOrEmpty -Because "$($c.Name) declares its output"
            # New-RecoveryVaultSchedule/-Retention only build objects in memory; everything else with these verbs changes state.
            $builders = 'New-RecoveryVaultSchedule', 'New-RecoveryVaultRetention'
            $mutating = 'New', 'Set', 'Remove', 'Restore', 'Grant', 'Revoke', 'Reset', 'Add', 'Start', 'Stop', 'Enable', 'Disable', 'Resume', 'Undo', 'Backup', 'Register', 'Unregister', 'Mount', 'Dismount'
            if ($c.Verb -in $mutating -and $c.Name -notin $builders) {
                $c.Parameters.Keys | Should -Contain 'WhatIf' -Because "$($c.Name) changes something"
            }
        }
    }

    It 'has a format view for every output type' {
        $types = (Get-Command -Module RecoveryVault).OutputType.Type | Where-Object { $_ -and $_.Namespace -eq 'RecoveryVault.Models' } | Sort-Object FullName -Unique
        $types.Count | Should -BeGreaterThan 10
        foreach ($t in $types) {
            Get-FormatData -TypeName $t.FullName | Should -Not -BeNullOrEmpty -Because "$($t.FullName) is written to the pipeline"
        }
    }

    It 'offers ByName, ByResourceId and ByInputObject on vault cmdlets' {
        foreach ($name in 'Set-RecoveryVault', 'Remove-RecoveryVault', 'Grant-RecoveryVaultAccess', 'Revoke-RecoveryVaultAccess', 'Get-RecoveryVaultRoleAssignment') {
            (Get-Command $name).ParameterSets.Name | Sort-Object | Should -Be @('ByInputObject', 'ByName', 'ByResourceId')
            (Get-Command $name).Parameters.ResourceId.Aliases | Should -Contain 'Id'
        }
    }

    It 'completes resource group and vault names' {
        $emu = Start-TestEmulator
        try {
            Initialize-TestState -Emulator $emu
            New-RecoveryVault -Name complete-me -ResourceGroupName rg-prod -Location westeurope | Out-Null
            $line = 'Get-RecoveryVault -ResourceGroupName rg-p'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'rg-prod'
            $line = 'Set-RecoveryVault -ResourceGroupName rg-prod -Name comp'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'complete-me'
        }
        finally { Stop-RecoveryVaultEmulator }
    }
}
