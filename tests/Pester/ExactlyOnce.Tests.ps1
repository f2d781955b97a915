# Exactly once under lost answers (issue 14): every write whose answer is lost after the service carried it out has
# exactly one effect and is reported as done; a per-item network failure is a non-terminating error; a write whose
# outcome cannot be checked says so (OutcomeUnknown); throttling is waited out within -RetryBudget.
# Azure loses answers too: a 200 lost in transit is a transport failure after the commit, which is what the
# emulator's dropResponse fault does (docs/EMULATOR.md). ARM throttling: learn.microsoft.com/azure/azure-resource-manager/
# management/request-limits-and-throttling (429 with Retry-After).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-RecoveryVaultUnderTest
    # A frozen backup clock: jobs stay InProgress until a test moves it, so job counts do not depend on timing.
    $script:emu = Start-RecoveryVaultEmulator -InMemory -LroDurationMs 50 -ClockRate 0 -ClockStart ([datetime]::UtcNow.Date.AddHours(12))
    $script:sub = $emu.SubscriptionId
    $script:saId = "/subscriptions/$sub/resourceGroups/rg-prod/providers/Microsoft.Storage/storageAccounts/saprod01"

    function Initialize-OnceState {
        Initialize-TestState -Emulator $emu
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -VirtualMachineName web01 | Out-Null
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -StorageAccountName saprod01 -FileShareName share1 | Out-Null
        $script:vault = New-RecoveryVault -Name once-vault -ResourceGroupName rg-prod -Location westeurope
    }

    function Lose-NextAnswer {
        <# The next matching write is carried out, then its connection is cut before the answer leaves. #>
        param([Parameter(Mandatory)] [string] $Method, [Parameter(Mandatory)] [string] $PathContains)
        Add-RecoveryVaultEmulatorData -Fault dropResponse -Count 1 -Method $Method -PathContains $PathContains | Out-Null
    }

    function Assert-FaultsUsed {
        <# Every queued fault was applied: the answer really was lost. #>
        $state = (Invoke-Curl -Emulator $emu -PathAndQuery '/_emulator/faults').Body | ConvertFrom-Json
        $state.queued | Should -Be 0
    }

    function Get-Jobs([string] $Operation, [string] $Name) {
        @($vault | Get-RecoveryVaultJob -Operation $Operation | Where-Object EntityFriendlyName -EQ $Name)
    }
}
AfterAll { Stop-RecoveryVaultEmulator }

