BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-RecoveryVaultUnderTest
    $script:emu = Start-TestEmulator
}
AfterAll { Stop-RecoveryVaultEmulator }

Describe 'Start-RecoveryVaultEmulator / Stop-RecoveryVaultEmulator' {
    It 'returns an instance that tells how to reach and trust it' {
        $emu | Should -BeOfType RecoveryVault.Models.EmulatorInstance
        $emu.Endpoint | Should -Match '^https://127\.0\.0\.1:\d+$'
        $emu.Thumbprint | Should -Match '^[0-9A-F]{40}$'
        Test-Path $emu.CertificatePath | Should -BeTrue
        (Get-Content $emu.CertificatePath -Raw) | Should -Match 'BEGIN CERTIFICATE'
        $emu.ProcessId | Should -BeGreaterThan 0
    }

    It 'keeps state in its data directory across a restart' {
        $dir = Join-Path ([IO.Path]::GetTempPath()) ("rv-pester-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
        $second = Start-RecoveryVaultEmulator -DataDirectory $dir
        try {
            $second | Connect-RecoveryVault | Out-Null
            Add-RecoveryVaultEmulatorData -ResourceGroupName rg-durable -Location westus | Out-Null
            New-RecoveryVault -Name durable1 -ResourceGroupName rg-durable -Location westus | Out-Null
            $second | Stop-RecoveryVaultEmulator
            Get-Process -Id $second.ProcessId -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $third = Start-RecoveryVaultEmulator -DataDirectory $dir
            $third | Connect-RecoveryVault | Out-Null
            (Get-RecoveryVault -Name durable1 -ResourceGroupName rg-durable).Name | Should -Be 'durable1'
            $third.Thumbprint | Should -Be $second.Thumbprint
            $third | Stop-RecoveryVaultEmulator
        }
        finally {
            $emu | Connect-RecoveryVault | Out-Null
            Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue
        }
    }

    It 'fails clearly when the emulator binary is missing' {
        { Start-RecoveryVaultEmulator -Path /nonexistent/RecoveryVault.Emulator.dll -ErrorAction Stop } |
            Should -Throw -ErrorId 'EmulatorStartFailed,RecoveryVault.Commands.StartRecoveryVaultEmulatorCommand'
    }

    It 'does not start with -WhatIf' {
        Start-RecoveryVaultEmulator -InMemory -WhatIf | Should -BeNullOrEmpty
    }
}

Describe 'Connect-RecoveryVault / Get-RecoveryVaultContext / Disconnect-RecoveryVault' {
    AfterEach { $emu | Connect-RecoveryVault | Out-Null }

    It 'connects from the piped emulator instance' {
        $ctx = $emu | Connect-RecoveryVault
        $ctx | Should -BeOfType RecoveryVault.Models.ConnectionContext
        $ctx.SubscriptionId | Should -Be $emu.SubscriptionId
        $ctx.IsEmulator | Should -BeTrue
        $ctx.UserAgent | Should -Match '^RecoveryVault/\d+\.\d+\.\d+ PowerShell/7\.6'
        (Get-RecoveryVaultContext).Endpoint | Should -Be ($emu.Endpoint + '/')
    }

    It 'connects with just the endpoint and thumbprint' {
        $ctx = Connect-RecoveryVault -Emulator -Endpoint $emu.Endpoint -Thumbprint $emu.Thumbprint
        $ctx.TenantId | Should -Be $emu.TenantId
        $ctx.Account | Should -Be 'rv-owner'
    }

    It 'refuses an untrusted certificate when no thumbprint is pinned' {
        # Not pinned and not in the system store: the TLS handshake must fail, nothing is switched off.
        { Connect-RecoveryVault -Emulator -Endpoint $emu.Endpoint -ErrorAction Stop } | Should -Throw
    }

    It 'fails with AuthenticationFailed for a wrong secret' {
        $bad = [pscredential]::new('rv-owner', (ConvertTo-SecureString 'wrong' -AsPlainText -Force))
        { $emu | Connect-RecoveryVault -Credential $bad -ErrorAction Stop } | Should -Throw -ErrorId 'AuthenticationFailed,RecoveryVault.Commands.ConnectRecoveryVaultCommand'
    }

    It 'says NotConnected after Disconnect-RecoveryVault' {
        Disconnect-RecoveryVault
        Get-RecoveryVaultContext | Should -BeNullOrEmpty
        { Get-RecoveryVault } | Should -Throw -ErrorId 'NotConnected,RecoveryVault.Commands.GetRecoveryVaultCommand'
        { New-RecoveryVault -Name a1 -ResourceGroupName rg -Location westus } | Should -Throw -ErrorId 'NotConnected,RecoveryVault.Commands.NewRecoveryVaultCommand'
    }

    It 'rejects an unknown subscription' {
        { $emu | Connect-RecoveryVault -SubscriptionId 99999999-0000-0000-0000-000000000000 -ErrorAction Stop } | Should -Throw -ErrorId 'SubscriptionNotFound,RecoveryVault.Commands.ConnectRecoveryVaultCommand'
    }

    It 'lists vaults of several subscriptions' {
        Initialize-TestState -Emulator $emu
        $other = '11111111-2222-4333-8444-555555555555'
        Add-RecoveryVaultEmulatorData -SubscriptionId $other -SubscriptionName 'Second' | Out-Null
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-2 -Location westus -SubscriptionId $other | Out-Null
        New-RecoveryVault -Name in-first -ResourceGroupName rg-prod -Location westeurope | Out-Null
        New-RecoveryVault -Name in-second -ResourceGroupName rg-2 -Location westus -SubscriptionId $other | Out-Null
        (Get-RecoveryVault -SubscriptionId $emu.SubscriptionId, $other).Name | Sort-Object | Should -Be @('in-first', 'in-second')
    }
}

Describe 'The emulator as any ARM client sees it' {
    It 'answers 401 with WWW-Authenticate and AuthenticationFailed without a token' {
        $r = Invoke-Curl -Emulator $emu -PathAndQuery "/subscriptions/$($emu.SubscriptionId)/providers/Microsoft.RecoveryServices/vaults?api-version=2026-07-01"
        $r.Status | Should -Be 401
        $r.Headers | Should -Match '(?im)^www-authenticate: Bearer'
        ($r.Body | ConvertFrom-Json).error.code | Should -Be 'AuthenticationFailed'
    }

    It 'answers 401 InvalidAuthenticationToken for a forged token' {
        $r = Invoke-Curl -Emulator $emu -Token 'eyJhbGciOiJIUzI1NiJ9.e30.forged' -PathAndQuery "/subscriptions/$($emu.SubscriptionId)/providers/Microsoft.RecoveryServices/vaults?api-version=2026-07-01"
        $r.Status | Should -Be 401
        ($r.Body | ConvertFrom-Json).error.code | Should -Be 'InvalidAuthenticationToken'
    }

    It 'serves curl with an emulator token, trusting only its PEM' {
        $token = Get-EmulatorToken -Emulator $emu
        $r = Invoke-Curl -Emulator $emu -Token $token -PathAndQuery "/subscriptions/$($emu.SubscriptionId)/providers/Microsoft.RecoveryServices/vaults?api-version=2026-07-01"
        $r.Status | Should -Be 200
        $r.Headers | Should -Match '(?im)^x-ms-request-id: [0-9a-f-]{36}'
        ($r.Body | ConvertFrom-Json).PSObject.Properties.Name | Should -Contain 'value'
    }

    It 'checks api-version like ARM' {
        $token = Get-EmulatorToken -Emulator $emu
        $missing = Invoke-Curl -Emulator $emu -Token $token -PathAndQuery "/subscriptions/$($emu.SubscriptionId)/providers/Microsoft.RecoveryServices/vaults"
        ($missing.Body | ConvertFrom-Json).error.code | Should -Be 'MissingApiVersionParameter'
        $old = Invoke-Curl -Emulator $emu -Token $token -PathAndQuery "/subscriptions/$($emu.SubscriptionId)/providers/Microsoft.RecoveryServices/vaults?api-version=2001-01-01"
        $old.Status | Should -Be 400
        ($old.Body | ConvertFrom-Json).error.message | Should -Match '2026-07-01'
    }
}
