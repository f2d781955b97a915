# Azure Monitor alerts for Azure Backup (issue 11): the vault's job failure alert setting, alerts raised by failed
# jobs, listing and closing them through Microsoft.AlertsManagement/alerts, end to end against the strict emulator.
# Sources: AlertsManagement.json (stable 2019-03-01: Alerts_GetAll, Alerts_ChangeState and their examples); the
# vaults spec's monitoringSettings (azureMonitorAlertSettings.alertsForAllJobFailures, classicAlertSettings.
# alertsForCriticalOperations); Azure Backup docs "Azure Monitor alerts for Azure Backup" (job failure alerts are
# built in, on unless the vault opts out; a repeated failure does not raise a second alert while the first is open).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-RecoveryVaultUnderTest
    $script:emu = Start-TestEmulator

    function New-FailingVault {
        <# A vault protecting web01, the way BackupErrors / VaultCredentials tests fail a job (faults/next jobFailure). #>
        param([string] $Name = 'alert-vault', [string] $VmName = 'web01')
        $vault = New-RecoveryVault -Name $Name -ResourceGroupName rg-prod -Location westeurope
        Protect-TestVm -Vault $vault -VmName $VmName | Out-Null
        $vault
    }

    function Invoke-FailedBackup {
        param([Parameter(Mandatory)] $Vault, [string] $VmName = 'web01')
        $item = $Vault | Get-RecoveryVaultItem -Name $VmName
        Add-RecoveryVaultEmulatorData -Fault jobFailure -PathContains $item.Id | Out-Null
        $item | Backup-RecoveryVaultItem -Wait -ErrorAction SilentlyContinue
    }
}
AfterAll { Stop-RecoveryVaultEmulator }

Describe 'Vault alert settings' {
    BeforeEach { Initialize-TestState -Emulator $emu }

    It 'shows the defaults: job failure alerts on, classic alerts off' {
        $vault = New-RecoveryVault -Name alert-vault -ResourceGroupName rg-prod -Location westeurope
        $vault.JobFailureAlerts | Should -Be 'Enabled'
        $vault.ClassicAlerts | Should -Be 'Disabled'
    }

    It 'changes both with Set-RecoveryVault and reads them back' {
        $vault = New-RecoveryVault -Name alert-vault -ResourceGroupName rg-prod -Location westeurope
        $changed = $vault | Set-RecoveryVault -JobFailureAlerts Disabled -ClassicAlerts Enabled
        $changed.JobFailureAlerts | Should -Be 'Disabled'
        $changed.ClassicAlerts | Should -Be 'Enabled'
        $again = Get-RecoveryVault -Name alert-vault -ResourceGroupName rg-prod
        $again.JobFailureAlerts | Should -Be 'Disabled'
        $again.ClassicAlerts | Should -Be 'Enabled'
        # Other settings are left as they were (the PATCH carries monitoringSettings only).
        $again.SoftDeleteState | Should -Be $vault.SoftDeleteState
    }
}

