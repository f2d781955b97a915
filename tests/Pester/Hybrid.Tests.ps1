# Hybrid IT and monitoring (issue 11): backup servers (MABS / DPM), -Kind BackupServer, Remove-RecoveryVault
# -DeleteBackupData on a vault with a backup server, "is this protected?" and vault usage, end to end against the
# strict emulator (every answer is checked against the vendored specs).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-RecoveryVaultUnderTest
    $script:emu = Start-TestEmulator

    function Add-TestBackupServer {
        <# Seeds a registered backup server the way docs/EMULATOR.md describes (POST /_emulator/backupServers). #>
        param([Parameter(Mandatory)] $Vault, [Parameter(Mandatory)] [string] $Name, [string] $Type = 'AzureBackupServer', [hashtable[]] $Servers)
        $body = @{ vaultId = $Vault.Id; name = $Name; type = $Type; version = '15.0.1'; servers = @($Servers) } | ConvertTo-Json -Depth 6
        $raw = & curl -s --cacert $script:emu.CertificatePath -w "`n%{http_code}" -H 'Content-Type: application/json' -d $body "$($script:emu.Endpoint)/_emulator/backupServers"
        $raw[-1] | Should -Be '201' -Because ($raw -join "`n")
    }

    function New-TestHybridVault {
        param([string] $Name = 'hybrid-vault')
        $vault = New-RecoveryVault -Name $Name -ResourceGroupName rg-prod -Location westeurope
        Add-TestBackupServer -Vault $vault -Name 'mabs01.contoso.com' -Servers @(
            @{ name = 'sql01.contoso.com'; items = @(@{ name = 'sql01\db1'; workloadType = 'SQLDB' }, @{ name = 'sql01\db2'; workloadType = 'SQLDB' }) },
            @{ name = 'fs01.contoso.com'; items = @(@{ name = 'D:\Shares'; workloadType = 'FileFolder' }) })
        Add-TestBackupServer -Vault $vault -Name 'dpm01.contoso.com' -Type DPM -Servers @(
            @{ name = 'hv01.contoso.com'; items = @(@{ name = 'vm-legacy'; workloadType = 'VMwareVM' }) })
        $vault
    }
}
AfterAll { Stop-RecoveryVaultEmulator }

Describe 'Get-RecoveryVaultBackupServer' {
    BeforeEach { Initialize-TestState -Emulator $emu; $script:vault = New-TestHybridVault }

    It 'lists both kinds of registered server with their versions, health and counts (BackupEngines_List)' {
        $servers = @($vault | Get-RecoveryVaultBackupServer | Sort-Object Name)
        $servers.Count | Should -Be 2
        $servers[0] | Should -BeOfType RecoveryVault.Models.BackupServer
        $servers[0].Name | Should -Be 'dpm01.contoso.com'
        $servers[0].Type | Should -Be 'DPM'
        $servers[0].BackupEngineType | Should -Be 'DpmBackupEngine'
        $servers[1].Type | Should -Be 'AzureBackupServer'
        $servers[1].BackupEngineType | Should -Be 'AzureBackupServerEngine'
        $servers[1].Version | Should -Be '15.0.1'
        $servers[1].AgentVersion | Should -Not -BeNullOrEmpty
        $servers[1].Health | Should -Be 'Healthy'
        $servers[1].LastContact | Should -BeOfType [DateTimeOffset]
        $servers[1].ProtectedItemCount | Should -Be 3
        $servers[1].ProtectedServerCount | Should -Be 2
        $servers[1].VaultId | Should -Be $vault.Id
        $servers[1].Id | Should -Be "$($vault.Id)/backupEngines/mabs01.contoso.com"
    }

    It 'filters by name with wildcards, and a plain name that is not there is BackupServerNotFound' {
        @(Get-RecoveryVaultBackupServer -VaultName hybrid-vault -ResourceGroupName rg-prod -Name mabs*).Name | Should -Be 'mabs01.contoso.com'
        @($vault | Get-RecoveryVaultBackupServer -Name nothing*) | Should -BeNullOrEmpty
        $err = $null
        $vault | Get-RecoveryVaultBackupServer -Name nope -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'BackupServerNotFound,RecoveryVault.Commands.GetRecoveryVaultBackupServerCommand'
    }
}

