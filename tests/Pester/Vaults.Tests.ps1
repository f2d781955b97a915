BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-RecoveryVaultUnderTest
    $script:emu = Start-TestEmulator -PageSize 2
}
AfterAll { Stop-RecoveryVaultEmulator }

Describe 'New-RecoveryVault' {
    BeforeEach { Initialize-TestState -Emulator $emu }

    It 'creates a vault with the settings asked for' {
        $v = New-RecoveryVault -Name vault-a -ResourceGroupName rg-prod -Location 'West Europe' -StorageRedundancy LocallyRedundant `
            -SoftDeleteRetentionDays 30 -Tag @{ env = 'prod' } -IdentityType SystemAssigned
        $v | Should -BeOfType RecoveryVault.Models.Vault
        $v.Name | Should -Be 'vault-a'
        $v.Location | Should -Be 'westeurope'
        $v.ProvisioningState | Should -Be 'Succeeded'
        $v.StorageRedundancy | Should -Be 'LocallyRedundant'
        $v.SoftDeleteRetentionDays | Should -Be 30
        $v.Tags.env | Should -Be 'prod'
        $v.IdentityType | Should -Be 'SystemAssigned'
        $v.IdentityPrincipalId | Should -Not -BeNullOrEmpty
        $v.Id | Should -Be "/subscriptions/$($emu.SubscriptionId)/resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/vaults/vault-a"
    }

    It 'refuses a name already taken with VaultAlreadyExists and changes nothing' {
        New-RecoveryVault -Name vault-a -ResourceGroupName rg-prod -Location westeurope -Tag @{ keep = 'me' } | Out-Null
        { New-RecoveryVault -Name vault-a -ResourceGroupName rg-prod -Location westeurope -ErrorAction Stop } |
            Should -Throw -ErrorId 'VaultAlreadyExists,RecoveryVault.Commands.NewRecoveryVaultCommand'
        (Get-RecoveryVault -Name vault-a -ResourceGroupName rg-prod).Tags.keep | Should -Be 'me'
    }

    It 'reports a missing resource group as ResourceGroupNotFound with the ARM message and request id' {
        $err = $null
        New-RecoveryVault -Name vault-a -ResourceGroupName rg-nowhere -Location westeurope -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'ResourceGroupNotFound,RecoveryVault.Commands.NewRecoveryVaultCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -Match "rg-nowhere"
        $err[0].Exception.Message | Should -Match 'RequestId: [0-9a-f-]{36}'
        $err[0].Exception.ErrorCode | Should -Be 'ResourceGroupNotFound'
        $err[0].TargetObject | Should -Match '/vaults/vault-a$'
    }

    It 'validates the name before any request' {
        { New-RecoveryVault -Name '1-bad' -ResourceGroupName rg-prod -Location westeurope } | Should -Throw -ErrorId 'ParameterArgumentValidationError,RecoveryVault.Commands.NewRecoveryVaultCommand'
    }

    It 'rejects cross-region restore without geo redundancy' {
        { New-RecoveryVault -Name vault-a -ResourceGroupName rg-prod -Location westeurope -StorageRedundancy LocallyRedundant -CrossRegionRestore Enabled -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidParameterCombination,RecoveryVault.Commands.NewRecoveryVaultCommand'
    }

    It 'does nothing with -WhatIf' {
        New-RecoveryVault -Name vault-w -ResourceGroupName rg-prod -Location westeurope -WhatIf
        Get-RecoveryVault -Name vault-w -ResourceGroupName rg-prod -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'takes names from the pipeline by property name' {
        $made = @(
            [pscustomobject]@{ Name = 'pipe-1'; ResourceGroupName = 'rg-prod'; Location = 'westeurope' }
            [pscustomobject]@{ Name = 'pipe-2'; ResourceGroupName = 'rg-test'; Location = 'westeurope' }
        ) | New-RecoveryVault
        $made.Name | Should -Be @('pipe-1', 'pipe-2')
    }
}

Describe 'Get-RecoveryVault' {
    BeforeAll {
        Initialize-TestState -Emulator $emu
        foreach ($n in 'prod-a', 'prod-b', 'prod-c', 'dev-a') { New-RecoveryVault -Name $n -ResourceGroupName rg-prod -Location westeurope | Out-Null }
        New-RecoveryVault -Name prod-t -ResourceGroupName rg-test -Location westeurope | Out-Null
    }

    It 'lists every vault of the subscription across pages' {
        # Page size is 2: five vaults take three pages.
        (Get-RecoveryVault).Name | Sort-Object | Should -Be @('dev-a', 'prod-a', 'prod-b', 'prod-c', 'prod-t')
    }

    It 'filters by wildcard and resource group' {
        (Get-RecoveryVault -Name prod-*).Count | Should -Be 4
        (Get-RecoveryVault -Name prod-* -ResourceGroupName rg-prod).Name | Sort-Object | Should -Be @('prod-a', 'prod-b', 'prod-c')
        Get-RecoveryVault -Name zzz* | Should -BeNullOrEmpty
    }

    It 'gets one by name and by resource id, also piped by property name' {
        $v = Get-RecoveryVault -Name prod-b -ResourceGroupName rg-prod
        (Get-RecoveryVault -ResourceId $v.Id).Name | Should -Be 'prod-b'
        ([pscustomobject]@{ Id = $v.Id } | Get-RecoveryVault).Name | Should -Be 'prod-b'
        ($v.Id.ToUpperInvariant() | ForEach-Object { Get-RecoveryVault -ResourceId $_ }).Name | Should -Be 'prod-b'
    }

    It 'says VaultNotFound for a plain name that matches nothing' {
        { Get-RecoveryVault -Name nope -ResourceGroupName rg-prod -ErrorAction Stop } | Should -Throw -ErrorId 'VaultNotFound,RecoveryVault.Commands.GetRecoveryVaultCommand'
        { Get-RecoveryVault -Name nope -ErrorAction Stop } | Should -Throw -ErrorId 'VaultNotFound,RecoveryVault.Commands.GetRecoveryVaultCommand'
    }

    It 'says InvalidResourceId for a malformed id and goes on with the next' {
        $err = $null
        $got = Get-RecoveryVault -ResourceId '/subscriptions/x/nonsense', (Get-RecoveryVault -Name prod-a).Id -ErrorVariable err -ErrorAction SilentlyContinue
        $got.Name | Should -Be 'prod-a'
        $err[0].FullyQualifiedErrorId | Should -Be 'InvalidResourceId,RecoveryVault.Commands.GetRecoveryVaultCommand'
        $err[0].Exception.Message | Should -Match "expected 'providers"
    }

    It 'shows each request with -Verbose' {
        $verbose = Get-RecoveryVault -Name prod-a -ResourceGroupName rg-prod -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $verbose.Message | Should -Match '^GET https://127\.0\.0\.1:\d+/subscriptions/.+/vaults/prod-a\?api-version=2026-07-01 -> 200 \(x-ms-request-id: [0-9a-f-]{36}'
    }

    It 'never shows the bearer token, even with -Debug' {
        $DebugPreference = 'Continue'
        $debug = Get-RecoveryVault -Name prod-a -ResourceGroupName rg-prod 5>&1 | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }
        $DebugPreference = 'SilentlyContinue'
        ($debug.Message -join "`n") | Should -Match 'Authorization: REDACTED'
        ($debug.Message -join "`n") | Should -Not -Match 'Bearer'
    }

    It 'formats as a table by default' {
        $text = Get-RecoveryVault -Name prod-a | Out-String
        $text | Should -Match 'Name\s+ResourceGroupName\s+Location\s+Redundancy\s+SoftDelete\s+State'
        (Get-RecoveryVault -Name prod-a | Format-List | Out-String) | Should -Match 'SoftDeleteRetentionDays'
    }
}

