# Enhanced security (issue 10, everything but multi-user authorization and alert settings): the security PIN for
# hybrid backups, the hybrid security settings the emulator enforces, BackupsSuspended on immutable vaults, soft delete,
# customer-managed keys and Test-RecoveryVaultSecurity, end to end against the strict emulator.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-RecoveryVaultUnderTest
    $script:emu = Start-TestEmulator

    function Invoke-TestArm {
        <# A raw ARM call as the owner, for what the cmdlets deliberately do not do (a MARS agent's own policy writes). #>
        param([Parameter(Mandatory)] [string] $Method, [Parameter(Mandatory)] [string] $Path, $Body, [string] $ApiVersion = '2023-06-01')
        $token = Get-EmulatorToken -Emulator $script:emu
        $args = @('-s', '-w', "`n%{http_code}", '--cacert', $script:emu.CertificatePath, '-X', $Method, '-H', "Authorization: Bearer $token")
        if ($null -ne $Body) { $args += @('-H', 'Content-Type: application/json', '-d', ($Body | ConvertTo-Json -Depth 12 -Compress)) }
        $raw = @(& curl @args "$($script:emu.Endpoint)$Path`?api-version=$ApiVersion")
        [pscustomobject]@{ Status = [int]$raw[-1]; Body = (($raw | Select-Object -SkipLast 1) -join "`n" | ConvertFrom-Json -ErrorAction SilentlyContinue) }
    }
}
AfterAll { Stop-RecoveryVaultEmulator }

Describe 'Get-RecoveryVaultSecurityPin' {
    BeforeEach {
        Initialize-TestState -Emulator $emu
        $script:vault = New-RecoveryVault -Name sec-vault -ResourceGroupName rg-prod -Location westeurope
    }

    It 'returns a PIN valid for five minutes (SecurityPINs_Get; Azure Backup "security features for hybrid backups")' {
        $before = [DateTimeOffset]::UtcNow
        $pin = $vault | Get-RecoveryVaultSecurityPin
        $pin | Should -BeOfType RecoveryVault.Models.VaultSecurityPin
        # Common/BackupSecurityPin_Get.json: a six-digit securityPIN.
        $pin.Pin | Should -Match '^\d{6}$'
        $pin.VaultName | Should -Be 'sec-vault'
        $pin.VaultId | Should -Be $vault.Id
        ($pin.ExpiresOn - $before).TotalMinutes | Should -BeGreaterThan 4.5
        ($pin.ExpiresOn - $before).TotalMinutes | Should -BeLessOrEqual 5.1
        ($pin | Format-Table | Out-String) | Should -Match $pin.Pin
    }

    It 'never writes the PIN to the verbose or debug streams, nor into its string form' {
        $all = @(Get-RecoveryVaultSecurityPin -VaultName sec-vault -ResourceGroupName rg-prod -Verbose -Debug 4>&1 5>&1)
        $pin = $all | Where-Object { $_ -is [RecoveryVault.Models.VaultSecurityPin] }
        $logs = $all | Where-Object { $_ -isnot [RecoveryVault.Models.VaultSecurityPin] } | Out-String
        $logs | Should -Match 'backupSecurityPIN' -Because 'the request itself is logged'
        $logs | Should -Not -Match $pin.Pin
        "$pin" | Should -Not -Match $pin.Pin
    }

    It 'gives a new PIN each time, one per piped vault' {
        New-RecoveryVault -Name sec-vault2 -ResourceGroupName rg-prod -Location westeurope | Out-Null
        $pins = @(Get-RecoveryVault -ResourceGroupName rg-prod | Where-Object Name -like 'sec-vault*' | Get-RecoveryVaultSecurityPin)
        $pins.Count | Should -Be 2
        ($pins.VaultName | Sort-Object) | Should -Be @('sec-vault', 'sec-vault2')
        $again = $vault | Get-RecoveryVaultSecurityPin
        $again.ExpiresOn | Should -BeGreaterOrEqual ($pins | Where-Object VaultName -eq 'sec-vault').ExpiresOn
    }

    It 'says VaultNotFound for a vault that is not there, and PermissionDenied for a Backup Reader' {
        $err = $null
        Get-RecoveryVaultSecurityPin -VaultName nope -ResourceGroupName rg-prod -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'VaultNotFound,RecoveryVault.Commands.GetRecoveryVaultSecurityPinCommand'
        $reader = Add-RecoveryVaultEmulatorData -PrincipalName sec-reader
        $vault | Grant-RecoveryVaultAccess -PrincipalId $reader.ObjectId -Role BackupReader | Out-Null
        try {
            Connect-AsPrincipal -Emulator $emu -Principal $reader
            $err = $null
            $vault | Get-RecoveryVaultSecurityPin -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be 'PermissionDenied,RecoveryVault.Commands.GetRecoveryVaultSecurityPinCommand'
        }
        finally { $emu | Connect-RecoveryVault | Out-Null }
    }
}
