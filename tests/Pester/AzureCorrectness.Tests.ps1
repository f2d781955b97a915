# The behaviours of "Correct against Azure itself", through the cmdlets against the emulator. Each names the Azure
# source the wire behaviour follows; the emulator enforces the same rules (its xunit tests name them too).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-RecoveryVaultUnderTest
    $script:emu = Start-TestEmulator -PageSize 50
    $script:sub = $emu.SubscriptionId

    function Get-LoggedRequest {
        <# The emulator's log of the last ARM requests (method, path and query). #>
        param([int] $Last = 50)
        ((Invoke-Curl -Emulator $emu -PathAndQuery "/_emulator/requests?last=$Last").Body | ConvertFrom-Json)
    }

    function Initialize-CorrectnessState {
        Initialize-TestState -Emulator $emu
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -VirtualMachineName web01 -DataDiskCount 3 | Out-Null
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-test -VirtualMachineName web01 | Out-Null
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -VirtualMachineName lin01 -OsType Linux | Out-Null
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -VirtualMachineName enc01 -Encrypted | Out-Null
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -VirtualMachineName sql01 | Out-Null
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -SqlVirtualMachineName sql01 -DatabaseName sales | Out-Null
        $script:vault = New-RecoveryVault -Name fix-vault -ResourceGroupName rg-prod -Location westeurope
        $script:policy = $vault | Get-RecoveryVaultPolicy -Name DefaultPolicy
    }
}
AfterAll { Stop-RecoveryVaultEmulator }

Describe 'OData filters' {
    BeforeAll { Initialize-CorrectnessState }

    It 'never widens a query with quotes in user input (OData string literal, quotes doubled)' {
        $vault | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureVM -Name web01 | Select-Object -First 1 | Enable-RecoveryVaultProtection -Policy $policy -Wait | Out-Null
        $vault | Get-RecoveryVaultItem -PolicyName "x' or policyName ne 'y" | Should -BeNullOrEmpty
        $logged = Get-LoggedRequest | Where-Object { $_.path -like '*backupProtectedItems*' } | Select-Object -Last 1
        [uri]::UnescapeDataString($logged.path) | Should -BeLike "*policyName eq 'x'' or policyName ne ''y'*"
    }

    It 'refreshes containers with the kind''s backupManagementType filter (official example RefreshContainers; Az)' {
        $vault | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureVM | Out-Null
        $refresh = Get-LoggedRequest | Where-Object { $_.path -like '*refreshContainers*' } | Select-Object -Last 1
        [uri]::UnescapeDataString($refresh.path) | Should -BeLike "*refreshContainers?api-version=2023-06-01&`$filter=backupManagementType eq 'AzureIaasVM'"
    }

    It 'lists an undiscovered VM only after discovery, and Enable by VM id discovers by itself' {
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -VirtualMachineName new01 | Out-Null
        $vault | Get-RecoveryVaultProtectableItem -Kind AzureVM -Name new01 | Should -BeNullOrEmpty
        $vm = "/subscriptions/$sub/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/new01"
        (Enable-RecoveryVaultProtection -SourceResourceId $vm -Policy $policy -Wait).Status | Should -Be 'Completed'
        ($vault | Get-RecoveryVaultItem -Name new01).ProtectionState | Should -BeIn 'IRPending', 'Protected'
    }
}