Describe 'Unregister-RecoveryVaultBackupServer' {
    BeforeEach { Initialize-TestState -Emulator $emu; $script:vault = New-TestHybridVault }

    It 'is ConfirmImpact High with the server id as ShouldProcess target, and -WhatIf changes nothing' {
        $meta = [System.Management.Automation.CommandMetadata]::new((Get-Command Unregister-RecoveryVaultBackupServer))
        $meta.ConfirmImpact | Should -Be 'High'
        $vault | Get-RecoveryVaultBackupServer -Name dpm01.contoso.com | Unregister-RecoveryVaultBackupServer -WhatIf
        @($vault | Get-RecoveryVaultBackupServer).Count | Should -Be 2
        $requests = (Invoke-Curl -Emulator $emu -PathAndQuery '/_emulator/requests?last=20').Body | ConvertFrom-Json
        @($requests | Where-Object method -eq 'DELETE') | Should -BeNullOrEmpty
    }

    It 'unregisters a piped server: its protected servers and items go with it (RegisteredIdentities_Delete, 204)' {
        $vault | Get-RecoveryVaultBackupServer -Name mabs01.contoso.com | Unregister-RecoveryVaultBackupServer -Force
        @($vault | Get-RecoveryVaultBackupServer).Name | Should -Be 'dpm01.contoso.com'
        @($vault | Get-RecoveryVaultContainer -Kind BackupServer).FriendlyName | Should -Be 'hv01.contoso.com'
        @($vault | Get-RecoveryVaultItem -Kind BackupServer).FriendlyName | Should -Be 'vm-legacy'
    }

    It 'raises a Sev0 Delete Backup Data security alert when a server goes with its data (a critical hybrid operation)' {
        # Azure Backup docs "security features for hybrid backups" (alerting on critical operations) and "Azure Monitor
        # alerts for Azure Backup" (security alerts are Sev0 and cannot be turned off): job failure alerts off changes nothing.
        $vault | Set-RecoveryVault -JobFailureAlerts Disabled | Out-Null
        $vault | Get-RecoveryVaultBackupServer -Name mabs01.contoso.com | Unregister-RecoveryVaultBackupServer -Force
        $alerts = @($vault | Get-RecoveryVaultAlert -Severity Sev0)
        $alerts.Count | Should -Be 1
        $alerts[0].Name | Should -Be 'Delete Backup Data'
        $alerts[0].Description | Should -BeLike '*mabs01.contoso.com*'
    }

    It 'unregisters by name and by resource id; an unknown server is BackupServerNotFound' {
        Unregister-RecoveryVaultBackupServer -Name dpm01.contoso.com -VaultId $vault.Id -Confirm:$false
        Unregister-RecoveryVaultBackupServer -ResourceId "$($vault.Id)/backupEngines/mabs01.contoso.com" -Force
        @($vault | Get-RecoveryVaultBackupServer) | Should -BeNullOrEmpty
        $err = $null
        Unregister-RecoveryVaultBackupServer -Name dpm01.contoso.com -VaultId $vault.Id -Force -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'BackupServerNotFound,RecoveryVault.Commands.UnregisterRecoveryVaultBackupServerCommand'
        $err = $null
        Unregister-RecoveryVaultBackupServer -ResourceId $vault.Id -Force -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'InvalidResourceId,RecoveryVault.Commands.UnregisterRecoveryVaultBackupServerCommand'
    }
}

