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
    # The secret was shown once, at creation, as a SecureString; Credential carries it with the client id.
    $emulator | Connect-RecoveryVault -Credential $operator.Credential | Out-Null
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

    Step 'Backup lifecycle: seed a VM, a storage account with a file share, a SQL Server VM; register a MARS server from a vault credentials file'
    Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -VirtualMachineName web01 -DataDiskCount 2 | Out-Null
    Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -VirtualMachineName sql01 | Out-Null
    Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -SqlVirtualMachineName sql01 -DatabaseName sales | Out-Null
    Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -StorageAccountName saprod01 -FileShareName finance | Out-Null
    $vault = Get-RecoveryVault -Name prod-backup-01 -ResourceGroupName rg-prod
    # The file a MARS agent registers with: a new certificate uploaded to the vault, the key in a file only its owner reads.
    $credFolder = New-Item -ItemType Directory -Force -Path (Join-Path ([IO.Path]::GetTempPath()) "rv-demo-creds-$PID")
    $credentialFile = $vault | Get-RecoveryVaultCredential -Path $credFolder
    $credentialFile | Format-List Name, Vault, Kind, Thumbprint, ValidTo | Out-Host
    Add-RecoveryVaultEmulatorData -MarsServerName fileserver01 -VaultCredentialPath $credentialFile.Path -ItemPath 'D:\Shares' | Out-Null
    Remove-Item $credFolder -Recurse -Force
    $vault | Get-RecoveryVaultContainer -Kind MarsServer | Format-Table | Out-Host
    $sub = (Get-RecoveryVaultContext).SubscriptionId
    $sa = "/subscriptions/$sub/resourceGroups/rg-prod/providers/Microsoft.Storage/storageAccounts/saprod01"

    Step 'A policy: daily at 02:30 W. Europe time, keep 14 days, 8 weeks, 12 months'
    $policy = $vault | New-RecoveryVaultPolicy -Name vm-nightly -Kind AzureVM `
        -Schedule (New-RecoveryVaultSchedule -Daily -At 02:30 -TimeZone 'W. Europe Standard Time') `
        -Retention (New-RecoveryVaultRetention -DailyDays 14 -WeeklyWeeks 8 -MonthlyMonths 12)
    $policy | Format-Table Name, Kind, ScheduleFrequency, TimeZone, DailyRetentionDays, WeeklyRetentionWeeks, MonthlyRetentionMonths | Out-Host

    Step 'Protect the VM (data disk 1 excluded), the file share and the SQL database'
    $vault | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureVM -Name web01 | Enable-RecoveryVaultProtection -Policy $policy -ExcludeDiskLun 1 -Wait | Format-Table Operation, Status, EntityFriendlyName | Out-Host
    $vault | Register-RecoveryVaultContainer -StorageAccountId $sa | Out-Null
    $vault | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureFileShare | Enable-RecoveryVaultProtection -Policy ($vault | Get-RecoveryVaultPolicy -Kind AzureFileShare | Select-Object -First 1) -Wait | Format-Table Operation, Status, EntityFriendlyName | Out-Host
    $vault | Register-RecoveryVaultContainer -VirtualMachineId "/subscriptions/$sub/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/sql01" | Out-Null
    $vault | Get-RecoveryVaultProtectableItem -Refresh -Kind SqlDatabase | Enable-RecoveryVaultProtection -Policy ($vault | Get-RecoveryVaultPolicy -Name HourlyLogBackup) -Wait | Format-Table Operation, Status, EntityFriendlyName | Out-Host

    Step 'Compliance: which VMs of the subscription have no backup at all? (backupStatus per VM, no vault needed)'
    Get-RecoveryVaultBackupStatus -Unprotected |
        Format-Table @{ n = 'VM'; e = { ($_.ResourceId -split '/')[-1] } }, @{ n = 'ResourceGroup'; e = { ($_.ResourceId -split '/')[4] } }, Location, ProtectionStatus | Out-Host

    Step 'Back up every protected VM now, keep it 30 days, and wait'
    Get-RecoveryVault -Name prod-* | Get-RecoveryVaultItem -Kind AzureVM | Backup-RecoveryVaultItem -RetainUntil (Get-Date).AddDays(30) | Wait-RecoveryVaultJob | Format-Table Operation, Status, EntityFriendlyName, Duration | Out-Host

    Step 'Let a week of simulated time pass: scheduled backups run'
    Add-RecoveryVaultEmulatorData -AdvanceClock ([timespan]::FromDays(7)) | Format-List now, recoveryPointsCreated, jobsCompleted | Out-Host
    $vault | Get-RecoveryVaultItem | Format-Table FriendlyName, Kind, ProtectionState, LastBackupStatus, LatestRecoveryPoint | Out-Host
    "  web01 has $(@($vault | Get-RecoveryVaultItem -Name web01 | Get-RecoveryVaultRecoveryPoint).Count) recovery points" | Out-Host

    Step 'A backup fails: Azure Monitor raises a job failure alert for the vault; close it once dealt with'
    $web01 = $vault | Get-RecoveryVaultItem -Name web01
    # Scoped to web01's on-demand backup, so a scheduled backup coming due meanwhile does not take the failure.
    Add-RecoveryVaultEmulatorData -Fault jobFailure -PathContains $web01.Id | Out-Null
    $web01 | Backup-RecoveryVaultItem -Wait -ErrorAction SilentlyContinue | Format-Table Operation, Status, ErrorTitle | Out-Host
    $vault | Get-RecoveryVaultAlert -State New | Format-List Name, Severity, State, Description, ErrorCode | Out-Host
    $vault | Get-RecoveryVaultAlert -State New | Set-RecoveryVaultAlert -State Closed | Format-Table Name, State, LastModifiedBy | Out-Host

    Step 'Restore: VM disks from the latest point, two files of the share, the database under a new name'
    $vault | Get-RecoveryVaultItem -Name web01 | Get-RecoveryVaultRecoveryPoint -Latest |
        Restore-RecoveryVaultItem -RestoreDisks -StagingStorageAccountId $sa -TargetResourceGroupName rg-prod -Wait -Confirm:$false | Format-Table Operation, Status, EntityFriendlyName | Out-Host
    $vault | Get-RecoveryVaultItem -Name finance | Get-RecoveryVaultRecoveryPoint -Latest |
        Restore-RecoveryVaultItem -FileShare -ItemPath 'q4/report.xlsx', 'q4/budget.xlsx' -ItemType File -ConflictPolicy Skip -Wait -Confirm:$false | Format-Table Operation, Status, EntityFriendlyName | Out-Host
    $vault | Get-RecoveryVaultItem -Name sales | Get-RecoveryVaultRecoveryPoint -Latest |
        Restore-RecoveryVaultItem -SqlDatabase -TargetDatabaseName sales_restored -Wait -Confirm:$false | Format-Table Operation, Status, EntityFriendlyName | Out-Host

    Step 'Instant file recovery: mount the latest VM point, then dismount it'
    $mount = $vault | Get-RecoveryVaultItem -Name web01 | Get-RecoveryVaultRecoveryPoint -Latest | Mount-RecoveryVaultRecoveryPoint -Path ([IO.Path]::GetTempPath())
    $mount | Format-List ItemName, ScriptPath, OsType, ExpiresAt | Out-Host
    $mount | Dismount-RecoveryVaultRecoveryPoint

    Step 'Stop protection of the VM and delete its data: it is kept soft-deleted for the vault''s 30 days (PurgeAt from the service); undo that'
    $vault | Get-RecoveryVaultItem -Name web01 | Disable-RecoveryVaultProtection -DeleteBackupData -Confirm:$false | Out-Null
    $vault | Get-RecoveryVaultItem -Deleted | Format-Table FriendlyName, IsDeleted, PurgeAt | Out-Host
    $vault | Get-RecoveryVaultItem -Deleted | Undo-RecoveryVaultItemDeletion -Wait | Out-Null
    $vault | Get-RecoveryVaultItem -Name web01 | Format-Table FriendlyName, ProtectionState, IsDeleted | Out-Host

    Step 'A vault with backup data cannot simply be deleted...'
    try { $vault | Remove-RecoveryVault -Confirm:$false -ErrorAction Stop }
    catch { Write-Host "  As expected: [$($_.FullyQualifiedErrorId)] $($_.Exception.Message)" -ForegroundColor Yellow }
    Step '...Remove-RecoveryVault -DeleteBackupData plans the whole clean-up (-WhatIf shows it), then does it'
    $vault | Remove-RecoveryVault -DeleteBackupData -WhatIf
    $vault | Remove-RecoveryVault -DeleteBackupData -Force

    Step 'Classic Backup vault: three MARS servers, 150 days of daily points, storage-based billing, a backup running'
    Add-RecoveryVaultEmulatorData -ClassicVaultName legacy-backup -Location westeurope -ClassicServerName fs01, fs02 -ItemPath 'C:\Data', 'D:\Shares' -RecoveryPointDays 150 -StorageBasedBilling | Out-Null
    Add-RecoveryVaultEmulatorData -ClassicVaultName legacy-backup -ClassicServerName fs02 -AgentVersion 2.0.8719.0 | Out-Null
    Add-RecoveryVaultEmulatorData -ClassicVaultName legacy-backup -ClassicServerName app-old01 -ItemPath 'E:\Archive' -LastSeenDaysAgo 75 -RecoveryPointDays 60 | Out-Null
    Add-RecoveryVaultEmulatorData -ClassicVaultName legacy-backup -ClassicServerName fs01 -ItemPath 'C:\Data' -RunningJob Backup -JobMinutes 60 | Out-Null
    Get-RecoveryVaultClassicVault | Format-Table | Out-Host

    Step 'Check it: two blocking findings (an old MARS agent, storage-based billing) and two warnings'
    $check = Get-RecoveryVaultClassicVault -Name legacy-backup | Test-RecoveryVaultUpgrade -TargetResourceGroupName rg-backup
    $check | Format-Table | Out-Host
    $check.Findings | Format-Table Severity, Code, Message -Wrap | Out-Host

    Step 'Fix the blocker (update the agent on fs02), accept the billing change; the warnings are accepted as they are'
    Add-RecoveryVaultEmulatorData -ClassicVaultName legacy-backup -ClassicServerName fs02 -AgentVersion 2.0.9262.0 | Out-Null
    Get-RecoveryVaultClassicVault -Name legacy-backup | Test-RecoveryVaultUpgrade -TargetResourceGroupName rg-backup -AcceptBillingChange |
        Select-Object -ExpandProperty Findings | Format-Table Severity, Code -AutoSize | Out-Host

    Step 'Upgrade: what -WhatIf says would move, then the real thing (progress follows the service; then verification)'
    Start-RecoveryVaultUpgrade -Name legacy-backup -TargetResourceGroupName rg-backup -AcceptBillingChange -WhatIf -WarningAction SilentlyContinue
    $upgrade = Get-RecoveryVaultClassicVault | Test-RecoveryVaultUpgrade -TargetResourceGroupName rg-backup -AcceptBillingChange |
        Where-Object CanUpgrade | Start-RecoveryVaultUpgrade -Force -WarningAction SilentlyContinue
    $upgrade | Format-List ClassicVaultName, Outcome, OperationId, TargetVaultId, ResourceGroupCreated, BillingModelChanged | Out-Host
    $upgrade.Verification.Counts | Format-Table | Out-Host

    Step 'The new vault: enhanced security on; the backup that was running finished there, with its point'
    $upgrade.Vault | Format-List Name, ResourceGroupName, SoftDeleteState, EnhancedSecurityState, UpgradeStatus, UpgradedFromId | Out-Host
    Add-RecoveryVaultEmulatorData -AdvanceClock '01:00:00' | Out-Null
    $upgrade.Vault | Get-RecoveryVaultJob -Operation Backup | Format-Table | Out-Host
    $upgrade.Vault | Get-RecoveryVaultItem -Name 'C:\Data' | Get-RecoveryVaultRecoveryPoint -Latest | Format-Table | Out-Host
    "  classic vaults still listed: $(@(Get-RecoveryVaultClassicVault).Count); the upgrade, as Get-RecoveryVaultUpgrade sees it:" | Out-Host
    Get-RecoveryVaultUpgrade -Name legacy-backup | Format-Table | Out-Host

    Step 'Harden a vault: soft delete always on, immutability locked, and multi-user authorization with a resource guard in another tenant'
    # The security team's tenant and subscription hold the guard; the backup admin (this connection) has no role there.
    $securityTenant = [guid]::NewGuid().ToString(); $securitySub = [guid]::NewGuid().ToString()
    Add-RecoveryVaultEmulatorData -TenantId $securityTenant -TenantName 'Contoso Security' | Out-Null
    Add-RecoveryVaultEmulatorData -SubscriptionId $securitySub -TenantId $securityTenant -SubscriptionName 'Security' | Out-Null
    Add-RecoveryVaultEmulatorData -ResourceGroupName rg-guards -Location westeurope -SubscriptionId $securitySub | Out-Null
    $securityAdmin = Add-RecoveryVaultEmulatorData -PrincipalName 'security-admin' -TenantId $securityTenant
    Add-RecoveryVaultEmulatorData -PrincipalId $securityAdmin.ObjectId -RoleName 'Backup MUA Admin' -Scope "/subscriptions/$securitySub/resourceGroups/rg-guards" | Out-Null
    $emulator | Connect-RecoveryVault -Credential $securityAdmin.Credential -TenantId $securityTenant -SubscriptionId $securitySub | Out-Null
    $guard = New-RecoveryVaultResourceGuard -Name guard-backup -ResourceGroupName rg-guards -Location westeurope -SubscriptionId $securitySub
    $guard | Format-List Name, SubscriptionId, ProtectedOperations | Out-Host
    # The security admin invites the backup admin and lets it see the guard (Reader), nothing more.
    Add-RecoveryVaultEmulatorData -TenantId $securityTenant -GuestClientId $emulator.ClientId | Out-Null
    Add-RecoveryVaultEmulatorData -PrincipalId $emulator.ClientId -RoleName Reader -Scope $guard.Id | Out-Null
    $emulator | Connect-RecoveryVault | Out-Null
    $secure = New-RecoveryVault -Name secure-backup-01 -ResourceGroupName rg-prod -Location westeurope
    $secure | Set-RecoveryVault -SoftDeleteState AlwaysON -ImmutabilityState Locked -Force | Out-Null
    # The token for the guard's tenant is acquired from this connection: no -ResourceGuardToken needed.
    $secure | Set-RecoveryVaultResourceGuardMapping -ResourceGuardId $guard.Id | Format-Table | Out-Host
    Get-RecoveryVault -Name secure-backup-01 -ResourceGroupName rg-prod | Format-List Name, SoftDeleteState, EnhancedSecurityState, ImmutabilityState, MultiUserAuthorization | Out-Host

    Step 'The security check, one report per vault (made for compliance runbooks and Pester): the hardened vault against the others'
    Get-RecoveryVault | Test-RecoveryVaultSecurity | Format-Table | Out-Host
    (Get-RecoveryVault -Name secure-backup-01 -ResourceGroupName rg-prod | Test-RecoveryVaultSecurity).Checks | Format-Table Name, Result, Value | Out-Host

    Step 'A critical operation (removing the MUA protection) is refused: the backup admin has only Reader on the guard'
    try { $secure | Remove-RecoveryVaultResourceGuardMapping -Force -ErrorAction Stop }
    catch { Write-Host "  As expected: [$($_.FullyQualifiedErrorId)] $($_.Exception.Message -replace '(?<=Service: ).*', '…')" -ForegroundColor Yellow }

    Step 'The security admin grants Backup MUA Operator on the guard just in time; with the guard tenant''s token the operation goes through'
    Add-RecoveryVaultEmulatorData -PrincipalId $emulator.ClientId -RoleName 'Backup MUA Operator' -Scope $guard.Id | Out-Null
    $secure | Remove-RecoveryVaultResourceGuardMapping -Force -Verbose 4>&1 |
        ForEach-Object { "  VERBOSE: $($_.Message -replace 'https://127\.0\.0\.1:\d+', '')" } | Where-Object { $_ -match 'unlockDelete|backupResourceGuardProxies' } | Out-Host
    "  MultiUserAuthorization now: $((Get-RecoveryVault -Name secure-backup-01 -ResourceGroupName rg-prod).MultiUserAuthorization)" | Out-Host

    Step 'The whole estate: Azure Resource Graph answers in one query what the per-vault fan-out (-ThrottleLimit) reads vault by vault'
    Search-RecoveryVault -Item | Format-Table FriendlyName, Kind, ProtectionState, LastBackupStatus, VaultName | Out-Host
    Get-RecoveryVaultSummary | Format-List | Out-Host
    $fanned = @(Get-RecoveryVault | Get-RecoveryVaultItem -ThrottleLimit 8)
    "  per-vault fan-out, 8 vaults at a time: $($fanned.Count) items; Resource Graph: $(@(Search-RecoveryVault -Item).Count) items" | Out-Host

    Step 'Clean up: remove every vault'
    Get-RecoveryVault | Remove-RecoveryVault -DeleteBackupData -Force
    "  vaults left: $(@(Get-RecoveryVault).Count)" | Out-Host
}
finally {
    $emulator | Stop-RecoveryVaultEmulator
}
Write-Host "`nDemo finished." -ForegroundColor Green