Describe 'Jobs' {
    BeforeAll { Initialize-CorrectnessState }

    It 'matches jobs to an item by its container, not by its friendly name (two web01 in one vault)' {
        $vault | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureVM -Name web01 | Enable-RecoveryVaultProtection -Policy $policy -Wait | Out-Null
        $items = $vault | Get-RecoveryVaultItem -Name web01
        $items.Count | Should -Be 2
        $prod = $items | Where-Object ContainerName -like '*;rg-prod;*'
        $job = $prod | Backup-RecoveryVaultItem
        $job.ContainerName | Should -BeLike '*;rg-prod;*'
        # A scheduled backup of either web01 may come due meanwhile (the clock runs 600x, so whether one does depends
        # on the time of day): each item lists its own jobs only, and only the prod one lists the on-demand backup.
        $jobs = @($prod | Get-RecoveryVaultJob -Operation Backup)
        $jobs.JobId | Should -Contain $job.JobId
        $jobs.ContainerName | Sort-Object -Unique | Should -Be $job.ContainerName
        $testItem = $items | Where-Object ContainerName -like '*;rg-test;*'
        $testJobs = @($testItem | Get-RecoveryVaultJob -Operation Backup)
        $testJobs.JobId | Should -Not -Contain $job.JobId
        $testJobs | Where-Object ContainerName -NotLike '*;rg-test;*' | Should -BeNullOrEmpty
    }

    It 'reads the last 24 hours by default, ending now; -From reaches further back (Get-AzRecoveryServicesBackupJob)' {
        $beforeIds = @(($vault | Get-RecoveryVaultJob).JobId)
        $beforeIds.Count | Should -BeGreaterThan 0
        Add-RecoveryVaultEmulatorData -AdvanceClock ([timespan]::FromDays(2)) | Out-Null
        $vault | Get-RecoveryVaultJob | Where-Object JobId -in $beforeIds | Should -BeNullOrEmpty
        $logged = Get-LoggedRequest | Where-Object { $_.path -like '*backupJobs?*' } | Select-Object -Last 1
        [uri]::UnescapeDataString($logged.path) | Should -Not -BeLike '*2100*'
        # 48 days are read as two windows of at most 30 days, and reach the older jobs.
        $mark = [datetime]::UtcNow
        $older = $vault | Get-RecoveryVaultJob -From ([datetime]::UtcNow.AddDays(-45)) -To ([datetime]::UtcNow.AddDays(3))
        $since = Get-LoggedRequest -Last 20 | Where-Object { ([datetime]$_.time).ToUniversalTime() -gt $mark -and $_.path -like '*backupJobs?*' }
        @($since).Count | Should -Be 2
        $older | Where-Object JobId -in $beforeIds | Should -Not -BeNullOrEmpty
    }
}