Describe 'A write whose answer is lost happens once and is reported done' {
    BeforeAll { Initialize-OnceState }
    AfterEach { Invoke-Curl -Emulator $emu -PathAndQuery '/_emulator/faults' -Method DELETE | Out-Null }

    It 'New-RecoveryVault: one vault, returned' {
        Lose-NextAnswer PUT '/vaults/once-new?'
        $v = New-RecoveryVault -Name once-new -ResourceGroupName rg-prod -Location westeurope -ErrorVariable errs
        Assert-FaultsUsed
        $errs | Should -BeNullOrEmpty
        $v.Name | Should -Be 'once-new'
        @(Get-RecoveryVault -ResourceGroupName rg-prod | Where-Object Name -EQ once-new).Count | Should -Be 1
    }

    It 'Set-RecoveryVault (PATCH with If-Match): the change made once, no error' {
        Lose-NextAnswer PATCH '/vaults/once-new?'
        $v = Set-RecoveryVault -Name once-new -ResourceGroupName rg-prod -Tag @{ owner = 'ops' } -ErrorVariable errs
        Assert-FaultsUsed
        $errs | Should -BeNullOrEmpty
        $v.Tags.owner | Should -Be 'ops'
        (Get-RecoveryVault -Name once-new -ResourceGroupName rg-prod).Tags.owner | Should -Be 'ops'
    }

    It 'New-RecoveryVaultPolicy: the policy created once, no PolicyAlreadyExists from the re-check' {
        Lose-NextAnswer PUT 'backupPolicies/gold?'
        $p = $vault | New-RecoveryVaultPolicy -Name gold -Kind AzureVM -Schedule (New-RecoveryVaultSchedule -At 23:30) -Retention (New-RecoveryVaultRetention -DailyDays 14) -ErrorVariable errs
        Assert-FaultsUsed
        $errs | Should -BeNullOrEmpty
        $p.Name | Should -Be 'gold'
        @($vault | Get-RecoveryVaultPolicy | Where-Object Name -EQ gold).Count | Should -Be 1
    }

    It 'Enable-RecoveryVaultProtection: one ConfigureBackup job, and it is the one returned' {
        $policy = $vault | Get-RecoveryVaultPolicy -Name gold
        Lose-NextAnswer PUT 'protectedItems/'
        $job = $vault | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureVM -Name web01 | Enable-RecoveryVaultProtection -Policy $policy -ErrorVariable errs
        Assert-FaultsUsed
        $errs | Should -BeNullOrEmpty
        $jobs = Get-Jobs ConfigureBackup web01
        $jobs.Count | Should -Be 1
        $job.JobId | Should -Be $jobs[0].JobId
        ($vault | Get-RecoveryVaultItem -Name web01).PolicyName | Should -Be 'gold'
    }

    It 'Backup-RecoveryVaultItem: one Backup job, and it is the one returned' {
        Lose-NextAnswer POST '/backup?'
        $job = $vault | Get-RecoveryVaultItem -Name web01 | Backup-RecoveryVaultItem -ErrorVariable errs
        Assert-FaultsUsed
        $errs | Should -BeNullOrEmpty
        $jobs = Get-Jobs Backup web01
        $jobs.Count | Should -Be 1
        $job.JobId | Should -Be $jobs[0].JobId
        Add-RecoveryVaultEmulatorData -AdvanceClock ([timespan]::FromMinutes(11)) | Out-Null
    }

    It 'Restore-RecoveryVaultItem: one Restore job, and it is the one returned' {
        $rp = $vault | Get-RecoveryVaultItem -Name web01 | Get-RecoveryVaultRecoveryPoint -Latest
        Lose-NextAnswer POST '/restore?'
        $job = $rp | Restore-RecoveryVaultItem -RestoreDisks -StagingStorageAccountId $saId -TargetResourceGroupName rg-restore -Confirm:$false -ErrorVariable errs
        Assert-FaultsUsed
        $errs | Should -BeNullOrEmpty
        $jobs = Get-Jobs Restore web01
        $jobs.Count | Should -Be 1
        $job.JobId | Should -Be $jobs[0].JobId
    }

    It 'Disable-RecoveryVaultProtection: one DisableBackup job, the item stopped' {
        Lose-NextAnswer PUT 'protectedItems/'
        $vault | Get-RecoveryVaultItem -Name web01 | Disable-RecoveryVaultProtection -Confirm:$false -ErrorVariable errs | Out-Null
        Assert-FaultsUsed
        $errs | Should -BeNullOrEmpty
        (Get-Jobs DisableBackup web01).Count | Should -Be 1
        ($vault | Get-RecoveryVaultItem -Name web01).ProtectionState | Should -Be 'ProtectionStopped'
    }

    It 'Register-RecoveryVaultContainer: one Register job, the container registered' {
        Lose-NextAnswer PUT 'protectionContainers/'
        $c = $vault | Register-RecoveryVaultContainer -StorageAccountId $saId -ErrorVariable errs
        Assert-FaultsUsed
        $errs | Should -BeNullOrEmpty
        $c.RegistrationStatus | Should -Be 'Registered'
        (Get-Jobs Register saprod01).Count | Should -Be 1
    }

    It 'Unregister-RecoveryVaultContainer: gone, reported done, one UnRegister job' {
        Lose-NextAnswer DELETE 'protectionContainers/'
        $vault | Get-RecoveryVaultContainer -Kind AzureFileShare | Unregister-RecoveryVaultContainer -Confirm:$false -ErrorVariable errs
        Assert-FaultsUsed
        $errs | Should -BeNullOrEmpty
        $vault | Get-RecoveryVaultContainer -Kind AzureFileShare | Should -BeNullOrEmpty
        (Get-Jobs UnRegister saprod01).Count | Should -Be 1
    }

    It 'Remove-RecoveryVault: the vault gone and the removal reported done (no ghost)' {
        Lose-NextAnswer DELETE '/vaults/once-new?'
        Remove-RecoveryVault -Name once-new -ResourceGroupName rg-prod -Confirm:$false -ErrorVariable errs
        Assert-FaultsUsed
        $errs | Should -BeNullOrEmpty
        Get-RecoveryVault -ResourceGroupName rg-prod | Where-Object Name -EQ once-new | Should -BeNullOrEmpty
    }

    It 'Restore-RecoveryVault (undelete): the vault back once, no error' {
        Lose-NextAnswer POST '/undelete?'
        $v = Restore-RecoveryVault -Name once-new -Location westeurope -ResourceGroupName rg-prod -Confirm:$false -ErrorVariable errs
        Assert-FaultsUsed
        $errs | Should -BeNullOrEmpty
        $v.Name | Should -Be 'once-new'
        Get-RecoveryVault -Deleted -Name once-new | Should -BeNullOrEmpty
    }
}

