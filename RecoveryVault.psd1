# RecoveryVault module manifest (the design card: what the module is, what it exports, what it needs).
@{
    RootModule             = 'RecoveryVault.dll'
    # Stamped by build.ps1 from Directory.Build.props, the one place the version is set.
    ModuleVersion          = '0.0.0'
    GUID                   = '3f0b6a7e-2c51-4f7e-9a55-1c8f4f0d2b61'
    Author                 = 'RecoveryVault contributors'
    CompanyName            = 'RecoveryVault'
    Copyright              = '(c) RecoveryVault contributors. MIT License.'
    Description            = 'Azure Recovery Services vaults (Azure Backup) from PowerShell: vaults, access, and a local HTTPS emulator for offline tests. One object pipeline, clear errors, fast import.'
    # The assemblies target .NET 8, which PowerShell 7.4 LTS runs on. Windows PowerShell 5.1 is refused by these two
    # lines before any assembly is loaded, so Import-Module there says which version is needed, not a load error.
    PowerShellVersion      = '7.4'
    CompatiblePSEditions   = @('Core')
    FormatsToProcess       = @('RecoveryVault.Format.ps1xml')
    CmdletsToExport        = @(
        'Connect-RecoveryVault'
        'Disconnect-RecoveryVault'
        'Get-RecoveryVaultContext'
        'Start-RecoveryVaultEmulator'
        'Stop-RecoveryVaultEmulator'
        'Add-RecoveryVaultEmulatorData'
        'Reset-RecoveryVaultEmulator'
        'Get-RecoveryVault'
        'Search-RecoveryVault'
        'Get-RecoveryVaultSummary'
        'New-RecoveryVault'
        'Set-RecoveryVault'
        'Remove-RecoveryVault'
        'Restore-RecoveryVault'
        'New-RecoveryVaultResourceGuard'
        'Get-RecoveryVaultResourceGuard'
        'Remove-RecoveryVaultResourceGuard'
        'Set-RecoveryVaultResourceGuard'
        'Set-RecoveryVaultResourceGuardMapping'
        'Get-RecoveryVaultResourceGuardMapping'
        'Remove-RecoveryVaultResourceGuardMapping'
        'Get-RecoveryVaultRoleAssignment'
        'Grant-RecoveryVaultAccess'
        'Revoke-RecoveryVaultAccess'
        'Backup-RecoveryVaultItem'
        'Disable-RecoveryVaultProtection'
        'Dismount-RecoveryVaultRecoveryPoint'
        'Enable-RecoveryVaultProtection'
        'Get-RecoveryVaultContainer'
        'Get-RecoveryVaultItem'
        'Get-RecoveryVaultJob'
        'Get-RecoveryVaultPolicy'
        'Get-RecoveryVaultProtectableItem'
        'Get-RecoveryVaultRecoveryPoint'
        'Mount-RecoveryVaultRecoveryPoint'
        'New-RecoveryVaultPolicy'
        'New-RecoveryVaultRetention'
        'New-RecoveryVaultSchedule'
        'Register-RecoveryVaultContainer'
        'Remove-RecoveryVaultPolicy'
        'Restore-RecoveryVaultItem'
        'Resume-RecoveryVaultProtection'
        'Set-RecoveryVaultItem'
        'Set-RecoveryVaultPolicy'
        'Stop-RecoveryVaultJob'
        'Undo-RecoveryVaultItemDeletion'
        'Unregister-RecoveryVaultContainer'
        'Wait-RecoveryVaultJob'
        'Get-RecoveryVaultBackupServer'
        'Unregister-RecoveryVaultBackupServer'
        'Get-RecoveryVaultBackupStatus'
        'Get-RecoveryVaultUsage'
        'Get-RecoveryVaultSecurityPin'
        'Test-RecoveryVaultSecurity'
        'Get-RecoveryVaultAlert'
        'Set-RecoveryVaultAlert'
        'Get-RecoveryVaultCredential'

        # Upgrade of classic Backup vaults
        'Get-RecoveryVaultClassicVault'
        'Test-RecoveryVaultUpgrade'
        'Start-RecoveryVaultUpgrade'
        'Get-RecoveryVaultUpgrade'
    )
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('Azure', 'Backup', 'RecoveryServices', 'Vault', 'Emulator', 'AzureAutomation', 'Runbook', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            # Where the source is published; confirm it before the first release to the PowerShell Gallery.
            ProjectUri   = 'https://github.com/RecoveryVault/RecoveryVault'
            # Filled by build.ps1 from this version's section of CHANGELOG.md.
            ReleaseNotes = ''
        }
    }
}
