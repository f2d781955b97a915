<#
.SYNOPSIS
    A real scripted RecoveryVault session against a freshly started local emulator (build.ps1 -Task Demo).
#>
[CmdletBinding()]
param([Parameter(Mandatory)] [string] $ModulePath)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
function Step([string] $Text) { Write-Host "`n>> $Text" -ForegroundColor Cyan }

Import-Module (Join-Path $ModulePath 'RecoveryVault.psd1')
Step 'Start the emulator (HTTPS on 127.0.0.1, certificate pinned by thumbprint) and connect'
$emulator = Start-RecoveryVaultEmulator -InMemory -LroDurationMs 500
try {
    $emulator | Format-List Endpoint, Thumbprint, CertificatePath | Out-Host
    $emulator | Connect-RecoveryVault | Format-List Account, SubscriptionId, Endpoint, UserAgent | Out-Host

    Step 'Seed two resource groups'
    'rg-prod', 'rg-dev' | ForEach-Object { Add-RecoveryVaultEmulatorData -ResourceGroupName $_ -Location westeurope | Out-Null; "  $_" } | Out-Host

    Step 'Create three vaults from objects in the pipeline'
    @(
        [pscustomobject]@{ Name = 'prod-backup-01'; ResourceGroupName = 'rg-prod'; Location = 'westeurope' }
        [pscustomobject]@{ Name = 'prod-backup-02'; ResourceGroupName = 'rg-prod'; Location = 'westeurope' }
        [pscustomobject]@{ Name = 'dev-backup-01'; ResourceGroupName = 'rg-dev'; Location = 'westeurope' }
    ) | New-RecoveryVault -Tag @{ costCenter = '4711' } | Format-Table | Out-Host

    Step 'List the production vaults (wildcard)'
    Get-RecoveryVault -Name prod-* | Format-Table | Out-Host

    Step 'Change them all in one pipeline: zone redundancy, 30-day soft delete, owner tag'
    Get-RecoveryVault -Name prod-* |
        Set-RecoveryVault -StorageRedundancy ZoneRedundant -SoftDeleteRetentionDays 30 -Tag @{ costCenter = '4711'; owner = 'backup-team' } |
        Format-Table Name, StorageRedundancy, SoftDeleteRetentionDays, @{ n = 'Tags'; e = { ($_.Tags.GetEnumerator() | Sort-Object Key | ForEach-Object { "$($_.Key)=$($_.Value)" }) -join ' ' } } | Out-Host

    Step 'Give an operator Backup Reader on one vault, then act as that operator'
    $operator = Add-RecoveryVaultEmulatorData -PrincipalName 'night-operator'
    Get-RecoveryVault -Name prod-backup-01 | Grant-RecoveryVaultAccess -Role BackupReader -PrincipalId $operator.ObjectId | Out-Null
    Get-RecoveryVault -Name prod-backup-01 | Get-RecoveryVaultRoleAssignment | Format-Table | Out-Host
    $secret = ConvertTo-SecureString $operator.ClientSecret -AsPlainText -Force
    $emulator | Connect-RecoveryVault -Credential ([pscredential]::new($operator.ClientId, $secret)) | Out-Null
    Get-RecoveryVault -Name prod-backup-01 -ResourceGroupName rg-prod | Format-Table | Out-Host
    try { Set-RecoveryVault -Name prod-backup-01 -ResourceGroupName rg-prod -Tag @{ x = 'y' } -ErrorAction Stop }
    catch { Write-Host "  As expected: [$($_.FullyQualifiedErrorId)] $($_.Exception.Message)" -ForegroundColor Yellow }
    $emulator | Connect-RecoveryVault | Out-Null

    Step 'Throttling is retried transparently (two 429s queued, see -Verbose)'
    Add-RecoveryVaultEmulatorData -Fault 429 -Count 2 -Method GET -PathContains 'dev-backup-01' | Out-Null
    Get-RecoveryVault -Name dev-backup-01 -ResourceGroupName rg-dev -Verbose 4>&1 |
        ForEach-Object { if ($_ -is [System.Management.Automation.VerboseRecord]) { "  VERBOSE: $($_.Message -replace 'https://127\.0\.0\.1:\d+', '')" } else { "  got $($_.Name)" } } | Out-Host

    Step 'Remove the dev vault (what -WhatIf would do first, then for real)'
    Get-RecoveryVault -Name dev-* | Remove-RecoveryVault -WhatIf
    Get-RecoveryVault -Name dev-* | Remove-RecoveryVault -Confirm:$false
    Get-RecoveryVault | Format-Table | Out-Host

    Step 'It is soft-deleted for 14 days; bring it back'
    Get-RecoveryVault -Deleted | Format-Table | Out-Host
    Get-RecoveryVault -Deleted -Name dev-backup-01 | Restore-RecoveryVault -Confirm:$false | Format-Table | Out-Host

    Step 'Clean up: remove every vault'
    Get-RecoveryVault | Remove-RecoveryVault -Confirm:$false
    "  vaults left: $(@(Get-RecoveryVault).Count)" | Out-Host
}
finally {
    $emulator | Stop-RecoveryVaultEmulator
}
Write-Host "`nDemo finished." -ForegroundColor Green