Describe 'Set-RecoveryVault' {
    BeforeEach {
        Initialize-TestState -Emulator $emu
        New-RecoveryVault -Name prod-a -ResourceGroupName rg-prod -Location westeurope | Out-Null
        New-RecoveryVault -Name prod-b -ResourceGroupName rg-prod -Location westeurope | Out-Null
    }

    It 'changes every vault piped in' {
        $out = Get-RecoveryVault -Name prod-* | Set-RecoveryVault -Tag @{ owner = 'ops' } -StorageRedundancy ZoneRedundant -SoftDeleteRetentionDays 60 -PublicNetworkAccess Disabled
        $out.Count | Should -Be 2
        foreach ($v in Get-RecoveryVault -Name prod-*) {
            $v.Tags.owner | Should -Be 'ops'
            $v.StorageRedundancy | Should -Be 'ZoneRedundant'
            $v.SoftDeleteRetentionDays | Should -Be 60
            $v.PublicNetworkAccess | Should -Be 'Disabled'
        }
    }

    It 'works by name and by resource id' {
        Set-RecoveryVault -Name prod-a -ResourceGroupName rg-prod -CrossRegionRestore Enabled -Force | Out-Null
        (Get-RecoveryVault -Name prod-a).CrossRegionRestore | Should -Be 'Enabled'
        Set-RecoveryVault -ResourceId (Get-RecoveryVault -Name prod-b).Id -ImmutabilityState Unlocked | Out-Null
        (Get-RecoveryVault -Name prod-b).ImmutabilityState | Should -Be 'Unlocked'
    }

    It 'refuses to unlock a locked immutability with the service error' {
        Set-RecoveryVault -Name prod-a -ResourceGroupName rg-prod -ImmutabilityState Locked -Confirm:$false | Out-Null
        { Set-RecoveryVault -Name prod-a -ResourceGroupName rg-prod -ImmutabilityState Disabled -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidRequest,RecoveryVault.Commands.SetRecoveryVaultCommand'
        (Get-RecoveryVault -Name prod-a).ImmutabilityState | Should -Be 'Locked'
    }

    It 'needs something to change' {
        { Set-RecoveryVault -Name prod-a -ResourceGroupName rg-prod -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidParameterCombination,RecoveryVault.Commands.SetRecoveryVaultCommand'
    }

    It 'changes nothing with -WhatIf' {
        Get-RecoveryVault -Name prod-a | Set-RecoveryVault -Tag @{ x = '1' } -WhatIf
        (Get-RecoveryVault -Name prod-a).Tags.Count | Should -Be 0
    }

    It 'says VaultNotFound for a vault that is not there' {
        { Set-RecoveryVault -Name ghost -ResourceGroupName rg-prod -Tag @{ a = 'b' } -ErrorAction Stop } | Should -Throw -ErrorId 'VaultNotFound,RecoveryVault.Commands.SetRecoveryVaultCommand'
    }
}

Describe 'Remove-RecoveryVault and Restore-RecoveryVault' {
    BeforeEach {
        Initialize-TestState -Emulator $emu
        New-RecoveryVault -Name old-a -ResourceGroupName rg-prod -Location westeurope -Tag @{ keep = 'yes' } | Out-Null
        New-RecoveryVault -Name old-b -ResourceGroupName rg-prod -Location westeurope | Out-Null
    }

    It 'is ConfirmImpact High' {
        (Get-Command Remove-RecoveryVault).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact | Should -Be 'High'
    }

    It 'removes piped vaults and they show up as deleted' {
        Get-RecoveryVault -Name old-* | Remove-RecoveryVault -Confirm:$false
        Get-RecoveryVault -Name old-* | Should -BeNullOrEmpty
        $deleted = Get-RecoveryVault -Deleted
        $deleted.VaultName | Sort-Object | Should -Be @('old-a', 'old-b')
        $deleted[0] | Should -BeOfType RecoveryVault.Models.DeletedVault
        $deleted[0].PurgeAt | Should -BeGreaterThan $deleted[0].DeletionTime
    }

    It 'keeps the vault with -WhatIf' {
        Remove-RecoveryVault -Name old-a -ResourceGroupName rg-prod -WhatIf
        Get-RecoveryVault -Name old-a -ResourceGroupName rg-prod | Should -Not -BeNullOrEmpty
    }

    It 'returns before the deletion ends with -NoWait' {
        Remove-RecoveryVault -Name old-a -ResourceGroupName rg-prod -NoWait -PassThru -Confirm:$false | Should -BeTrue
    }

    It 'restores a deleted vault into its resource group or another one' {
        Remove-RecoveryVault -Name old-a -ResourceGroupName rg-prod -Confirm:$false
        $v = Get-RecoveryVault -Deleted -Name old-a | Restore-RecoveryVault -Confirm:$false
        $v.Name | Should -Be 'old-a'
        $v.ResourceGroupName | Should -Be 'rg-prod'
        $v.Tags.keep | Should -Be 'yes'
        Get-RecoveryVault -Deleted -Name old-a | Should -BeNullOrEmpty

        Remove-RecoveryVault -Name old-b -ResourceGroupName rg-prod -Confirm:$false
        $w = Restore-RecoveryVault -Name old-b -Location westeurope -ResourceGroupName rg-restore -Confirm:$false
        $w.ResourceGroupName | Should -Be 'rg-restore'
    }

    It 'says VaultNotFound when removing a missing vault and DeletedVaultNotFound when restoring one' {
        { Remove-RecoveryVault -Name ghost -ResourceGroupName rg-prod -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'VaultNotFound,RecoveryVault.Commands.RemoveRecoveryVaultCommand'
        { Restore-RecoveryVault -Name ghost -Location westeurope -ResourceGroupName rg-prod -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'DeletedVaultNotFound,RecoveryVault.Commands.RestoreRecoveryVaultCommand'
    }
}

Describe 'Resilience' {
    BeforeEach { Initialize-TestState -Emulator $emu }

    It 'retries throttling and server errors transparently' {
        New-RecoveryVault -Name r-a -ResourceGroupName rg-prod -Location westeurope | Out-Null
        Add-RecoveryVaultEmulatorData -Fault 429 -Count 2 -Method GET -PathContains 'vaults/r-a' | Out-Null
        $verbose = Get-RecoveryVault -Name r-a -ResourceGroupName rg-prod -Verbose 4>&1
        ($verbose | Where-Object { $_ -is [RecoveryVault.Models.Vault] }).Name | Should -Be 'r-a'
        @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match '-> 429' }).Count | Should -Be 2
    }

    It 'gives up on server errors after three retries with ServiceUnavailable' {
        # A 500 carries no Retry-After; a 503 with one is throttling, waited out within -RetryBudget (ExactlyOnce.Tests.ps1).
        Add-RecoveryVaultEmulatorData -Fault 500 -Count 10 -Method GET -PathContains 'vaults/r-b' | Out-Null
        { Get-RecoveryVault -Name r-b -ResourceGroupName rg-prod -ErrorAction Stop } | Should -Throw -ErrorId 'ServiceUnavailable,RecoveryVault.Commands.GetRecoveryVaultCommand'
    }

    It 'survives a dropped connection' {
        New-RecoveryVault -Name r-c -ResourceGroupName rg-prod -Location westeurope | Out-Null
        Add-RecoveryVaultEmulatorData -Fault drop -Count 1 -Method GET -PathContains 'vaults/r-c' | Out-Null
        (Get-RecoveryVault -Name r-c -ResourceGroupName rg-prod).Name | Should -Be 'r-c'
    }
}
