BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-RecoveryVaultUnderTest
    $script:emu = Start-TestEmulator
    Initialize-TestState -Emulator $emu
    Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -VirtualMachineName web01 | Out-Null
    Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -VirtualMachineName web02 | Out-Null
    $script:vault = New-RecoveryVault -Name jobs-vault -ResourceGroupName rg-prod -Location westeurope
    $script:policy = $vault | Get-RecoveryVaultPolicy -Name DefaultPolicy
}
AfterAll {
    Get-Job | Where-Object PSJobTypeName -eq RecoveryVaultJob | Remove-Job -Force
    Stop-RecoveryVaultEmulator
}

Describe '-AsJob on long-running cmdlets' {
    It 'is offered by every long-running cmdlet' {
        foreach ($name in 'Enable-RecoveryVaultProtection', 'Disable-RecoveryVaultProtection', 'Backup-RecoveryVaultItem', 'Restore-RecoveryVaultItem', 'Remove-RecoveryVault') {
            (Get-Command $name).Parameters.Keys | Should -Contain 'AsJob' -Because "$name can run for minutes"
            (Get-Command $name).OutputType.Type.FullName | Should -Contain 'RecoveryVault.Models.RecoveryVaultBackgroundJob'
        }
    }

    It 'returns a job at once, one call per piped object, and Receive-Job returns the cmdlet output' {
        $psJob = $vault | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureVM | Enable-RecoveryVaultProtection -Policy $policy -Wait -AsJob
        $psJob | Should -BeOfType RecoveryVault.Models.RecoveryVaultBackgroundJob
        $psJob.PSJobTypeName | Should -Be 'RecoveryVaultJob'
        $psJob.CallCount | Should -Be 2
        (Get-Job -Id $psJob.Id).InstanceId | Should -Be $psJob.InstanceId
        $psJob | Wait-Job -Timeout 120 | Out-Null
        $psJob.State | Should -Be 'Completed'
        $out = $psJob | Receive-Job
        $out | Should -HaveCount 2
        $out | ForEach-Object { $_ | Should -BeOfType RecoveryVault.Models.BackupJob }
        ($out.EntityFriendlyName | Sort-Object) | Should -Be @('web01', 'web02')
        $out.Status | Sort-Object -Unique | Should -Be 'Completed'
        ($vault | Get-RecoveryVaultItem -Kind AzureVM).Count | Should -Be 2
    }

    It 'keeps piped objects usable: backup jobs from -AsJob pipe on to Wait-RecoveryVaultJob' {
        $psJob = $vault | Get-RecoveryVaultItem -Name web01 | Backup-RecoveryVaultItem -AsJob
        $started = $psJob | Wait-Job -Timeout 120 | Receive-Job
        $started | Should -BeOfType RecoveryVault.Models.BackupJob
        $done = $started | Wait-RecoveryVaultJob -TimeoutSeconds 300
        $done.Status | Should -Be 'Completed'
        $done.Operation | Should -Be 'Backup'
    }

    It 'reports per-item errors through the job, not the caller' {
        $ghost = $vault | Get-RecoveryVaultItem -Name web02
        $vault | Get-RecoveryVaultItem -Name web02 | Disable-RecoveryVaultProtection -DeleteBackupData -Confirm:$false -Wait | Out-Null
        $psJob = $ghost | Backup-RecoveryVaultItem -AsJob
        $psJob | Wait-Job -Timeout 120 | Out-Null
        $psJob.State | Should -Be 'Completed' -Because 'a per-item failure is non-terminating'
        $psJob.Error | Should -HaveCount 1
        $psJob.Error[0].TargetObject | Should -Be $ghost.Id
        $psJob.Error[0].Exception.ErrorCode | Should -Be 'UserErrorBackupNotAllowedProtectionStopped'
        $psJob | Receive-Job -ErrorAction SilentlyContinue -ErrorVariable received | Out-Null
        $received | Should -Not -BeNullOrEmpty
    }

    It 'runs -WhatIf in the foreground and starts no job' {
        $before = @(Get-Job).Count
        $result = Remove-RecoveryVault -InputObject $vault -AsJob -WhatIf
        $result | Should -BeNullOrEmpty
        @(Get-Job).Count | Should -Be $before
        Get-RecoveryVault -Name jobs-vault -ResourceGroupName rg-prod | Should -Not -BeNullOrEmpty
    }

    It 'runs Remove-RecoveryVault -Force (the whole clean-up) in a job once consent is given' {
        $before = @(Get-Job).Count
        $psJob = Remove-RecoveryVault -InputObject $vault -DeleteBackupData -Force -AsJob
        $psJob | Should -BeOfType RecoveryVault.Models.RecoveryVaultBackgroundJob
        @(Get-Job).Count | Should -Be ($before + 1)
        $psJob | Wait-Job -Timeout 300 | Out-Null
        $psJob.State | Should -Be 'Completed'
        $psJob | Receive-Job -ErrorAction Stop | Out-Null
        Get-RecoveryVault -Name jobs-vault -ResourceGroupName rg-prod -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'Stop-Job stops the calls and leaves the job Stopped' {
        $v2 = New-RecoveryVault -Name jobs-vault2 -ResourceGroupName rg-prod -Location westeurope
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -VirtualMachineName web03 | Out-Null
        $v2 | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureVM -Name web03 | Enable-RecoveryVaultProtection -Policy ($v2 | Get-RecoveryVaultPolicy -Name DefaultPolicy) -Wait | Out-Null
        # With the simulated clock frozen the backup never finishes, so the job is still waiting when it is stopped.
        $clock = { param($rate) & curl -s --cacert $emu.CertificatePath -X PUT -H 'Content-Type: application/json' -d "{`"rate`":$rate}" "$($emu.Endpoint)/_emulator/clock" | ConvertFrom-Json }
        (& $clock 0).rate | Should -Be 0
        try {
            $psJob = $v2 | Get-RecoveryVaultItem -Name web03 | Backup-RecoveryVaultItem -Wait -AsJob
            $deadline = [datetime]::UtcNow.AddSeconds(60)
            while (-not ($v2 | Get-RecoveryVaultJob -Operation Backup -Status InProgress) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
            $psJob.State | Should -Be 'Running'
            $psJob | Stop-Job
            $psJob | Wait-Job -Timeout 60 | Out-Null
            $psJob.State | Should -Be 'Stopped'
            # Stopping the PowerShell job stops the waiting, not the service's backup.
            ($v2 | Get-RecoveryVaultJob -Operation Backup).Status | Should -Be 'InProgress'
        }
        finally {
            & $clock 600 | Out-Null
        }
    }
}