Describe '-Kind BackupServer' {
    BeforeEach { Initialize-TestState -Emulator $emu; $script:vault = New-TestHybridVault }

    It 'lists the protected servers of both management types as containers' {
        $containers = @($vault | Get-RecoveryVaultContainer -Kind BackupServer | Sort-Object FriendlyName)
        $containers.FriendlyName | Should -Be @('fs01.contoso.com', 'hv01.contoso.com', 'sql01.contoso.com')
        ($containers | Where-Object FriendlyName -eq 'hv01.contoso.com').ContainerType | Should -Be 'DPMContainer'
        ($containers | Where-Object FriendlyName -eq 'sql01.contoso.com').ContainerType | Should -Be 'AzureBackupServerContainer'
        $containers.Kind | Sort-Object -Unique | Should -Be 'BackupServer'
        @($vault | Get-RecoveryVaultContainer -Kind BackupServer -Name sql*).Count | Should -Be 1
        # Not taken for MARS servers, nor the other way round.
        @($vault | Get-RecoveryVaultContainer -Kind MarsServer) | Should -BeNullOrEmpty
    }

    It 'lists their data sources as read-only items' {
        $items = @($vault | Get-RecoveryVaultItem -Kind BackupServer | Sort-Object FriendlyName)
        $items.FriendlyName | Should -Be @('D:\Shares', 'sql01\db1', 'sql01\db2', 'vm-legacy')
        ($items | Where-Object FriendlyName -eq 'vm-legacy').BackupManagementType | Should -Be 'DPM'
        ($items | Where-Object FriendlyName -eq 'sql01\db1').WorkloadType | Should -Be 'SQLDB'
        @($vault | Get-RecoveryVaultItem -Kind AzureVM) | Should -BeNullOrEmpty
        # Read-only, as in Azure: not a protectable kind, and no on-demand backup from here.
        { $vault | Get-RecoveryVaultProtectableItem -Kind BackupServer } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        $err = $null
        $items[0] | Backup-RecoveryVaultItem -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'UnsupportedForKind,*'
    }
}

Describe 'Remove-RecoveryVault -DeleteBackupData with a backup server' {
    BeforeEach { Initialize-TestState -Emulator $emu; $script:vault = New-TestHybridVault }

    It 'is refused without the clean-up while a backup server is registered' {
        $err = $null
        $vault | Remove-RecoveryVault -Force -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -Not -BeNullOrEmpty
        Get-RecoveryVault -Name hybrid-vault -ResourceGroupName rg-prod | Should -Not -BeNullOrEmpty
    }

    It 'changes nothing with -WhatIf' {
        $vault | Remove-RecoveryVault -DeleteBackupData -WhatIf
        @($vault | Get-RecoveryVaultBackupServer).Count | Should -Be 2
        $requests = (Invoke-Curl -Emulator $emu -PathAndQuery '/_emulator/requests?last=30').Body | ConvertFrom-Json
        @($requests | Where-Object { $_.method -in 'DELETE', 'PATCH' }) | Should -BeNullOrEmpty
    }

    It 'unregisters the backup servers and deletes the vault' {
        $vault | Remove-RecoveryVault -DeleteBackupData -Force
        Get-RecoveryVault -Name hybrid-vault -ResourceGroupName rg-prod -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $requests = (Invoke-Curl -Emulator $emu -PathAndQuery '/_emulator/requests?last=60').Body | ConvertFrom-Json
        @($requests | Where-Object { $_.method -eq 'DELETE' -and $_.path -like '*/registeredIdentities/*' -and $_.status -eq 204 }).Count | Should -Be 2
    }

    It 'needs registeredIdentities/delete: a Backup Reader is told before any step and nothing changes' {
        $reader = Add-RecoveryVaultEmulatorData -PrincipalName "hybrid-reader-$(Get-Random)"
        Add-RecoveryVaultEmulatorData -PrincipalId $reader.ObjectId -RoleName 'Backup Reader' -Scope $vault.Id | Out-Null
        Connect-AsPrincipal -Emulator $emu -Principal $reader
        try {
            $err = $null
            $vault | Remove-RecoveryVault -DeleteBackupData -Force -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'PermissionDenied,*'
            # Backup Reader's documented actions have no registeredIdentities/delete; the first step needs it.
            $err[0].Exception.Message | Should -Match 'Microsoft.RecoveryServices/Vaults/registeredIdentities/delete'
        }
        finally { $emu | Connect-RecoveryVault | Out-Null }
        @($vault | Get-RecoveryVaultBackupServer).Count | Should -Be 2
    }
}

