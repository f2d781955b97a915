BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-RecoveryVaultUnderTest
    $script:emu = Start-TestEmulator -PageSize 5
    $script:sub = $emu.SubscriptionId

    function Initialize-BackupState {
        Initialize-TestState -Emulator $emu
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -VirtualMachineName web01 -DataDiskCount 2 | Out-Null
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -VirtualMachineName web02 | Out-Null
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -VirtualMachineName sql01 | Out-Null
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -SqlVirtualMachineName sql01 -DatabaseName sales, hr | Out-Null
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -StorageAccountName saprod01 -FileShareName share1, share2 | Out-Null
        $script:vault = New-RecoveryVault -Name prod-vault1 -ResourceGroupName rg-prod -Location westeurope
        $script:other = New-RecoveryVault -Name prod-vault2 -ResourceGroupName rg-prod -Location westeurope
        $script:saId = "/subscriptions/$sub/resourceGroups/rg-prod/providers/Microsoft.Storage/storageAccounts/saprod01"
        $script:sqlVmId = "/subscriptions/$sub/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/sql01"
    }
}
AfterAll { Stop-RecoveryVaultEmulator }

Describe 'Schedules, retention and policies' {
    BeforeAll { Initialize-BackupState }

    It 'lists the policies every vault starts with, by kind' {
        ($vault | Get-RecoveryVaultPolicy).Name | Should -Contain 'DefaultPolicy'
        ($vault | Get-RecoveryVaultPolicy -Kind AzureFileShare).Kind | Sort-Object -Unique | Should -Be 'AzureFileShare'
        { $vault | Get-RecoveryVaultPolicy -Name NoSuchPolicy -ErrorAction Stop } | Should -Throw -ErrorId 'PolicyNotFound,RecoveryVault.Commands.GetRecoveryVaultPolicyCommand'
        # A vault that is gone is ARM's 404 ResourceNotFound on the parent, not Azure Backup's BMSUserErrorPolicyNotFound:
        # it was reported as PolicyNotFound, so a fan-out over stale vault objects blamed the policy.
        { Get-RecoveryVaultPolicy -VaultName gone-vault -ResourceGroupName rg-prod -Name DefaultPolicy -ErrorAction Stop } |
            Should -Throw -ErrorId 'VaultNotFound,RecoveryVault.Commands.GetRecoveryVaultPolicyCommand'
        { Get-RecoveryVaultJob -VaultName gone-vault -ResourceGroupName rg-prod -JobId ([guid]::NewGuid()) -ErrorAction Stop } |
            Should -Throw -ErrorId 'VaultNotFound,RecoveryVault.Commands.GetRecoveryVaultJobCommand'
    }

    It 'builds validated schedules and retention before any request' {
        { New-RecoveryVaultSchedule -Daily -At '02:15' } | Should -Throw -ErrorId 'InvalidSchedule,RecoveryVault.Commands.NewRecoveryVaultScheduleCommand'
        { New-RecoveryVaultSchedule -Daily -At '02:00' -TimeZone 'Mars/Olympus' } | Should -Throw -ErrorId 'InvalidSchedule,RecoveryVault.Commands.NewRecoveryVaultScheduleCommand'
        { New-RecoveryVaultRetention } | Should -Throw -ErrorId 'InvalidRetention,RecoveryVault.Commands.NewRecoveryVaultRetentionCommand'
        (New-RecoveryVaultSchedule -Weekly Monday, Friday -At '23:30').ToString() | Should -Be 'Weekly on Monday,Friday at 23:30 (UTC)'
        (New-RecoveryVaultSchedule -HourlyInterval 4 -WindowDurationHours 12 -At '08:00' -TimeZone 'W. Europe Standard Time').HourlyInterval | Should -Be 4
    }

    It 'creates VM, enhanced, file share and SQL policies' {
        $p = $vault | New-RecoveryVaultPolicy -Name vm-daily -Kind AzureVM -Schedule (New-RecoveryVaultSchedule -Daily -At 02:30) -Retention (New-RecoveryVaultRetention -DailyDays 14 -WeeklyWeeks 8 -MonthlyMonths 12 -YearlyYears 3)
        $p | Should -BeOfType RecoveryVault.Models.BackupPolicy
        $p.DailyRetentionDays | Should -Be 14
        $p.YearlyRetentionYears | Should -Be 3
        $p.ScheduleRunTimes[0] | Should -Match 'T02:30:00'
        $e = $vault | New-RecoveryVaultPolicy -Name vm-hourly -Kind AzureVM -Enhanced -Schedule (New-RecoveryVaultSchedule -HourlyInterval 4 -At 08:00) -Retention (New-RecoveryVaultRetention -DailyDays 30)
        $e.PolicyType | Should -Be 'V2'
        $e.ScheduleFrequency | Should -Be 'Hourly'
        ($vault | New-RecoveryVaultPolicy -Name fs-daily -Kind AzureFileShare -Retention (New-RecoveryVaultRetention -DailyDays 5)).Kind | Should -Be 'AzureFileShare'
        ($vault | New-RecoveryVaultPolicy -Name sql-daily -Kind SqlDatabase -LogBackupIntervalMinutes 30 -LogRetentionDays 7 -Retention (New-RecoveryVaultRetention -DailyDays 30)).Kind | Should -Be 'SqlDatabase'
    }

    It 'refuses impossible policies with a clear error and no request' {
        { $vault | New-RecoveryVaultPolicy -Name bad1 -Kind AzureVM -Schedule (New-RecoveryVaultSchedule -HourlyInterval 4) -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidSchedule,RecoveryVault.Commands.NewRecoveryVaultPolicyCommand'
        { $vault | New-RecoveryVaultPolicy -Name bad2 -Kind AzureVM -Retention (New-RecoveryVaultRetention -DailyDays 3) -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidRetention,RecoveryVault.Commands.NewRecoveryVaultPolicyCommand'
        { $vault | New-RecoveryVaultPolicy -Name bad3 -Kind AzureVM -Schedule (New-RecoveryVaultSchedule -Weekly Sunday) -Retention (New-RecoveryVaultRetention -DailyDays 30 -WeeklyWeeks 4) -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidRetention,RecoveryVault.Commands.NewRecoveryVaultPolicyCommand'
        $vault | Get-RecoveryVaultPolicy -Name bad* | Should -BeNullOrEmpty
    }

    It 'changes a policy and removes an unused one; -WhatIf changes nothing' {
        $p = $vault | Get-RecoveryVaultPolicy -Name vm-daily
        ($p | Set-RecoveryVaultPolicy -Retention (New-RecoveryVaultRetention -DailyDays 21)).DailyRetentionDays | Should -Be 21
        $p | Remove-RecoveryVaultPolicy -WhatIf
        $vault | Get-RecoveryVaultPolicy -Name vm-daily | Should -Not -BeNullOrEmpty
        $vault | Get-RecoveryVaultPolicy -Name vm-daily | Remove-RecoveryVaultPolicy -Confirm:$false
        $vault | Get-RecoveryVaultPolicy -Name vm-daily -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Protection lifecycle' {
    BeforeAll {
        Initialize-BackupState
        $script:policy = $vault | Get-RecoveryVaultPolicy -Name DefaultPolicy
    }

    It 'discovers VMs and protects them through the pipeline, excluding a disk' {
        $found = $vault | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureVM
        $found.FriendlyName | Should -Contain 'web01'
        $job = $vault | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureVM -Name web01 | Enable-RecoveryVaultProtection -Policy $policy -ExcludeDiskLun 1 -Wait
        $job | Should -BeOfType RecoveryVault.Models.BackupJob
        $job.Operation | Should -Be 'ConfigureBackup'
        $job.Status | Should -Be 'Completed'
        $item = $vault | Get-RecoveryVaultItem -Name web01
        $item.ProtectionState | Should -Be 'IRPending'
        $item.PolicyName | Should -Be 'DefaultPolicy'
        $item.VaultId | Should -Be $vault.Id
    }

    It 'protects by VM id and is idempotent' {
        $vm = "/subscriptions/$sub/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/web02"
        Enable-RecoveryVaultProtection -SourceResourceId $vm -Policy $policy -Wait | Out-Null
        $again = Enable-RecoveryVaultProtection -SourceResourceId $vm -Policy $policy -PassThru 3>&1
        ($again | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }).Message | Should -Match 'already protected'
        ($again | Where-Object { $_ -is [RecoveryVault.Models.BackupItem] }).FriendlyName | Should -Be 'web02'
    }

    It 'refuses to protect the same VM in a second vault' {
        $otherPolicy = $other | Get-RecoveryVaultPolicy -Name DefaultPolicy
        $vm = "/subscriptions/$sub/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/web02"
        { Enable-RecoveryVaultProtection -SourceResourceId $vm -Policy $otherPolicy -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidRequest,RecoveryVault.Commands.EnableRecoveryVaultProtectionCommand'
    }

    It 'refuses a policy of another kind before any request' {
        $fsPolicy = $vault | Get-RecoveryVaultPolicy -Kind AzureFileShare | Select-Object -First 1
        $vm = "/subscriptions/$sub/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/web01"
        { Enable-RecoveryVaultProtection -SourceResourceId $vm -Policy $fsPolicy -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidParameterCombination,RecoveryVault.Commands.EnableRecoveryVaultProtectionCommand'
    }

    It 'protects a file share and a SQL database after registering their containers' {
        ($vault | Register-RecoveryVaultContainer -StorageAccountId $saId).RegistrationStatus | Should -Be 'Registered'
        $fsPolicy = $vault | Get-RecoveryVaultPolicy -Kind AzureFileShare | Select-Object -First 1
        $vault | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureFileShare -Name share1 | Enable-RecoveryVaultProtection -Policy $fsPolicy -Wait | Out-Null
        $vault | Register-RecoveryVaultContainer -VirtualMachineId $sqlVmId | Out-Null
        ($vault | Get-RecoveryVaultContainer -Kind SqlDatabase).FriendlyName | Should -Be 'sql01'
        $sqlPolicy = $vault | Get-RecoveryVaultPolicy -Kind SqlDatabase | Select-Object -First 1
        $vault | Get-RecoveryVaultProtectableItem -Refresh -Kind SqlDatabase -Name sales | Enable-RecoveryVaultProtection -Policy $sqlPolicy -Wait | Out-Null
        ($vault | Get-RecoveryVaultItem).Kind | Sort-Object -Unique | Should -Be @('AzureFileShare', 'AzureVM', 'SqlDatabase')
    }

    It 'backs up on demand through the pipeline and waits for every job' {
        $jobs = Get-RecoveryVault -Name prod-vault1 | Get-RecoveryVaultItem -Kind AzureVM | Backup-RecoveryVaultItem -RetainUntil (Get-Date).AddDays(30) | Wait-RecoveryVaultJob
        $jobs.Count | Should -Be 2
        $jobs.Status | Sort-Object -Unique | Should -Be 'Completed'
        ($vault | Get-RecoveryVaultItem -Name web01).ProtectionState | Should -Be 'Protected'
        { $vault | Get-RecoveryVaultItem -Name web01 | Backup-RecoveryVaultItem -BackupType Log -ErrorAction Stop } | Should -Throw -ErrorId 'UnsupportedForKind,RecoveryVault.Commands.BackupRecoveryVaultItemCommand'
        ($vault | Get-RecoveryVaultItem -Name sales | Backup-RecoveryVaultItem -BackupType Full -Wait).Status | Should -Be 'Completed'
    }

    It 'creates scheduled recovery points as simulated days pass, and filters them' {
        $before = @($vault | Get-RecoveryVaultItem -Name web01 | Get-RecoveryVaultRecoveryPoint).Count
        $r = Add-RecoveryVaultEmulatorData -AdvanceClock ([timespan]::FromDays(3))
        [int] $r.recoveryPointsCreated | Should -BeGreaterThan 2
        $points = $vault | Get-RecoveryVaultItem -Name web01 | Get-RecoveryVaultRecoveryPoint
        $points.Count | Should -BeGreaterThan $before
        $latest = $vault | Get-RecoveryVaultItem -Name web01 | Get-RecoveryVaultRecoveryPoint -Latest
        $latest.RecoveryPointTime | Should -Be (($points.RecoveryPointTime | Sort-Object)[-1])
        $cut = $latest.RecoveryPointTime.AddHours(-1).UtcDateTime
        @($vault | Get-RecoveryVaultItem -Name web01 | Get-RecoveryVaultRecoveryPoint -After $cut).Count | Should -Be 1
        ($vault | Get-RecoveryVaultItem -Name web01 | Get-RecoveryVaultRecoveryPoint -Id $latest.Name).Name | Should -Be $latest.Name
    }

    It 'restores VM disks, a new VM, a file share and a SQL database' {
        $rp = $vault | Get-RecoveryVaultItem -Name web01 | Get-RecoveryVaultRecoveryPoint -Latest
        ($rp | Restore-RecoveryVaultItem -RestoreDisks -StagingStorageAccountId $saId -TargetResourceGroupName rg-restore -Wait -Confirm:$false).Status | Should -Be 'Completed'
        $vnet = "/subscriptions/$sub/resourceGroups/rg-prod/providers/Microsoft.Network/virtualNetworks/vnet1"
        ($rp | Restore-RecoveryVaultItem -TargetVMName web01-copy -TargetResourceGroupName rg-restore -TargetVirtualNetworkId $vnet -StagingStorageAccountId $saId -Wait -Confirm:$false).Operation | Should -Be 'Restore'
        $fsRp = $vault | Get-RecoveryVaultItem -Name share1 | Backup-RecoveryVaultItem -Wait | ForEach-Object { $vault | Get-RecoveryVaultItem -Name share1 | Get-RecoveryVaultRecoveryPoint -Latest }
        ($fsRp | Restore-RecoveryVaultItem -FileShare -ItemPath 'reports/q1.xlsx' -ItemType File -ConflictPolicy Skip -Wait -Confirm:$false).Status | Should -Be 'Completed'
        $sqlRp = $vault | Get-RecoveryVaultItem -Name sales | Get-RecoveryVaultRecoveryPoint -Latest
        ($sqlRp | Restore-RecoveryVaultItem -SqlDatabase -TargetDatabaseName sales_copy -Wait -Confirm:$false).Status | Should -Be 'Completed'
        { $rp | Restore-RecoveryVaultItem -FileShare -ConflictPolicy Overwrite -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidParameterCombination,RecoveryVault.Commands.RestoreRecoveryVaultItemCommand'
        { $rp | Restore-RecoveryVaultItem -RestoreDisks -StagingStorageAccountId "/subscriptions/$sub/resourceGroups/rg-prod/providers/Microsoft.Storage/storageAccounts/nosuch" -Confirm:$false -ErrorAction Stop } | Should -Throw
    }

    It 'mounts a VM recovery point for file recovery and dismounts it' {
        $dir = Join-Path ([IO.Path]::GetTempPath()) ("rv-ilr-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
        $m = $vault | Get-RecoveryVaultItem -Name web01 | Get-RecoveryVaultRecoveryPoint -Latest | Mount-RecoveryVaultRecoveryPoint -Path $dir
        $m | Should -BeOfType RecoveryVault.Models.FileRecoveryMount
        Test-Path $m.ScriptPath | Should -BeTrue
        $m.Password | Should -Not -BeNullOrEmpty
        $m.ExpiresAt | Should -BeGreaterThan (Get-Date)
        { $m | Dismount-RecoveryVaultRecoveryPoint } | Should -Not -Throw
        Remove-Item $dir -Recurse -Force
    }

    It 'lists, filters and pipes jobs' {
        $all = $vault | Get-RecoveryVaultJob
        $all.Operation | Should -Contain 'Backup'
        $all.Operation | Should -Contain 'Restore'
        ($vault | Get-RecoveryVaultJob -Operation Restore).Operation | Sort-Object -Unique | Should -Be 'Restore'
        ($vault | Get-RecoveryVaultItem -Name web01 | Get-RecoveryVaultJob).EntityFriendlyName | Sort-Object -Unique | Should -Be 'web01'
        ($vault | Get-RecoveryVaultJob -JobId $all[0].JobId).JobId | Should -Be $all[0].JobId
        { $vault | Get-RecoveryVaultJob -JobId ([guid]::NewGuid()) -ErrorAction Stop } | Should -Throw -ErrorId 'JobNotFound,RecoveryVault.Commands.GetRecoveryVaultJobCommand'
    }

    It 'cancels a running job' {
        $job = $vault | Get-RecoveryVaultItem -Name web02 | Backup-RecoveryVaultItem
        if (-not $job.IsFinished) {
            ($job | Stop-RecoveryVaultJob -PassThru).Status | Should -BeIn 'Cancelled', 'Cancelling'
        }
        ($job | Stop-RecoveryVaultJob -PassThru 3>$null).IsFinished | Should -BeTrue
    }

    It 'moves an item to another policy' {
        $p2 = $vault | New-RecoveryVaultPolicy -Name vm-weekly -Kind AzureVM -Schedule (New-RecoveryVaultSchedule -Weekly Sunday) -Retention (New-RecoveryVaultRetention -WeeklyWeeks 12)
        ($vault | Get-RecoveryVaultItem -Name web02 | Set-RecoveryVaultItem -Policy $p2 -PassThru).PolicyName | Should -Be 'vm-weekly'
        { $vault | Get-RecoveryVaultPolicy -Name vm-weekly | Remove-RecoveryVaultPolicy -Confirm:$false -ErrorAction Stop } | Should -Throw
    }

    It 'stops protection keeping data, is idempotent, and resumes' {
        $item = $vault | Get-RecoveryVaultItem -Name web02
        ($item | Disable-RecoveryVaultProtection -Confirm:$false -PassThru).ProtectionState | Should -Be 'ProtectionStopped'
        $again = $vault | Get-RecoveryVaultItem -Name web02 | Disable-RecoveryVaultProtection -Confirm:$false 3>&1
        $again.Message | Should -Match 'already stopped'
        @($vault | Get-RecoveryVaultItem -Name web02 | Get-RecoveryVaultRecoveryPoint).Count | Should -BeGreaterThan 0
        ($vault | Get-RecoveryVaultItem -Name web02 | Resume-RecoveryVaultProtection -Policy $policy -PassThru).ProtectionState | Should -BeIn 'Protected', 'IRPending'
    }

    It 'deletes backup data into soft delete and undeletes it' {
        $vault | Get-RecoveryVaultItem -Name web02 | Disable-RecoveryVaultProtection -DeleteBackupData -WhatIf
        ($vault | Get-RecoveryVaultItem -Name web02).IsDeleted | Should -BeFalse
        $vault | Get-RecoveryVaultItem -Name web02 | Disable-RecoveryVaultProtection -DeleteBackupData -Confirm:$false | Out-Null
        $deleted = $vault | Get-RecoveryVaultItem -Deleted
        $deleted.FriendlyName | Should -Be 'web02'
        $deleted.PurgeAt | Should -BeGreaterThan (Get-Date).AddDays(13)
        $deleted | Undo-RecoveryVaultItemDeletion -Wait | Out-Null
        ($vault | Get-RecoveryVaultItem -Name web02).ProtectionState | Should -Be 'ProtectionStopped'
    }

    It 'refuses to delete a vault that still has items, then -Force cleans it up, -WhatIf first' {
        { $vault | Remove-RecoveryVault -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'Conflict,RecoveryVault.Commands.RemoveRecoveryVaultCommand'
        Add-RecoveryVaultEmulatorData -MarsServerName fs01 -VaultId $vault.Id | Out-Null
        $whatIf = $vault | Remove-RecoveryVault -DeleteBackupData -WhatIf 6>&1 | Out-String
        Get-RecoveryVault -Name prod-vault1 -ResourceGroupName rg-prod | Should -Not -BeNullOrEmpty
        $vault | Remove-RecoveryVault -DeleteBackupData -Force
        Get-RecoveryVault -Name prod-vault1 -ResourceGroupName rg-prod -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'says VaultNotFound, not ItemNotFound, for the recovery points of an item whose vault is gone' {
        # ARM answers the gone vault (ResourceNotFound on the parent) before Azure Backup could say BMSUserErrorItemNotFound.
        $gone = New-RecoveryVault -Name rp-gone-vault -ResourceGroupName rg-prod -Location westeurope
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -VirtualMachineName rpgone01 | Out-Null
        $gone | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureVM -Name rpgone01 |
            Enable-RecoveryVaultProtection -Policy ($gone | Get-RecoveryVaultPolicy -Name DefaultPolicy) -Wait | Out-Null
        $item = $gone | Get-RecoveryVaultItem -Name rpgone01
        $gone | Remove-RecoveryVault -DeleteBackupData -Force
        { $item | Get-RecoveryVaultRecoveryPoint -ErrorAction Stop } | Should -Throw -ErrorId 'VaultNotFound,RecoveryVault.Commands.GetRecoveryVaultRecoveryPointCommand'
    }
}

Describe 'Backup permissions' {
    BeforeAll { Initialize-BackupState }

    It 'lets a Backup Operator back up but not delete backup data or write policies' {
        $policy = $vault | Get-RecoveryVaultPolicy -Name DefaultPolicy
        $vault | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureVM -Name web01 | Enable-RecoveryVaultProtection -Policy $policy -Wait | Out-Null
        $op = Add-RecoveryVaultEmulatorData -PrincipalName "operator-$(Get-Random)"
        $vault | Grant-RecoveryVaultAccess -Role BackupOperator -PrincipalId $op.ObjectId | Out-Null
        Add-RecoveryVaultEmulatorData -PrincipalId $op.ObjectId -RoleName 'Reader' -Scope "/subscriptions/$sub/resourceGroups/rg-prod" | Out-Null
        Connect-AsPrincipal -Emulator $emu -Principal $op
        try {
            ($vault | Get-RecoveryVaultItem -Name web01 | Backup-RecoveryVaultItem -Wait).Status | Should -Be 'Completed'
            { $vault | Get-RecoveryVaultItem -Name web01 | Disable-RecoveryVaultProtection -DeleteBackupData -Confirm:$false -ErrorAction Stop } |
                Should -Throw -ErrorId 'PermissionDenied,RecoveryVault.Commands.DisableRecoveryVaultProtectionCommand'
            { $vault | New-RecoveryVaultPolicy -Name op-policy -Kind AzureVM -ErrorAction Stop } | Should -Throw -ErrorId 'PermissionDenied,RecoveryVault.Commands.NewRecoveryVaultPolicyCommand'
        }
        finally { $emu | Connect-RecoveryVault | Out-Null }
    }

    It 'needs a vault for vault-scoped cmdlets' {
        { Get-RecoveryVaultPolicy -ErrorAction Stop } | Should -Throw -ErrorId 'VaultRequired,RecoveryVault.Commands.GetRecoveryVaultPolicyCommand'
    }
}
