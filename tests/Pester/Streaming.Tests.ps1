BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-RecoveryVaultUnderTest
    $script:emu = Start-TestEmulator -PageSize 100
    Initialize-TestState -Emulator $emu
    Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -VirtualMachineName big01 | Out-Null
    $vault = New-RecoveryVault -Name stream-vault -ResourceGroupName rg-prod -Location westeurope
    $vault | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureVM -Name big01 |
        Enable-RecoveryVaultProtection -Policy ($vault | Get-RecoveryVaultPolicy -Name DefaultPolicy) -Wait | Out-Null
    $script:item = $vault | Get-RecoveryVaultItem -Name big01
    $body = @{ itemId = $item.Id; count = 2000; intervalMinutes = 60 } | ConvertTo-Json -Compress
    $script:seeded = & curl -s --fail --cacert $emu.CertificatePath -X POST -H 'Content-Type: application/json' -d $body "$($emu.Endpoint)/_emulator/recoverypoints" | ConvertFrom-Json
    function Get-PointListRequests {
        @((& curl -s --cacert $emu.CertificatePath "$($emu.Endpoint)/_emulator/requests?last=1000" | ConvertFrom-Json) | Where-Object { $_.method -eq 'GET' -and $_.path -like '*/recoveryPoints?*' })
    }
}
AfterAll { Stop-RecoveryVaultEmulator }

Describe 'Streaming long lists' {
    It 'returns every point of a 20-page list, newest first, each once' {
        $seeded.created | Should -Be 2000
        $points = @($item | Get-RecoveryVaultRecoveryPoint)
        $points.Count | Should -BeGreaterOrEqual 2000
        ($points.Id | Sort-Object -Unique).Count | Should -Be $points.Count
        $times = $points.RecoveryPointTime
        for ($i = 1; $i -lt $times.Count; $i++) { $times[$i] | Should -BeLessOrEqual $times[$i - 1] }
    }

    It 'stops reading pages when the pipeline has what it wants' {
        $before = (Get-PointListRequests).Count
        $first = $item | Get-RecoveryVaultRecoveryPoint | Select-Object -First 3
        $first | Should -HaveCount 3
        Start-Sleep -Milliseconds 1500
        # 20 pages exist; the writes queued ahead of the pipeline are fewer than a page, so at most page 2 is fetched.
        ((Get-PointListRequests).Count - $before) | Should -BeLessOrEqual 2
    }

    It 'writes the first point before it asks for page 2' {
        $before = (Get-PointListRequests).Count
        $seen = $null
        $item | Get-RecoveryVaultRecoveryPoint | ForEach-Object -Begin { $n = 0 } -Process {
            if ($n++ -eq 0) { $seen = @(Get-PointListRequests | Select-Object -Skip $before) }
        }
        $seen.Count | Should -Be 1 -Because 'only page 1 was answered when the first point reached the pipeline'
        $seen[0].path | Should -Not -BeLike '*skiptoken*'
    }
}
