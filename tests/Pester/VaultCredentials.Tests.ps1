# Vault credentials (issue 11): Get-RecoveryVaultCredential writes the .VaultCredentials file the way Az's
# Get-AzRecoveryServicesVaultSettingsFile -Backup does (azure-powershell RecoveryServices
# GetAzureRMRecoveryServicesVaultSettingsFile.cs / RSBackupVaultAADCreds; Microsoft Learn backup-client-automation for
# the certificate: CN=Windows Azure Tools, client-authentication EKU), uploading the public certificate with
# VaultCertificates_Create (vaults spec 2026-07-01, example PUTVaultCred.json). A MARS server registered from the file
# shows up as the vault's Windows container; an altered or expired file is refused with the agent's message
# (Microsoft Learn backup-azure-mars-troubleshoot: "Invalid vault credentials provided", ID 34513).
# Job details: errorDetails (spec AzureIaaSVMErrorInfo: errorCode int32, errorTitle, errorString, recommendations) and
# extendedInfo.tasksList (AzureIaaSVMJobTaskDetails), which job lists leave out and a GET of the job carries.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-RecoveryVaultUnderTest
    $script:emu = Start-TestEmulator
    $script:sub = $emu.SubscriptionId
    $script:folder = Join-Path ([IO.Path]::GetTempPath()) ("rv-creds-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory -Path $folder | Out-Null

    function Initialize-CredentialState {
        Initialize-TestState -Emulator $emu
        $script:vault = New-RecoveryVault -Name cred-vault1 -ResourceGroupName rg-prod -Location westeurope
        $script:other = New-RecoveryVault -Name cred-vault2 -ResourceGroupName rg-prod -Location westeurope
    }
}
AfterAll {
    Stop-RecoveryVaultEmulator
    Remove-Item -Recurse -Force $folder -ErrorAction SilentlyContinue
}