Describe 'Get-RecoveryVaultAlert / Set-RecoveryVaultAlert' {
    BeforeEach { Initialize-TestState -Emulator $emu; $script:vault = New-FailingVault }

    It 'lists the alert a failed backup raised, with the job''s error reachable without parsing text' {
        $job = Invoke-FailedBackup -Vault $vault
        $job.Status | Should -Be 'Failed'
        $alerts = @($vault | Get-RecoveryVaultAlert)
        $alerts.Count | Should -Be 1
        $a = $alerts[0]
        $a | Should -BeOfType RecoveryVault.Models.VaultAlert
        $a.Name | Should -Be 'Backup Failure'
        $a.Severity | Should -Be 'Sev1'
        $a.State | Should -Be 'New'
        $a.MonitorCondition | Should -Be 'Fired'
        $a.MonitorService | Should -Be 'Azure Backup'
        $a.VaultId | Should -Be $vault.Id
        $a.VaultName | Should -Be 'alert-vault'
        $a.Id | Should -BeLike "$($vault.Id)/providers/Microsoft.AlertsManagement/alerts/*"
        $a.JobId | Should -BeLike "*/backupJobs/$($job.JobId)"
        $a.ErrorCode | Should -Be '400001'
        $a.ErrorTitle | Should -Be 'UserErrorBackupFailed'
        $a.Description | Should -BeLike '*web01*UserErrorBackupFailed*'
    }

    It 'raises one alert for a failure that repeats while it is open, and a new one once it is closed' {
        Invoke-FailedBackup -Vault $vault | Out-Null
        Invoke-FailedBackup -Vault $vault | Out-Null
        @($vault | Get-RecoveryVaultAlert).Count | Should -Be 1
        $vault | Get-RecoveryVaultAlert | Set-RecoveryVaultAlert -State Closed | Out-Null
        Invoke-FailedBackup -Vault $vault | Out-Null
        @($vault | Get-RecoveryVaultAlert -State New).Count | Should -Be 1
        @($vault | Get-RecoveryVaultAlert -State Closed).Count | Should -Be 1
    }

    It 'acknowledges and closes alerts from the pipeline, asking ShouldProcess first' {
        Invoke-FailedBackup -Vault $vault | Out-Null
        $vault | Get-RecoveryVaultAlert | Set-RecoveryVaultAlert -State Closed -WhatIf
        ($vault | Get-RecoveryVaultAlert).State | Should -Be 'New'

        $ack = $vault | Get-RecoveryVaultAlert | Set-RecoveryVaultAlert -State Acknowledged
        $ack.State | Should -Be 'Acknowledged'
        $ack.LastModifiedBy | Should -Not -Be 'System'
        $closed = Set-RecoveryVaultAlert -Id $ack.Id -State Closed
        $closed.State | Should -Be 'Closed'
        $closed.MonitorCondition | Should -Be 'Fired'
        $vault | Get-RecoveryVaultAlert -State New | Should -BeNullOrEmpty
        ($vault | Get-RecoveryVaultAlert -State Closed).AlertId | Should -Be $ack.AlertId
        $vault | Get-RecoveryVaultAlert -Severity Sev0 | Should -BeNullOrEmpty
    }

    It 'raises a Restore Failure alert for a failed restore' {
        $account = Add-RecoveryVaultEmulatorData -StorageAccountName saalerts -ResourceGroupName rg-prod
        ($vault | Get-RecoveryVaultItem -Name web01 | Backup-RecoveryVaultItem -Wait).Status | Should -Be 'Completed'
        $rp = $vault | Get-RecoveryVaultItem -Name web01 | Get-RecoveryVaultRecoveryPoint -Latest
        Add-RecoveryVaultEmulatorData -Fault jobFailure -PathContains $rp.ItemId | Out-Null
        $job = $rp | Restore-RecoveryVaultItem -RestoreDisks -StagingStorageAccountId $account.id -TargetResourceGroupName rg-restore -Wait -Confirm:$false -ErrorAction SilentlyContinue
        $job.Status | Should -Be 'Failed'
        $a = @($vault | Get-RecoveryVaultAlert)
        $a.Count | Should -Be 1
        $a[0].Name | Should -Be 'Restore Failure'
        $a[0].ErrorTitle | Should -Be 'UserErrorRestoreFailed'
        $a[0].JobId | Should -BeLike "*/backupJobs/$($job.JobId)"
    }

    It 'raises nothing while the vault''s job failure alerts are off' {
        $vault | Set-RecoveryVault -JobFailureAlerts Disabled | Out-Null
        (Invoke-FailedBackup -Vault $vault).Status | Should -Be 'Failed'
        $vault | Get-RecoveryVaultAlert | Should -BeNullOrEmpty
    }

    It 'keeps only alerts of its own vault' {
        Invoke-FailedBackup -Vault $vault | Out-Null
        $other = New-RecoveryVault -Name other-vault -ResourceGroupName rg-prod -Location westeurope
        $other | Get-RecoveryVaultAlert | Should -BeNullOrEmpty
    }

    It 'refuses a vault id that is not a vault before any request, and goes on with the next piped vault' {
        $err = $null
        $out = @('/subscriptions/x/resourceGroups/y', $vault.Id) | ForEach-Object { [pscustomobject]@{ VaultId = $_ } } |
            Get-RecoveryVaultAlert -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'InvalidResourceId,RecoveryVault.Commands.GetRecoveryVaultAlertCommand'
        $out | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
    }

    It 'says AlertNotFound for an alert id the service does not know, and refuses an id that is not an alert' {
        $missing = "$($vault.Id)/providers/Microsoft.AlertsManagement/alerts/$([guid]::NewGuid())"
        { Set-RecoveryVaultAlert -Id $missing -State Closed -ErrorAction Stop } |
            Should -Throw -ErrorId 'AlertNotFound,RecoveryVault.Commands.SetRecoveryVaultAlertCommand'
        { Set-RecoveryVaultAlert -Id $vault.Id -State Closed -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidResourceId,RecoveryVault.Commands.SetRecoveryVaultAlertCommand'
    }
}

Describe 'Microsoft.AlertsManagement/alerts on the wire' {
    BeforeAll {
        Initialize-TestState -Emulator $emu
        $script:vault = New-FailingVault
        Invoke-FailedBackup -Vault $vault | Out-Null
        $script:token = Get-EmulatorToken -Emulator $emu
        $script:base = "/subscriptions/$($emu.SubscriptionId)/providers/Microsoft.AlertsManagement/alerts"
    }

    It 'pages with nextLink (pageCount) and honours the default one-day time range (Alerts_GetAll)' {
        $other = New-FailingVault -Name alert-vault2 -VmName web02
        Invoke-FailedBackup -Vault $other -VmName web02 | Out-Null

        $first = Invoke-Curl -Emulator $emu -Token $token -PathAndQuery "$($base)?api-version=2019-03-01&pageCount=1"
        $first.Status | Should -Be 200
        $page = $first.Body | ConvertFrom-Json
        @($page.value).Count | Should -Be 1
        $page.nextLink | Should -Not -BeNullOrEmpty
        $page.value[0].properties.PSObject.Properties.Name | Should -Not -Contain 'context' -Because 'includeContext defaults to false'

        # Two days later the alerts are outside the default 1d range but inside 7d.
        Add-RecoveryVaultEmulatorData -AdvanceClock ([timespan]::FromDays(2)) | Out-Null
        $day = (Invoke-Curl -Emulator $emu -Token $token -PathAndQuery "$($base)?api-version=2019-03-01").Body | ConvertFrom-Json
        @($day.value).Count | Should -Be 0
        $week = (Invoke-Curl -Emulator $emu -Token $token -PathAndQuery "$($base)?api-version=2019-03-01&timeRange=7d").Body | ConvertFrom-Json
        @($week.value).Count | Should -Be 2
        (@($vault | Get-RecoveryVaultAlert)).Count | Should -Be 1 -Because 'the cmdlet asks for the longest range, 30d'
    }

    It 'refuses values outside the spec''s lists and an unsupported api-version' {
        (Invoke-Curl -Emulator $emu -Token $token -PathAndQuery "$($base)?api-version=2019-03-01&alertState=Open").Status | Should -Be 400
        (Invoke-Curl -Emulator $emu -Token $token -PathAndQuery "$($base)?api-version=2019-03-01&pageCount=251").Status | Should -Be 400
        (Invoke-Curl -Emulator $emu -Token $token -PathAndQuery "$($base)?api-version=2019-03-01&timeRange=1d&customTimeRange=2026-01-01T00:00:00Z/2026-01-02T00:00:00Z").Status | Should -Be 400
        $old = Invoke-Curl -Emulator $emu -Token $token -PathAndQuery "$($base)?api-version=2017-01-01"
        $old.Status | Should -Be 400
        ($old.Body | ConvertFrom-Json).error.code | Should -Be 'NoRegisteredProviderFound'
        $id = ($vault | Get-RecoveryVaultAlert).Id
        (Invoke-Curl -Emulator $emu -Token $token -Method POST -PathAndQuery "$id/changestate?api-version=2019-03-01&newState=Resolved").Status | Should -Be 400
    }
}

Describe 'Security alerts' {
    # Azure Backup docs "Azure Monitor alerts for Azure Backup": security alerts fire at Sev0 for destructive operations
    # (deleting backup data, disabling soft delete) and cannot be turned off, so job failure alerts being off does not
    # matter; AlertsManagement.json Alerts_GetAll filters by severity.
    BeforeEach { Initialize-TestState -Emulator $emu; $script:vault = New-FailingVault | Set-RecoveryVault -JobFailureAlerts Disabled }

    It 'raises Delete Backup Data when protection stops with delete' {
        $vault | Get-RecoveryVaultItem -Name web01 | Disable-RecoveryVaultProtection -DeleteBackupData -Confirm:$false -Wait | Out-Null
        $alerts = @($vault | Get-RecoveryVaultAlert -Severity Sev0)
        $alerts.Count | Should -Be 1
        $alerts[0].Name | Should -Be 'Delete Backup Data'
        $alerts[0].Severity | Should -Be 'Sev0'
        $alerts[0].ItemId | Should -BeLike '*/protectedItems/*web01*'
        @($vault | Get-RecoveryVaultAlert -Severity Sev1) | Should -BeNullOrEmpty
    }

    It 'raises Soft Delete Disabled for Vault once, when soft delete goes off' {
        $vault | Set-RecoveryVault -SoftDeleteState Disabled | Out-Null
        $vault | Set-RecoveryVault -SoftDeleteState Disabled | Out-Null
        $alerts = @($vault | Get-RecoveryVaultAlert)
        $alerts.Count | Should -Be 1
        $alerts[0].Name | Should -Be 'Soft Delete Disabled for Vault'
        $alerts[0].Severity | Should -Be 'Sev0'
        # Closed like any other alert.
        $alerts[0] | Set-RecoveryVaultAlert -State Closed -Confirm:$false | Out-Null
        @($vault | Get-RecoveryVaultAlert -State New) | Should -BeNullOrEmpty
    }
}