Describe 'A backup server registered from a vault credentials file, end to end' {
    # The round trip of issue 11: Get-RecoveryVaultCredential -Kind BackupServer writes the file (VaultCertificates_Create
    # uploads its certificate), the server's setup registers with it (the emulator checks it as the agent does), the
    # server shows in backupEngines, and Remove-RecoveryVault -DeleteBackupData unregisters it and deletes the vault.
    BeforeEach {
        Initialize-TestState -Emulator $emu
        $script:vault = New-RecoveryVault -Name cred-hybrid -ResourceGroupName rg-prod -Location westeurope
        $script:folder = New-Item -ItemType Directory -Path (Join-Path ([IO.Path]::GetTempPath()) "rv-mabs-$(Get-Random)")
    }
    AfterEach { Remove-Item $folder -Recurse -Force -ErrorAction SilentlyContinue }

    It 'registers from the file, lists the server, and is removed with the vault by -DeleteBackupData' {
        $file = $vault | Get-RecoveryVaultCredential -Path $folder -Kind BackupServer
        $file.Kind | Should -Be 'BackupServer'
        Add-RecoveryVaultEmulatorData -BackupServerName mabs02.contoso.com -VaultCredentialPath $file.Path -ItemPath 'D:\Shares', 'E:\Home' | Out-Null

        $server = @($vault | Get-RecoveryVaultBackupServer)
        $server.Count | Should -Be 1
        $server[0].Name | Should -Be 'mabs02.contoso.com'
        $server[0].Type | Should -Be 'AzureBackupServer'
        $server[0].ProtectedItemCount | Should -Be 2
        @($vault | Get-RecoveryVaultItem -Kind BackupServer).Count | Should -Be 2

        $vault | Remove-RecoveryVault -DeleteBackupData -Force
        Get-RecoveryVault -Name cred-hybrid -ResourceGroupName rg-prod -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $requests = (Invoke-Curl -Emulator $emu -PathAndQuery '/_emulator/requests?last=40').Body | ConvertFrom-Json
        @($requests | Where-Object { $_.method -eq 'DELETE' -and $_.path -like '*/registeredIdentities/mabs02.contoso.com*' -and $_.status -eq 204 }).Count | Should -Be 1
    }

    It 'registers a DPM server with -BackupServerType DPM' {
        $file = $vault | Get-RecoveryVaultCredential -Path $folder -Kind BackupServer
        Add-RecoveryVaultEmulatorData -BackupServerName dpm02.contoso.com -BackupServerType DPM -VaultCredentialPath $file.Path | Out-Null
        ($vault | Get-RecoveryVaultBackupServer).Type | Should -Be 'DPM'
    }

    It 'refuses an expired file and registers nothing' {
        $file = $vault | Get-RecoveryVaultCredential -Path $folder -Kind BackupServer -ValidityDays 2
        Add-RecoveryVaultEmulatorData -AdvanceClock ([timespan]::FromDays(3)) | Out-Null
        { Add-RecoveryVaultEmulatorData -BackupServerName mabs03.contoso.com -VaultCredentialPath $file.Path -ErrorAction Stop } |
            Should -Throw -ErrorId 'EmulatorRequestFailed,RecoveryVault.Commands.AddRecoveryVaultEmulatorDataCommand' -ExpectedMessage '*expired on*'
        $vault | Get-RecoveryVaultBackupServer | Should -BeNullOrEmpty
    }
}

