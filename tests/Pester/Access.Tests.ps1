BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-RecoveryVaultUnderTest
    $script:emu = Start-TestEmulator
}
AfterAll { Stop-RecoveryVaultEmulator }

Describe 'Grant / Get / Revoke vault access' {
    BeforeEach {
        Initialize-TestState -Emulator $emu
        $script:vault = New-RecoveryVault -Name acl-vault -ResourceGroupName rg-prod -Location westeurope
        $script:p = Add-RecoveryVaultEmulatorData -PrincipalName "ops-$(Get-Random)"
    }

    It 'grants a Backup role at the vault and lists it with inherited ones' {
        $a = $vault | Grant-RecoveryVaultAccess -Role BackupOperator -PrincipalId $p.ObjectId
        $a | Should -BeOfType RecoveryVault.Models.VaultRoleAssignment
        $a.RoleName | Should -Be 'Backup Operator'
        $a.Inherited | Should -BeFalse
        $all = $vault | Get-RecoveryVaultRoleAssignment
        ($all | Where-Object PrincipalId -eq $p.ObjectId).RoleName | Should -Be 'Backup Operator'
        ($all | Where-Object RoleName -eq 'Owner').Inherited | Should -BeTrue
        @($vault | Get-RecoveryVaultRoleAssignment -VaultScopeOnly).Count | Should -Be 1
        @(Get-RecoveryVaultRoleAssignment -Name acl-vault -ResourceGroupName rg-prod -PrincipalId $p.ObjectId).Count | Should -Be 1
    }

    It 'is idempotent: granting twice gives one assignment' {
        $vault | Grant-RecoveryVaultAccess -Role BackupReader -PrincipalId $p.ObjectId | Out-Null
        $again = $vault | Grant-RecoveryVaultAccess -Role BackupReader -PrincipalId $p.ObjectId -Verbose 4>&1
        ($again | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Contain "Principal $($p.ObjectId) already has 'Backup Reader' on $($vault.Id); nothing to do."
        @($vault | Get-RecoveryVaultRoleAssignment -PrincipalId $p.ObjectId).Count | Should -Be 1
    }

    It 'revokes, and says RoleAssignmentNotFound when there is nothing to revoke' {
        $vault | Grant-RecoveryVaultAccess -Role BackupContributor -PrincipalId $p.ObjectId | Out-Null
        $vault | Revoke-RecoveryVaultAccess -Role BackupContributor -PrincipalId $p.ObjectId
        $vault | Get-RecoveryVaultRoleAssignment -PrincipalId $p.ObjectId | Should -BeNullOrEmpty
        { $vault | Revoke-RecoveryVaultAccess -Role BackupContributor -PrincipalId $p.ObjectId -ErrorAction Stop } |
            Should -Throw -ErrorId 'RoleAssignmentNotFound,RecoveryVault.Commands.RevokeRecoveryVaultAccessCommand'
    }

    It 'changes nothing with -WhatIf' {
        $vault | Grant-RecoveryVaultAccess -Role BackupReader -PrincipalId $p.ObjectId -WhatIf
        $vault | Get-RecoveryVaultRoleAssignment -PrincipalId $p.ObjectId | Should -BeNullOrEmpty
        $vault | Grant-RecoveryVaultAccess -Role BackupReader -PrincipalId $p.ObjectId | Out-Null
        $vault | Revoke-RecoveryVaultAccess -Role BackupReader -PrincipalId $p.ObjectId -WhatIf
        @($vault | Get-RecoveryVaultRoleAssignment -PrincipalId $p.ObjectId).Count | Should -Be 1
    }

    It 'gives a Backup Reader read access and a clear PermissionDenied on New-RecoveryVault' {
        Add-RecoveryVaultEmulatorData -PrincipalId $p.ObjectId -RoleName 'Backup Reader' -Scope "/subscriptions/$($emu.SubscriptionId)/resourceGroups/rg-prod" | Out-Null
        Connect-AsPrincipal -Emulator $emu -Principal $p
        (Get-RecoveryVault -Name acl-vault -ResourceGroupName rg-prod).Name | Should -Be 'acl-vault'
        $err = $null
        New-RecoveryVault -Name reader-made -ResourceGroupName rg-prod -Location westeurope -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'PermissionDenied,RecoveryVault.Commands.NewRecoveryVaultCommand'
        $err[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $err[0].Exception.Message | Should -Match "does not have authorization to perform action 'Microsoft.RecoveryServices/vaults/write'"
        $err[0].Exception.Message | Should -Match 'Code: AuthorizationFailed'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'Grant-RecoveryVaultAccess'
        { Remove-RecoveryVault -Name acl-vault -ResourceGroupName rg-prod -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'PermissionDenied,RecoveryVault.Commands.RemoveRecoveryVaultCommand'
    }

    It 'a principal without any role cannot even connect to the subscription' {
        { $emu | Connect-RecoveryVault -Credential $p.Credential -ErrorAction Stop } |
            Should -Throw -ErrorId 'SubscriptionNotFound,RecoveryVault.Commands.ConnectRecoveryVaultCommand'
    }

    It 'a principal with a role on another vault only gets PermissionDenied on this one' {
        $other = New-RecoveryVault -Name other-vault -ResourceGroupName rg-test -Location westeurope
        $other | Grant-RecoveryVaultAccess -Role BackupReader -PrincipalId $p.ObjectId | Out-Null
        Connect-AsPrincipal -Emulator $emu -Principal $p
        (Get-RecoveryVault -Name other-vault -ResourceGroupName rg-test).Name | Should -Be 'other-vault'
        { Get-RecoveryVault -Name acl-vault -ResourceGroupName rg-prod -ErrorAction Stop } | Should -Throw -ErrorId 'PermissionDenied,RecoveryVault.Commands.GetRecoveryVaultCommand'
    }
}

# Issue 14, "a destructive plan never stops half-way": as a Backup Contributor (who may delete backup data but not the
# vault), Remove-RecoveryVault -DeleteBackupData -Force used to turn soft delete off and delete all backup data, then
# get 403 on the vault delete. The plan now checks the caller's permissions at the vault first
# (Microsoft.Authorization/permissions) and changes nothing when a step is not allowed.
Describe 'Remove-RecoveryVault -DeleteBackupData checks every step before the first' {
    BeforeEach {
        Initialize-TestState -Emulator $emu
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -VirtualMachineName app01 | Out-Null
        $script:vault = New-RecoveryVault -Name plan-vault -ResourceGroupName rg-prod -Location westeurope
        $vault | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureVM -Name app01 |
            Enable-RecoveryVaultProtection -Policy ($vault | Get-RecoveryVaultPolicy -Name DefaultPolicy) -Wait | Out-Null
        $script:c = Add-RecoveryVaultEmulatorData -PrincipalName "contrib-$(Get-Random)"
        $vault | Grant-RecoveryVaultAccess -Role BackupContributor -PrincipalId $c.ObjectId | Out-Null
    }
    AfterEach { $emu | Connect-RecoveryVault | Out-Null }

    It 'refuses up front with PermissionDenied naming the missing action, and changes nothing' {
        Connect-AsPrincipal -Emulator $emu -Principal $c
        Remove-RecoveryVault -Name plan-vault -ResourceGroupName rg-prod -DeleteBackupData -Force -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'PermissionDenied,RecoveryVault.Commands.RemoveRecoveryVaultCommand'
        $err[0].Exception.Message | Should -Match "'Microsoft.RecoveryServices/Vaults/delete'"
        $err[0].Exception.Message | Should -Match 'Nothing was changed'

        $emu | Connect-RecoveryVault | Out-Null
        $after = Get-RecoveryVault -Name plan-vault -ResourceGroupName rg-prod
        $after.SoftDeleteState | Should -Be 'Enabled'
        $item = @($after | Get-RecoveryVaultItem -Kind AzureVM)
        $item.Count | Should -Be 1
        $item[0].ProtectionState | Should -Not -Be 'ProtectionStopped'
    }

    It 'runs the whole plan for an identity allowed every step' {
        Remove-RecoveryVault -Name plan-vault -ResourceGroupName rg-prod -DeleteBackupData -Force
        { Get-RecoveryVault -Name plan-vault -ResourceGroupName rg-prod -ErrorAction Stop } | Should -Throw -ErrorId 'VaultNotFound,RecoveryVault.Commands.GetRecoveryVaultCommand'
    }
}