Describe 'Policies' {
    BeforeAll { Initialize-CorrectnessState }

    It 'sends 5 instant-restore days for a standard weekly VM policy (Azure requires 5 for weekly)' {
        $p = $vault | New-RecoveryVaultPolicy -Name vm-weekly -Kind AzureVM -Schedule (New-RecoveryVaultSchedule -Weekly Sunday -At 02:00) -Retention (New-RecoveryVaultRetention -WeeklyWeeks 12 -WeeklyDays Sunday)
        $p.InstantRpRetentionDays | Should -Be 5
        { $vault | New-RecoveryVaultPolicy -Name vm-weekly2 -Kind AzureVM -InstantRestoreDays 2 -Schedule (New-RecoveryVaultSchedule -Weekly Sunday) -Retention (New-RecoveryVaultRetention -WeeklyWeeks 12 -WeeklyDays Sunday) -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidRetention,RecoveryVault.Commands.NewRecoveryVaultPolicyCommand'
    }

    It 'accepts 1 to 30 instant-restore days on enhanced policies (Azure Backup enhanced policy)' {
        ($vault | New-RecoveryVaultPolicy -Name vm-v2-1 -Kind AzureVM -Enhanced -InstantRestoreDays 1 -Retention (New-RecoveryVaultRetention -DailyDays 30)).InstantRpRetentionDays | Should -Be 1
        ($vault | New-RecoveryVaultPolicy -Name vm-v2-30 -Kind AzureVM -Enhanced -InstantRestoreDays 30 -Retention (New-RecoveryVaultRetention -DailyDays 30)).InstantRpRetentionDays | Should -Be 30
        ($vault | New-RecoveryVaultPolicy -Name vm-v2-def -Kind AzureVM -Enhanced -Retention (New-RecoveryVaultRetention -DailyDays 30)).InstantRpRetentionDays | Should -Be 7
    }

    It 'refuses an existing name instead of overwriting it; Set changes it' {
        { $vault | New-RecoveryVaultPolicy -Name DefaultPolicy -Kind AzureVM -ErrorAction Stop } | Should -Throw -ErrorId 'PolicyAlreadyExists,RecoveryVault.Commands.NewRecoveryVaultPolicyCommand'
        ($vault | Get-RecoveryVaultPolicy -Name DefaultPolicy).DailyRetentionDays | Should -Be 30
    }

    It 'changes only what Set was asked to, on the current policy, even from a stale piped object' {
        $p = $vault | New-RecoveryVaultPolicy -Name vm-set -Kind AzureVM -Retention (New-RecoveryVaultRetention -DailyDays 30 -MonthlyMonths 12)
        $p | Set-RecoveryVaultPolicy -Retention (New-RecoveryVaultRetention -DailyDays 60 -MonthlyMonths 24) | Out-Null
        $after = $p | Set-RecoveryVaultPolicy -Schedule (New-RecoveryVaultSchedule -Daily -At 04:30)
        $after.DailyRetentionDays | Should -Be 60
        $after.MonthlyRetentionMonths | Should -Be 24
        $after.ScheduleRunTimes[0] | Should -Match 'T04:30:00'
    }

    It 'offers the 24-hour interval and refuses a window shorter than the interval before any request' {
        (New-RecoveryVaultSchedule -HourlyInterval 24 -WindowDurationHours 24).HourlyInterval | Should -Be 24
        { New-RecoveryVaultSchedule -HourlyInterval 12 -WindowDurationHours 8 } | Should -Throw -ErrorId 'InvalidSchedule,RecoveryVault.Commands.NewRecoveryVaultScheduleCommand'
    }
}

Describe 'Disk exclusions' {
    BeforeAll { Initialize-CorrectnessState }

    It 'changes the disks of a protected VM and keeps them through a policy change' {
        $vault | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureVM -Name web01 | Where-Object SourceResourceId -like '*rg-prod*' |
            Enable-RecoveryVaultProtection -Policy $policy -ExcludeDiskLun 1 -Wait | Out-Null
        $item = $vault | Get-RecoveryVaultItem -Name web01
        $item.DiskSelection | Should -Be 'all disks but LUN 1'
        $vm = "/subscriptions/$sub/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/web01"
        Enable-RecoveryVaultProtection -SourceResourceId $vm -Policy $policy -IncludeDiskLun 0, 2 -Wait | Out-Null
        ($vault | Get-RecoveryVaultItem -Name web01).DiskSelection | Should -Be 'OS disk and LUN 0,2'
        $other = $vault | New-RecoveryVaultPolicy -Name vm-other -Kind AzureVM -Retention (New-RecoveryVaultRetention -DailyDays 14)
        $vault | Get-RecoveryVaultItem -Name web01 | Set-RecoveryVaultItem -Policy $other -Wait | Out-Null
        ($vault | Get-RecoveryVaultItem -Name web01).DiskSelection | Should -Be 'OS disk and LUN 0,2'
        Enable-RecoveryVaultProtection -SourceResourceId $vm -Policy $other -ExcludeAllDataDisks -Wait | Out-Null
        ($vault | Get-RecoveryVaultItem -Name web01).DiskSelection | Should -Be 'OS disk only'
        Enable-RecoveryVaultProtection -SourceResourceId $vm -Policy $other -ResetDiskExclusion -Wait | Out-Null
        ($vault | Get-RecoveryVaultItem -Name web01).DiskSelection | Should -Be 'all disks'
    }
}

Describe 'On-demand backups and restores' {
    BeforeAll {
        Initialize-CorrectnessState
        $vault | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureVM | Where-Object Name -notlike '*rg-test*' | Enable-RecoveryVaultProtection -Policy $policy -Wait | Out-Null
        $script:saId = "/subscriptions/$sub/resourceGroups/rg-prod/providers/Microsoft.Storage/storageAccounts/sastage"
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -StorageAccountName sastage | Out-Null
    }

    It 'keeps an on-demand SQL Full backup at least 45 days; Log follows the policy (Azure Backup SQL docs)' {
        $vault | Register-RecoveryVaultContainer -VirtualMachineId "/subscriptions/$sub/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/sql01" | Out-Null
        $sqlPolicy = $vault | New-RecoveryVaultPolicy -Name sql-p -Kind SqlDatabase -Retention (New-RecoveryVaultRetention -DailyDays 30)
        $vault | Get-RecoveryVaultProtectableItem -Refresh -Kind SqlDatabase -Name sales | Enable-RecoveryVaultProtection -Policy $sqlPolicy -Wait | Out-Null
        $db = $vault | Get-RecoveryVaultItem -Name sales
        { $db | Backup-RecoveryVaultItem -BackupType Full -RetainUntil ([datetime]::UtcNow.AddDays(30)) -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidRetention,RecoveryVault.Commands.BackupRecoveryVaultItemCommand'
        ($db | Backup-RecoveryVaultItem -BackupType Full -Wait).Status | Should -Be 'Completed'
        { $db | Backup-RecoveryVaultItem -BackupType Log -RetainUntil ([datetime]::UtcNow.AddDays(50)) -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidParameterCombination,RecoveryVault.Commands.BackupRecoveryVaultItemCommand'
        ($db | Backup-RecoveryVaultItem -BackupType CopyOnlyFull -RetainUntil ([datetime]::UtcNow.AddDays(5)) -Wait).Status | Should -Be 'Completed'
    }

    It 'restores a SQL database under another name with every file moved (alternateDirectoryPaths)' {
        $rp = $vault | Get-RecoveryVaultItem -Name sales | Get-RecoveryVaultRecoveryPoint -Latest
        ($rp | Restore-RecoveryVaultItem -SqlDatabase -TargetDatabaseName sales_copy -DataFilePath 'F:\Restored' -Wait -Confirm:$false).Status | Should -Be 'Completed'
        $restore = Get-LoggedRequest | Where-Object { $_.method -eq 'POST' -and $_.path -like '*/restore?*' } | Select-Object -Last 1
        $restore | Should -Not -BeNullOrEmpty
    }

    It 'sends the vault''s region with every VM restore and restores selected disks' {
        $web01 = $vault | Get-RecoveryVaultItem -Name web01
        $web01 | Backup-RecoveryVaultItem -Wait | Out-Null
        $rp = $web01 | Get-RecoveryVaultRecoveryPoint -Latest
        ($rp | Restore-RecoveryVaultItem -RestoreDisks -RestoreDiskLun 0 -TargetZone 2 -StagingStorageAccountId $saId -TargetResourceGroupName rg-restore -Wait -Confirm:$false).Status | Should -Be 'Completed'
    }

    It 'mounts a Windows point: downloads the executable from its url, takes the password out of the file name' {
        $web01 = $vault | Get-RecoveryVaultItem -Name web01
        $rp = $web01 | Get-RecoveryVaultRecoveryPoint -Latest
        $folder = Join-Path ([IO.Path]::GetTempPath()) ([guid]::NewGuid())
        try {
            $mount = $rp | Mount-RecoveryVaultRecoveryPoint -Path $folder
            $mount.OsType | Should -Be 'Windows'
            $mount.Password.Length | Should -Be 15
            $mount.ScriptPath | Should -BeLike '*.exe'
            (Split-Path $mount.ScriptPath -Leaf) | Should -Not -BeLike "*$($mount.Password)*"
            (Get-Item $mount.ScriptPath).Length | Should -BeGreaterThan 0
            $again = $rp | Mount-RecoveryVaultRecoveryPoint -Path $folder -RenewExisting
            $again.Password | Should -Be $mount.Password
            $rp | Dismount-RecoveryVaultRecoveryPoint -Confirm:$false
        }
        finally { Remove-Item $folder -Recurse -Force -ErrorAction SilentlyContinue }
    }

    It 'mounts a Linux point: the password comes out of the script, which asks for it' {
        $lin = $vault | Get-RecoveryVaultItem -Name lin01
        $lin | Backup-RecoveryVaultItem -Wait | Out-Null
        $rp = $lin | Get-RecoveryVaultRecoveryPoint -Latest
        $folder = Join-Path ([IO.Path]::GetTempPath()) ([guid]::NewGuid())
        try {
            $mount = $rp | Mount-RecoveryVaultRecoveryPoint -Path $folder
            $mount.OsType | Should -Be 'Linux'
            $mount.Password.Length | Should -Be 15
            $content = Get-Content $mount.ScriptPath -Raw
            $content | Should -Not -Match ([regex]::Escape($mount.Password))
            $content | Should -Match 'TargetPassword="UserInput012345"'
            $rp | Dismount-RecoveryVaultRecoveryPoint -Confirm:$false
        }
        finally { Remove-Item $folder -Recurse -Force -ErrorAction SilentlyContinue }
    }

    It 'refuses to mount a point of an encrypted VM, before any request' {
        $enc = $vault | Get-RecoveryVaultItem -Name enc01
        $enc | Backup-RecoveryVaultItem -Wait | Out-Null
        $rp = $enc | Get-RecoveryVaultRecoveryPoint -Latest
        $rp.IsEncrypted | Should -BeTrue
        { $rp | Mount-RecoveryVaultRecoveryPoint -Path (Join-Path ([IO.Path]::GetTempPath()) 'never') -ErrorAction Stop } | Should -Throw -ErrorId 'UnsupportedForKind,RecoveryVault.Commands.MountRecoveryVaultRecoveryPointCommand'
    }
}

Describe 'Destructive and irreversible switches' {
    BeforeEach { Initialize-CorrectnessState }

    It 'Remove-RecoveryVault -Force only skips the question: backup data stays unless -DeleteBackupData' {
        $vault | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureVM -Name lin01 | Enable-RecoveryVaultProtection -Policy $policy -Wait | Out-Null
        { $vault | Remove-RecoveryVault -Force -ErrorAction Stop } | Should -Throw
        ($vault | Get-RecoveryVaultItem -Name lin01).ProtectionState | Should -BeIn 'IRPending', 'Protected'
        $vault | Remove-RecoveryVault -DeleteBackupData -Force
        Get-RecoveryVault -Name fix-vault -ResourceGroupName rg-prod -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'asks before settings that cannot be undone, saying so; -Force or -Confirm:$false does not ask' {
        # The Pester host is non-interactive: a question that must be asked fails instead of hanging.
        { $vault | Set-RecoveryVault -SoftDeleteState AlwaysON -ErrorAction Stop } | Should -Throw -ErrorId 'ConfirmationRequired,RecoveryVault.Commands.SetRecoveryVaultCommand'
        ($vault | Get-RecoveryVault).SoftDeleteState | Should -Not -Be 'AlwaysON'
        ($vault | Set-RecoveryVault -SoftDeleteState AlwaysON -Force).SoftDeleteState | Should -Be 'AlwaysON'
        ($vault | Set-RecoveryVault -CrossRegionRestore Enabled -Confirm:$false).CrossRegionRestore | Should -Be 'Enabled'
        ($vault | Set-RecoveryVault -Tag @{ owner = 'ops' }).Tags['owner'] | Should -Be 'ops'
    }
}

Describe 'Items' {
    BeforeAll { Initialize-CorrectnessState }

    It 'filters by the BackupsSuspended state (immutable vaults)' {
        (Get-Command Get-RecoveryVaultItem).Parameters['ProtectionState'].Attributes.ValidValues | Should -Contain 'BackupsSuspended'
        $vault | Get-RecoveryVaultItem -ProtectionState BackupsSuspended | Should -BeNullOrEmpty
    }

    It 'takes the purge date of a soft-deleted item from the service (vault retention 30 days), not 14 days' {
        $vault | Set-RecoveryVault -SoftDeleteRetentionDays 30 | Out-Null
        $vault | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureVM -Name lin01 | Enable-RecoveryVaultProtection -Policy $policy -Wait | Out-Null
        $vault | Get-RecoveryVaultItem -Name lin01 | Disable-RecoveryVaultProtection -DeleteBackupData -Confirm:$false -Wait | Out-Null
        $deleted = $vault | Get-RecoveryVaultItem -Name lin01 -Deleted
        $deleted.IsDeleted | Should -BeTrue
        ($deleted.PurgeAt - $deleted.DeletedAt).TotalDays | Should -BeGreaterThan 29
    }
}

Describe 'Classic vault cmdlets against Azure' {
    It 'say ClassicVaultsRetired in one clear error, not "not found", when not connected to the emulator' {
        # A connection made with -AccessToken is an Azure connection: only the emulator still models classic vaults.
        $token = Get-EmulatorToken -Emulator $emu
        Connect-RecoveryVault -AccessToken (ConvertTo-SecureString $token -AsPlainText -Force) -Endpoint $emu.Endpoint -Thumbprint $emu.Thumbprint | Out-Null
        try {
            { Get-RecoveryVaultClassicVault -ErrorAction Stop } | Should -Throw -ErrorId 'ClassicVaultsRetired,RecoveryVault.Commands.GetRecoveryVaultClassicVaultCommand'
            { Test-RecoveryVaultUpgrade -Name cv1 -TargetResourceGroupName rg-prod -ErrorAction Stop } | Should -Throw -ErrorId 'ClassicVaultsRetired,RecoveryVault.Commands.TestRecoveryVaultUpgradeCommand'
            { Start-RecoveryVaultUpgrade -Name cv1 -TargetResourceGroupName rg-prod -Force -ErrorAction Stop } | Should -Throw -ErrorId 'ClassicVaultsRetired,RecoveryVault.Commands.StartRecoveryVaultUpgradeCommand'
            try { Get-RecoveryVaultClassicVault -ErrorAction Stop } catch { $_.Exception.Message | Should -Match 'no longer exposes classic Backup vaults' }
        }
        finally { $emu | Connect-RecoveryVault | Out-Null }
        (Get-RecoveryVaultClassicVault -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty
    }
}