Describe 'Failures follow PowerShell''s rules' {
    BeforeAll {
        Initialize-OnceState
        $policy = $vault | Get-RecoveryVaultPolicy -Name DefaultPolicy
        $vault | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureVM -Name web01 | Enable-RecoveryVaultProtection -Policy $policy | Out-Null
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -VirtualMachineName web02 | Out-Null
        $vault | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureVM -Name web02 | Enable-RecoveryVaultProtection -Policy $policy | Out-Null
        $vault | Get-RecoveryVaultItem -Name web02 | Backup-RecoveryVaultItem | Out-Null
        Add-RecoveryVaultEmulatorData -AdvanceClock ([timespan]::FromMinutes(11)) | Out-Null
    }
    AfterEach {
        Invoke-Curl -Emulator $emu -PathAndQuery '/_emulator/faults' -Method DELETE | Out-Null
        # Every job a test started ends, so the next test's backup is not "already running".
        Add-RecoveryVaultEmulatorData -AdvanceClock ([timespan]::FromMinutes(30)) | Out-Null
    }

    It 'a connection that never answers for one piped item is a non-terminating ServiceUnavailable; the next item goes on, and nothing ran for the failed one' {
        # Every send of web01's backup is refused outright (drop: nothing is carried out), web02's goes through.
        Add-RecoveryVaultEmulatorData -Fault drop -Count 4 -Method POST -PathContains ';web01/backup?' | Out-Null
        $before = (Get-Jobs Backup web01).Count
        $jobs = @($vault | Get-RecoveryVaultItem -Kind AzureVM | Sort-Object FriendlyName | Backup-RecoveryVaultItem -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'ServiceUnavailable,RecoveryVault.Commands.BackupRecoveryVaultItemCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'ConnectionError'
        $jobs.Count | Should -Be 1
        $jobs[0].EntityFriendlyName | Should -Be 'web02'
        # Reported failed, and indeed not done: no ghost backup.
        (Get-Jobs Backup web01).Count | Should -Be $before
    }

    It 'is terminating under -ErrorAction Stop' {
        Add-RecoveryVaultEmulatorData -Fault drop -Count 4 -Method POST -PathContains ';web01/backup?' | Out-Null
        { $vault | Get-RecoveryVaultItem -Name web01 | Backup-RecoveryVaultItem -ErrorAction Stop } |
            Should -Throw -ErrorId 'ServiceUnavailable,RecoveryVault.Commands.BackupRecoveryVaultItemCommand'
    }

    It 'says OutcomeUnknown, and how to check, when the answer is lost and the check fails too' {
        $rp = $vault | Get-RecoveryVaultItem -Name web02 | Get-RecoveryVaultRecoveryPoint -Latest
        Lose-NextAnswer POST '/restore?'
        # The look for the lost restore's job cannot get through either.
        Add-RecoveryVaultEmulatorData -Fault drop -Count 4 -Method GET -PathContains 'backupJobs' | Out-Null
        $rp | Restore-RecoveryVaultItem -RestoreDisks -StagingStorageAccountId $saId -TargetResourceGroupName rg-restore -Confirm:$false -ErrorVariable errs -ErrorAction SilentlyContinue | Out-Null
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'OutcomeUnknown,RecoveryVault.Commands.RestoreRecoveryVaultItemCommand'
        $errs[0].Exception.Message | Should -Match 'Get-RecoveryVaultJob'
        $errs[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        # It did happen, once.
        (Get-Jobs Restore web02).Count | Should -Be 1
    }

    It 'Backup-RecoveryVaultItem -Wait still returns the job id when the backup started but its job cannot be read' {
        Add-RecoveryVaultEmulatorData -Fault drop -Count 4 -Method GET -PathContains 'backupJobs/' | Out-Null
        $out = @($vault | Get-RecoveryVaultItem -Name web02 | Backup-RecoveryVaultItem -Wait -ErrorVariable errs -ErrorAction SilentlyContinue)
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'ServiceUnavailable,RecoveryVault.Commands.BackupRecoveryVaultItemCommand'
        $out.Count | Should -Be 1
        $out[0].JobId | Should -Not -BeNullOrEmpty
        $errs[0].Exception.Message | Should -Match $out[0].JobId
        (Get-Jobs Backup web02 | Where-Object JobId -EQ $out[0].JobId).Count | Should -Be 1
    }
}

Describe 'Throttling is waited out within the retry budget' {
    BeforeAll { Initialize-OnceState }
    AfterEach {
        Invoke-Curl -Emulator $emu -PathAndQuery '/_emulator/faults' -Method DELETE | Out-Null
        $emu | Connect-RecoveryVault | Out-Null
    }

    It 'waits out more 429s than the retry count as Retry-After says' {
        # Five throttled answers in a row: more than Azure Core's three retries, well within two minutes.
        Add-RecoveryVaultEmulatorData -Fault 429 -Count 5 -Method GET -PathContains '/vaults/once-vault?' -RetryAfterSeconds 1 | Out-Null
        $watch = [Diagnostics.Stopwatch]::StartNew()
        (Get-RecoveryVault -Name once-vault -ResourceGroupName rg-prod).Name | Should -Be 'once-vault'
        $watch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 4.5
    }

    It 'a 503 with Retry-After on a write is re-sent only after the look found it not done, within the budget: one vault' {
        # Five in a row: more than the four sends a write gets after failures that are not the service asking to wait.
        Add-RecoveryVaultEmulatorData -Fault 503 -Count 5 -Method PUT -PathContains '/vaults/once-503?' -RetryAfterSeconds 1 | Out-Null
        (New-RecoveryVault -Name once-503 -ResourceGroupName rg-prod -Location westeurope).Name | Should -Be 'once-503'
        @(Get-RecoveryVault -ResourceGroupName rg-prod | Where-Object Name -EQ once-503).Count | Should -Be 1
    }

    It 'fails visibly with RequestThrottled once the budget is spent, non-terminating' {
        $emu | Connect-RecoveryVault -RetryBudget '00:00:02' | Out-Null
        Add-RecoveryVaultEmulatorData -Fault 429 -Count 10 -Method GET -PathContains '/vaults/once-vault?' -RetryAfterSeconds 1 | Out-Null
        $watch = [Diagnostics.Stopwatch]::StartNew()
        Get-RecoveryVault -Name once-vault -ResourceGroupName rg-prod -ErrorVariable errs -ErrorAction SilentlyContinue | Out-Null
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 6
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'RequestThrottled,RecoveryVault.Commands.GetRecoveryVaultCommand'
    }

    It 'refuses a -RetryBudget that can only be ticks' {
        { $emu | Connect-RecoveryVault -RetryBudget 300 } | Should -Throw -ErrorId 'InvalidRequest,RecoveryVault.Commands.ConnectRecoveryVaultCommand'
    }
}

Describe 'Fault matrix' {
    It 'at <Rate> lost answers: no duplicates, no ghosts, no lost writes<Extra>' -ForEach @(
        @{ Rate = 0.2; Extra = ', no visible failures' }
        @{ Rate = 0.5; Extra = '' }
    ) {
        # The benchmark's workload (bench/Faults.Bench.ps1) on 3 vaults, in a child process with its own emulator.
        $modulePath = if ($env:RV_MODULE_PATH) { $env:RV_MODULE_PATH } else { Join-Path $PSScriptRoot '../../out/RecoveryVault' }
        $bench = Join-Path $PSScriptRoot '../../bench/Faults.Bench.ps1'
        $json = & dotnet "$PSHOME/pwsh.dll" -NoProfile -NonInteractive -File $bench -ModulePath $modulePath -Vaults 3 -Rates $Rate -AsJson
        $LASTEXITCODE | Should -Be 0
        $row = ($json | Select-Object -Last 1 | ConvertFrom-Json)[0]
        $row.Calls | Should -Be 21
        $row.Duplicates | Should -Be 0
        $row.Ghosts | Should -Be 0
        $row.Lost | Should -Be 0
        if ($Rate -le 0.2) { $row.VisibleFailures | Should -Be 0 }
    }
}