Describe 'Get-RecoveryVaultBackupStatus' {
    BeforeEach {
        Initialize-TestState -Emulator $emu
        $script:vault = New-RecoveryVault -Name status-vault -ResourceGroupName rg-prod -Location westeurope
        $script:protectedVm = Protect-TestVm -Vault $vault -VmName app01
        $script:bareVm = Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -VirtualMachineName app02
    }

    It 'finds the vault, policy and item of a protected VM piped in, reading its region from the VM' {
        # BackupStatus_Get (example AzureIaasVm/GetBackupStatus.json): protectionStatus, vaultId, containerName, protectedItemName, policyName.
        $s = $protectedVm | Get-RecoveryVaultBackupStatus
        $s | Should -BeOfType RecoveryVault.Models.BackupStatus
        $s.ProtectionStatus | Should -Be 'Protected'
        $s.IsProtected | Should -BeTrue
        $s.VaultId | Should -Be $vault.Id
        $s.VaultName | Should -Be 'status-vault'
        $s.PolicyName | Should -Be 'DefaultPolicy'
        $s.ItemName | Should -Be 'VM;iaasvmcontainerv2;rg-prod;app01'
        $s.ContainerName | Should -BeLike '*iaasvmcontainerv2;rg-prod;app01'
        $s.Location | Should -Be 'westeurope'
    }

    It 'says NotProtected for an unprotected VM, with no vault' {
        $s = $bareVm | Get-RecoveryVaultBackupStatus
        $s.ProtectionStatus | Should -Be 'NotProtected'
        $s.IsProtected | Should -BeFalse
        $s.VaultId | Should -BeNullOrEmpty
    }

    It 'takes any object with Id and Location, and asks in that region' {
        $rows = @([pscustomobject]@{ Id = $protectedVm.id; Location = 'westeurope' }, [pscustomobject]@{ Id = $protectedVm.id; Location = 'northeurope' })
        $answers = @($rows | Get-RecoveryVaultBackupStatus)
        $answers.ProtectionStatus | Should -Be @('Protected', 'NotProtected')
    }

    It 'answers per file share (poLogicalName) and refuses a storage account without a share' {
        $account = Add-RecoveryVaultEmulatorData -StorageAccountName sa01 -FileShareName share1, share2 -ResourceGroupName rg-prod
        $vault | Register-RecoveryVaultContainer -StorageAccountId $account.id | Out-Null
        $vault | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureFileShare -Name share1 |
            Enable-RecoveryVaultProtection -Policy ($vault | Get-RecoveryVaultPolicy -Kind AzureFileShare | Select-Object -First 1) -Wait | Out-Null
        $s = Get-RecoveryVaultBackupStatus -ResourceId $account.id -FileShareName share1
        $s.ProtectionStatus | Should -Be 'Protected'
        $s.VaultName | Should -Be 'status-vault'
        $s.FileShareName | Should -Be 'share1'
        (Get-RecoveryVaultBackupStatus -ResourceId $account.id -FileShareName share2).ProtectionStatus | Should -Be 'NotProtected'
        $err = $null
        Get-RecoveryVaultBackupStatus -ResourceId $account.id -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'InvalidParameterCombination,RecoveryVault.Commands.GetRecoveryVaultBackupStatusCommand'
    }

    It 'refuses an id that is neither a VM nor a storage account, and reports a missing VM as ResourceNotFound' {
        $err = $null
        Get-RecoveryVaultBackupStatus -ResourceId $vault.Id -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'InvalidResourceId,RecoveryVault.Commands.GetRecoveryVaultBackupStatusCommand'
        $err = $null
        Get-RecoveryVaultBackupStatus -ResourceId ($protectedVm.id -replace 'app01$', 'ghost') -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'ResourceNotFound,RecoveryVault.Commands.GetRecoveryVaultBackupStatusCommand'
    }
}