Describe 'Get-RecoveryVaultCredential' {
    BeforeAll { Initialize-CredentialState }

    It 'writes an owner-only file in Az''s format carrying the upload''s AAD details, and never shows the key' {
        $all = $vault | Get-RecoveryVaultCredential -Path $folder -Kind MarsServer -Verbose -Debug 4>&1 5>&1 3>&1 6>&1 2>&1
        $file = $all | Where-Object { $_ -is [RecoveryVault.Models.VaultCredentialFile] }
        $file.Vault | Should -Be 'cred-vault1'
        $file.Kind | Should -Be 'MarsServer'
        $file.Name | Should -Be ("cred-vault1_{0}.VaultCredentials" -f [datetime]::UtcNow.ToString('ddd MMM dd yyyy', [cultureinfo]::InvariantCulture))
        Test-Path $file.Path | Should -BeTrue
        if (-not $IsWindows) {
            [IO.File]::GetUnixFileMode($file.Path) | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
        }
        [xml] $x = Get-Content -Raw $file.Path
        $c = $x.RSBackupVaultAADCreds
        $x.DocumentElement.NamespaceURI | Should -Be 'http://schemas.datacontract.org/2004/07/Microsoft.Azure.Portal.RecoveryServices.Models.Common'
        $c.Version | Should -Be '2.0'
        $c.SubscriptionId | Should -Be $sub
        $c.ResourceName | Should -Be 'cred-vault1'
        $c.ResourceGroup | Should -Be 'rg-prod'
        $c.ResourceType | Should -Be 'Vaults'
        $c.ProviderNamespace | Should -Be 'Microsoft.RecoveryServices'
        $c.Location | Should -Be 'westeurope'
        [long] $c.ResourceId | Should -BeGreaterThan 0
        $c.AadTenantId | Should -Be $emu.TenantId
        $c.ServicePrincipalClientId | Should -Match '^[0-9a-f-]{36}$'
        $c.IdMgmtRestEndpoint | Should -Not -BeNullOrEmpty
        # The certificate with its key, as PFX without a password (Az's SerializeCert(cert, Pfx)).
        $pfx = [Security.Cryptography.X509Certificates.X509CertificateLoader]::LoadPkcs12([Convert]::FromBase64String($c.ManagementCert), $null)
        $pfx.HasPrivateKey | Should -BeTrue
        $pfx.Subject | Should -Be 'CN=Windows Azure Tools'
        $pfx.Thumbprint | Should -Be $file.Thumbprint
        [Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPublicKey($pfx).ExportParameters($false).Modulus.Length * 8 | Should -Be 2048
        ($pfx.NotAfter.ToUniversalTime() - [datetime]::UtcNow).TotalDays | Should -BeGreaterThan 1.9
        ($pfx.NotAfter.ToUniversalTime() - [datetime]::UtcNow).TotalDays | Should -BeLessOrEqual 2
        $file.ValidTo.UtcDateTime | Should -Be $pfx.NotAfter.ToUniversalTime()
        # Nothing the cmdlet wrote to any stream carries the key, whole or in part.
        $text = ($all | ForEach-Object { $_ | Format-List * -Force | Out-String }) -join "`n"
        $text | Should -Match ([regex]::Escape($file.Thumbprint))
        $text | Should -Not -Match ([regex]::Escape($c.ManagementCert.Substring(200, 64)))
        $text | Should -Not -Match 'ManagementCert|PRIVATE KEY'
        $pfx.Dispose()
    }

    It 'refuses a folder that does not exist, before anything is uploaded' {
        { $vault | Get-RecoveryVaultCredential -Path (Join-Path $folder 'nope') -ErrorAction Stop } |
            Should -Throw -ErrorId 'FolderNotFound,RecoveryVault.Commands.GetRecoveryVaultCredentialCommand'
    }

    It 'says VaultNotFound for a vault that is not there' {
        { Get-RecoveryVaultCredential -Name missing-vault -ResourceGroupName rg-prod -Path $folder -ErrorAction Stop } |
            Should -Throw -ErrorId 'VaultNotFound,RecoveryVault.Commands.GetRecoveryVaultCredentialCommand'
    }

    It 'keeps -ValidityDays within 2 to 10' {
        { $vault | Get-RecoveryVaultCredential -Path $folder -ValidityDays 11 } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,RecoveryVault.Commands.GetRecoveryVaultCredentialCommand'
    }
}

Describe 'Registering a server with a vault credentials file' {
    BeforeAll { Initialize-CredentialState }

    It 'registers a MARS server to the file''s vault; it is listed with its protected folders' {
        $file = $vault | Get-RecoveryVaultCredential -Path $folder -ValidityDays 10
        Add-RecoveryVaultEmulatorData -MarsServerName fs01.contoso.com -VaultCredentialPath $file.Path -ProtectedPath 'C:\Data', 'D:\Shares' | Out-Null
        $container = $vault | Get-RecoveryVaultContainer -Kind MarsServer
        $container.FriendlyName | Should -Be 'fs01.contoso.com'
        ($vault | Get-RecoveryVaultItem -Kind MarsServer).FriendlyName | Sort-Object | Should -Be @('C:\Data', 'D:\Shares')
        $other | Get-RecoveryVaultContainer -Kind MarsServer | Should -BeNullOrEmpty
    }

    It 'refuses a file whose certificate was altered' {
        $file = $vault | Get-RecoveryVaultCredential -Path $folder
        [xml] $x = Get-Content -Raw $file.Path
        $cert = $x.RSBackupVaultAADCreds.ManagementCert
        $i = [int]($cert.Length / 2)
        $x.RSBackupVaultAADCreds.ManagementCert = $cert.Substring(0, $i) + $(if ($cert[$i] -ceq 'A') { 'B' } else { 'A' }) + $cert.Substring($i + 1)
        $bad = Join-Path $folder 'altered-cert.VaultCredentials'
        $x.Save($bad)
        { Add-RecoveryVaultEmulatorData -MarsServerName fs02 -VaultCredentialPath $bad -ErrorAction Stop } |
            Should -Throw -ErrorId 'EmulatorRequestFailed,RecoveryVault.Commands.AddRecoveryVaultEmulatorDataCommand' -ExpectedMessage '*Invalid vault credentials provided*ID: 34513*'
        $vault | Get-RecoveryVaultContainer -Kind MarsServer | Where-Object FriendlyName -eq fs02 | Should -BeNullOrEmpty
    }

    It 'refuses a file pointed at another vault, and one whose AAD details were changed' {
        $file = $vault | Get-RecoveryVaultCredential -Path $folder
        [xml] $x = Get-Content -Raw $file.Path
        $x.RSBackupVaultAADCreds.ResourceName = 'cred-vault2'
        $moved = Join-Path $folder 'moved.VaultCredentials'
        $x.Save($moved)
        { Add-RecoveryVaultEmulatorData -MarsServerName fs03 -VaultCredentialPath $moved -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*never uploaded to vault ''cred-vault2''*'
        [xml] $y = Get-Content -Raw $file.Path
        $y.RSBackupVaultAADCreds.ServicePrincipalClientId = [guid]::NewGuid().ToString()
        $spn = Join-Path $folder 'spn.VaultCredentials'
        $y.Save($spn)
        { Add-RecoveryVaultEmulatorData -MarsServerName fs03 -VaultCredentialPath $spn -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*ServicePrincipalClientId*altered*'
        $other | Get-RecoveryVaultContainer -Kind MarsServer | Should -BeNullOrEmpty
    }

    It 'refuses a file whose validity ended on the emulator''s clock' {
        $file = $vault | Get-RecoveryVaultCredential -Path $folder -ValidityDays 2
        Add-RecoveryVaultEmulatorData -AdvanceClock ([timespan]::FromDays(3)) | Out-Null
        { Add-RecoveryVaultEmulatorData -MarsServerName fs04 -VaultCredentialPath $file.Path -ErrorAction Stop } |
            Should -Throw -ErrorId 'EmulatorRequestFailed,RecoveryVault.Commands.AddRecoveryVaultEmulatorDataCommand' -ExpectedMessage '*expired on*'
        $vault | Get-RecoveryVaultContainer -Kind MarsServer | Where-Object FriendlyName -eq fs04 | Should -BeNullOrEmpty
    }
}

Describe 'Job details' {
    BeforeAll {
        Initialize-CredentialState
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -VirtualMachineName web01 | Out-Null
    }

    It 'gives a failed job''s error code, recommendations, sub-tasks and item without parsing text' {
        $policy = $vault | Get-RecoveryVaultPolicy -Name DefaultPolicy
        $vault | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureVM -Name web01 | Enable-RecoveryVaultProtection -Policy $policy -Wait | Out-Null
        $item = $vault | Get-RecoveryVaultItem -Name web01
        Add-RecoveryVaultEmulatorData -Fault jobFailure -PathContains $item.Id | Out-Null
        $item | Backup-RecoveryVaultItem -Wait -ErrorAction SilentlyContinue | Out-Null

        $listed = $vault | Get-RecoveryVaultJob -Status Failed
        $listed.Count | Should -Be 1
        $listed.ErrorCode | Should -BeOfType [int]
        $listed.ErrorCode | Should -Be 400001
        $listed.ErrorTitle | Should -Be 'UserErrorBackupFailed'
        $listed.Recommendations | Should -Not -BeNullOrEmpty
        $listed.HasDetails | Should -BeFalse
        $listed.SubTasks | Should -BeNullOrEmpty
        $listed.ItemId | Should -BeNullOrEmpty

        $detailed = $vault | Get-RecoveryVaultJob -Status Failed -Detailed
        $detailed.HasDetails | Should -BeTrue
        $detailed.ItemId | Should -Be $item.Id
        $detailed.SubTasks.Name | Should -Be @('Take Snapshot', 'Transfer data to vault')
        $detailed.SubTasks.Status | Sort-Object -Unique | Should -Be 'Failed'
        $detailed.SubTasks[0].Duration | Should -BeOfType [timespan]
        $detailed.ErrorDetails[0].ErrorMessage | Should -Match 'failed'

        # The item piped in lists its backup jobs. A scheduled backup may have come due meanwhile (the clock runs 600x,
        # so whether it did depends on the time of day): every job listed is this item's, the failed one among them.
        $itemJobs = @($item | Get-RecoveryVaultJob -Operation Backup)
        $itemJobs.ItemId | Sort-Object -Unique | Should -Be $item.Id
        $itemJobs.JobId | Should -Contain $detailed.JobId
    }
}