Describe 'Get-RecoveryVaultBackupStatus for a whole subscription' {
    BeforeEach {
        Initialize-TestState -Emulator $emu
        $script:vault = New-RecoveryVault -Name status-vault -ResourceGroupName rg-prod -Location westeurope
        $script:vault2 = New-RecoveryVault -Name status-vault2 -ResourceGroupName rg-test -Location westeurope
        Protect-TestVm -Vault $vault -VmName app01 | Out-Null
        Protect-TestVm -Vault $vault2 -VmName app02 -ResourceGroupName rg-test | Out-Null
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-test -VirtualMachineName app03 | Out-Null
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-restore -VirtualMachineName app04 -Location northeurope | Out-Null
    }

    It 'lists the VMs no vault protects, across vaults and regions, without naming a vault (VirtualMachines_ListAll + BackupStatus_Get)' {
        $bare = @(Get-RecoveryVaultBackupStatus -Unprotected | Sort-Object { ($_.ResourceId -split '/')[-1] })
        $bare.Count | Should -Be 2
        $bare[0] | Should -BeOfType RecoveryVault.Models.BackupStatus
        ($bare.ResourceId | ForEach-Object { ($_ -split '/')[-1] }) | Should -Be @('app03', 'app04')
        $bare.ProtectionStatus | Should -Be @('NotProtected', 'NotProtected')
        ($bare | Where-Object ResourceId -like '*/app04').Location | Should -Be 'northeurope'
    }

    It 'gives every VM''s status with -SubscriptionId, each protected one with its vault' {
        $all = @(Get-RecoveryVaultBackupStatus -SubscriptionId $emu.SubscriptionId)
        $all.Count | Should -Be 4
        ($all | Where-Object ResourceId -like '*/app01').VaultName | Should -Be 'status-vault'
        ($all | Where-Object ResourceId -like '*/app02').VaultName | Should -Be 'status-vault2'
        @($all | Where-Object IsProtected).Count | Should -Be 2
    }

    It 'shows, in the default table of an 80-column host, which VM, its status and its vault' {
        # A VM's resource id is longer than the host: a ResourceId column left no room for the status.
        $text = Get-RecoveryVaultBackupStatus -SubscriptionId $emu.SubscriptionId | Sort-Object { ($_.ResourceId -split '/')[-1] } | Out-String -Width 80
        $lines = @($text -split "`r?`n" | Where-Object { $_ -match '^app0\d ' })
        $lines.Count | Should -Be 4
        $lines[0] | Should -Match '^app01\s+rg-prod\s+Protected\s+status-vault\s'
        $lines[3] | Should -Match '^app04\s+rg-restore\s+NotProtected\s'
    }

    It 'refuses a subscription id that is not a GUID' {
        $err = $null
        Get-RecoveryVaultBackupStatus -SubscriptionId 'not-a-guid' -Unprotected -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'InvalidResourceId,RecoveryVault.Commands.GetRecoveryVaultBackupStatusCommand'
    }
}

Describe 'Get-RecoveryVaultUsage' {
    BeforeEach { Initialize-TestState -Emulator $emu }

    It 'counts items and containers per management type (BackupUsageSummaries_List) and reads the vault usages' {
        $vault = New-TestHybridVault
        Protect-TestVm -Vault $vault -VmName web01 | Out-Null
        $u = $vault | Get-RecoveryVaultUsage
        $u | Should -BeOfType RecoveryVault.Models.VaultUsage
        $u.ItemsByType['AzureBackupServer'] | Should -Be 3
        $u.ItemsByType['DPM'] | Should -Be 1
        $u.ItemsByType['AzureIaasVM'] | Should -Be 1
        $u.ProtectedItemCount | Should -Be 5
        # Each backup server counts as a container of its type, besides the servers it protects.
        $u.ContainersByType['AzureBackupServer'] | Should -Be 3
        $u.ContainersByType['DPM'] | Should -Be 2
        $u.Usages.Keys | Should -Contain 'LRSStorageUsage'
        $u.Usages.Keys | Should -Contain 'ProtectedItemCount'
        $u.VaultName | Should -Be 'hybrid-vault'
        # Usages_ListByVaults: MABContainersCount is "Backup management servers" (the two registered servers), and
        # the per-kind item counts are the vault's items of that kind.
        $u.BackupServerCount | Should -Be 2
        $u.Usages['MABContainersCount'] | Should -Be 2
        $u.Usages['IaaSVMProtectedItemCount'] | Should -Be 1
        $u.Usages['AzureBackupServerProtectedItemCount'] | Should -Be 3
        $u.Usages['DPMProtectedItemCount'] | Should -Be 1
        $u.Usages['ProtectedItemCount'] | Should -Be 5
    }

    It 'says VaultNotFound for a vault that is gone (Usages_ListByVaults: ARM 404 ResourceNotFound)' {
        $gone = New-RecoveryVault -Name gone-vault -ResourceGroupName rg-prod -Location westeurope
        $gone | Remove-RecoveryVault -Force
        $err = $null
        $gone | Get-RecoveryVaultUsage -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'VaultNotFound,RecoveryVault.Commands.GetRecoveryVaultUsageCommand'
    }

    It 'reports an empty vault as zero counts' {
        $u = New-RecoveryVault -Name empty-vault -ResourceGroupName rg-prod -Location westeurope | Get-RecoveryVaultUsage
        $u.ProtectedItemCount | Should -Be 0
        $u.ContainerCount | Should -Be 0
        $u.ItemsByType.Count | Should -Be 0
        $u.BackupServerCount | Should -Be 0
    }
}
