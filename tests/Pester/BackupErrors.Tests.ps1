# Error paths (and a few success edge cases) of the container, job and file recovery cmdlets, and MARS items/jobs.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-RecoveryVaultUnderTest
    # Same as Start-TestEmulator, with the backup clock frozen (ClockRate 0): a job stays InProgress until a test moves
    # the clock, so "running", "already ended" and "ended meanwhile" do not depend on the machine's speed.
    # Midday today (UTC): advances never cross the default policies' 02:30 run, and job filters that default to the
    # last 7 days (client clock) still see the jobs.
    $script:emu = Start-RecoveryVaultEmulator -InMemory -Strict -LroDurationMs 100 -ClockRate 0 -ClockStart ([datetime]::UtcNow.Date.AddHours(12))
    $emu | Connect-RecoveryVault | Out-Null
    $script:sub = $emu.SubscriptionId
    $script:tempRoot = Join-Path ([IO.Path]::GetTempPath()) ("rv-errors-" + [guid]::NewGuid().ToString('N').Substring(0, 8))

    function Initialize-ErrorState {
        Initialize-TestState -Emulator $emu
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -VirtualMachineName web01 | Out-Null
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -VirtualMachineName web02 | Out-Null
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -VirtualMachineName app01 | Out-Null
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -StorageAccountName saprod01 -FileShareName share1 | Out-Null
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -StorageAccountName saprod02 -FileShareName share2 | Out-Null
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -StorageAccountName sanorth01 -Location northeurope | Out-Null
        $script:vault = New-RecoveryVault -Name prod-vault1 -ResourceGroupName rg-prod -Location westeurope
        $script:other = New-RecoveryVault -Name prod-vault2 -ResourceGroupName rg-prod -Location westeurope
        $script:policy = $vault | Get-RecoveryVaultPolicy -Name DefaultPolicy
        $script:sa1 = "/subscriptions/$sub/resourceGroups/rg-prod/providers/Microsoft.Storage/storageAccounts/saprod01"
        $script:sa2 = "/subscriptions/$sub/resourceGroups/rg-prod/providers/Microsoft.Storage/storageAccounts/saprod02"
        $script:saNorth = "/subscriptions/$sub/resourceGroups/rg-prod/providers/Microsoft.Storage/storageAccounts/sanorth01"
        $script:app01 = "/subscriptions/$sub/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/app01"
    }

    function Protect-Vm {
        param([Parameter(Mandatory)] $InVault, [Parameter(Mandatory)] [string] $Name)
        $p = $InVault | Get-RecoveryVaultPolicy -Name DefaultPolicy
        $InVault | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureVM -Name $Name | Enable-RecoveryVaultProtection -Policy $p -Wait | Out-Null
    }

    function Protect-Share {
        param([Parameter(Mandatory)] $InVault, [Parameter(Mandatory)] [string] $StorageAccountId, [Parameter(Mandatory)] [string] $Name)
        $InVault | Register-RecoveryVaultContainer -StorageAccountId $StorageAccountId | Out-Null
        $p = $InVault | Get-RecoveryVaultPolicy -Kind AzureFileShare | Select-Object -First 1
        $InVault | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureFileShare -Name $Name | Enable-RecoveryVaultProtection -Policy $p -Wait | Out-Null
    }

    function Complete-RunningJobs {
        <# Moves the frozen clock past the end of every backup job (10 simulated minutes). #>
        Add-RecoveryVaultEmulatorData -AdvanceClock ([timespan]::FromMinutes(11)) | Out-Null
    }

    function Assert-RvError {
        param([Parameter(Mandatory)] $Record, [Parameter(Mandatory)] [string] $Id, [Parameter(Mandatory)] [string] $Command,
            [Parameter(Mandatory)] [string] $Category, [Parameter(Mandatory)] [AllowNull()] $Target, [string] $Code)
        $Record.FullyQualifiedErrorId | Should -Be "$Id,RecoveryVault.Commands.$Command"
        $Record.CategoryInfo.Category | Should -Be $Category
        if ($null -eq $Target) { $Record.TargetObject | Should -BeNullOrEmpty } else { $Record.TargetObject | Should -Be $Target }
        if ($Code) {
            $Record.Exception.ErrorCode | Should -Be $Code
            $Record.Exception.Message | Should -Match "Code: $Code;"
            $Record.ErrorDetails.Message | Should -Be $Record.Exception.Message
        }
    }

    function Get-ArmRequestCount {
        <# How many ARM requests the emulator has logged with this method and a path matching the pattern. #>
        param([Parameter(Mandatory)] [string] $Method, [Parameter(Mandatory)] [string] $Like)
        $r = Invoke-Curl -Emulator $emu -PathAndQuery '/_emulator/requests?last=2000'
        @(($r.Body | ConvertFrom-Json) | Where-Object { $_.method -eq $Method -and $_.path -like $Like }).Count
    }

    function Test-IlrSession {
        <# isInstantIlrSessionActive of a VM recovery point, read straight from the service. #>
        param([Parameter(Mandatory)] $Point)
        $r = Invoke-Curl -Emulator $emu -Token (Get-EmulatorToken -Emulator $emu) -PathAndQuery "$($Point.Id)?api-version=2023-06-01"
        $r.Status | Should -Be 200
        [bool] ($r.Body | ConvertFrom-Json).properties.isInstantIlrSessionActive
    }

    function Invoke-EmulatorAdmin {
        param([Parameter(Mandatory)] [string] $Method, [Parameter(Mandatory)] [string] $Path, [string] $Body)
        $curlArgs = @('-s', '--cacert', $emu.CertificatePath, '-X', $Method, '-H', 'Content-Type: application/json')
        if ($Body) { $curlArgs += @('-d', $Body) }
        (& curl @curlArgs ($emu.Endpoint + $Path)) | ConvertFrom-Json
    }

    function New-ReaderPrincipal {
        $p = Add-RecoveryVaultEmulatorData -PrincipalName "reader-$(Get-Random)"
        Add-RecoveryVaultEmulatorData -PrincipalId $p.ObjectId -RoleName 'Backup Reader' -Scope "/subscriptions/$sub/resourceGroups/rg-prod" | Out-Null
        $p
    }
}
AfterAll {
    Stop-RecoveryVaultEmulator
    if (Test-Path $tempRoot) { Remove-Item $tempRoot -Recurse -Force }
}

Describe 'Without a connection' {
    BeforeAll {
        Initialize-ErrorState
        Protect-Vm -InVault $vault -Name web01
        $script:job = $vault | Get-RecoveryVaultItem -Name web01 | Backup-RecoveryVaultItem
        Complete-RunningJobs
        $script:rp = $vault | Get-RecoveryVaultItem -Name web01 | Get-RecoveryVaultRecoveryPoint -Latest
        $script:container = $vault | Register-RecoveryVaultContainer -StorageAccountId $sa1
    }

    It 'stops every cmdlet with a terminating NotConnected error, before its input is even checked' {
        Disconnect-RecoveryVault
        try {
            $calls = [ordered]@{
                MountRecoveryVaultRecoveryPointCommand      = { $rp | Mount-RecoveryVaultRecoveryPoint -Path (Join-Path $tempRoot 'nc') -ErrorAction SilentlyContinue }
                DismountRecoveryVaultRecoveryPointCommand   = { Dismount-RecoveryVaultRecoveryPoint -Id 'not-an-id' -ErrorAction SilentlyContinue }
                GetRecoveryVaultContainerCommand            = { Get-RecoveryVaultContainer -Kind AzureFileShare -ErrorAction SilentlyContinue }
                RegisterRecoveryVaultContainerCommand       = { Register-RecoveryVaultContainer -VaultId 'not-an-id' -StorageAccountId 'not-an-id' -ErrorAction SilentlyContinue }
                UnregisterRecoveryVaultContainerCommand     = { $container | Unregister-RecoveryVaultContainer -Confirm:$false -ErrorAction SilentlyContinue }
                StopRecoveryVaultJobCommand                 = { $job | Stop-RecoveryVaultJob -Confirm:$false -ErrorAction SilentlyContinue }
                GetRecoveryVaultItemCommand                 = { Get-RecoveryVaultItem -VaultId $vault.Id -Kind MarsServer -ErrorAction SilentlyContinue }
                GetRecoveryVaultJobCommand                  = { Get-RecoveryVaultJob -VaultId $vault.Id -Kind MarsServer -ErrorAction SilentlyContinue }
            }
            foreach ($c in $calls.GetEnumerator()) {
                $err = $c.Value | Should -Throw -ErrorId "NotConnected,RecoveryVault.Commands.$($c.Key)" -PassThru
                $err.CategoryInfo.Category | Should -Be 'ConnectionError'
                $err.Exception.Message | Should -Match 'Run Connect-RecoveryVault first'
            }
        }
        finally { $emu | Connect-RecoveryVault | Out-Null }
        Test-Path (Join-Path $tempRoot 'nc') | Should -BeFalse
        ($vault | Get-RecoveryVaultContainer -Kind AzureFileShare).Id | Should -Be $container.Id
    }
}

Describe 'Get-RecoveryVaultContainer errors' {
    BeforeAll {
        Initialize-ErrorState
        $vault | Register-RecoveryVaultContainer -StorageAccountId $sa1 | Out-Null
    }

    It 'needs a vault, and a well-formed vault id, before any request' {
        $e = $null
        Get-RecoveryVaultContainer -Kind AzureFileShare -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Assert-RvError $e[0] -Id VaultRequired -Command GetRecoveryVaultContainerCommand -Category InvalidArgument -Target $null
        Get-RecoveryVaultContainer -Kind AzureFileShare -VaultId 'not-an-id' -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Assert-RvError $e[0] -Id InvalidResourceId -Command GetRecoveryVaultContainerCommand -Category InvalidArgument -Target 'not-an-id'
        Get-RecoveryVaultContainer -Kind AzureFileShare -VaultId $sa1 -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Assert-RvError $e[0] -Id InvalidResourceId -Command GetRecoveryVaultContainerCommand -Category InvalidArgument -Target $sa1
        $e[0].Exception.Message | Should -Match 'is not in a Recovery Services vault'
    }

    It 'says VaultNotFound for a missing vault without stopping the pipeline' {
        $gone = New-RecoveryVault -Name gone-vault -ResourceGroupName rg-prod -Location westeurope
        $gone | Remove-RecoveryVault -Confirm:$false
        $e = $null
        $found = $gone, $vault | Get-RecoveryVaultContainer -Kind AzureFileShare -ErrorVariable e -ErrorAction SilentlyContinue
        $e.Count | Should -Be 1
        Assert-RvError $e[0] -Id VaultNotFound -Command GetRecoveryVaultContainerCommand -Category ObjectNotFound -Target $gone.Id -Code ResourceNotFound
        $found.FriendlyName | Should -Be 'saprod01'
        Get-RecoveryVaultContainer -Kind AzureVM -VaultName nosuch -ResourceGroupName rg-prod -ErrorVariable e -ErrorAction SilentlyContinue
        Assert-RvError $e[0] -Id VaultNotFound -Command GetRecoveryVaultContainerCommand -Category ObjectNotFound `
            -Target "/subscriptions/$sub/resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/vaults/nosuch" -Code ResourceNotFound
    }

    It 'writes nothing and no error for a name or kind that matches nothing' {
        $e = $null
        $vault | Get-RecoveryVaultContainer -Kind AzureFileShare -Name nosuch -ErrorVariable e | Should -BeNullOrEmpty
        $vault | Get-RecoveryVaultContainer -Kind SqlDatabase -ErrorVariable +e | Should -BeNullOrEmpty
        $e | Should -BeNullOrEmpty
    }

    It 'refuses an unknown kind when binding' {
        { $vault | Get-RecoveryVaultContainer -Kind FileFolder } | Should -Throw -ErrorId 'ParameterArgumentValidationError,RecoveryVault.Commands.GetRecoveryVaultContainerCommand'
    }
}

Describe 'Register-RecoveryVaultContainer errors' {
    BeforeEach { Initialize-ErrorState }

    It 'refuses ids of the wrong type or malformed before any request' {
        $vmId = "/subscriptions/$sub/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/web01"
        $before = Get-ArmRequestCount -Method PUT -Like '*/protectionContainers/*'
        $e = $null
        $vault | Register-RecoveryVaultContainer -StorageAccountId $vmId -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Assert-RvError $e[0] -Id InvalidResourceId -Command RegisterRecoveryVaultContainerCommand -Category InvalidArgument -Target $vmId
        $e[0].Exception.Message | Should -Match 'is not a Microsoft.Storage/storageAccounts id'
        $vault | Register-RecoveryVaultContainer -VirtualMachineId $sa1 -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Assert-RvError $e[0] -Id InvalidResourceId -Command RegisterRecoveryVaultContainerCommand -Category InvalidArgument -Target $sa1
        $vault | Register-RecoveryVaultContainer -StorageAccountId 'saprod01' -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Assert-RvError $e[0] -Id InvalidResourceId -Command RegisterRecoveryVaultContainerCommand -Category InvalidArgument -Target 'saprod01'
        Register-RecoveryVaultContainer -StorageAccountId $sa1 -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Assert-RvError $e[0] -Id VaultRequired -Command RegisterRecoveryVaultContainerCommand -Category InvalidArgument -Target $null
        Get-ArmRequestCount -Method PUT -Like '*/protectionContainers/*' | Should -Be $before
        $vault | Get-RecoveryVaultContainer -Kind AzureFileShare | Should -BeNullOrEmpty
    }

    It 'passes on the service refusals as InvalidRequest with the container as target' {
        $containers = "$($vault.Id)/backupFabrics/Azure/protectionContainers"
        $e = $null
        $vault | Register-RecoveryVaultContainer -StorageAccountId "/subscriptions/$sub/resourceGroups/rg-prod/providers/Microsoft.Storage/storageAccounts/nosuch" -ErrorVariable e -ErrorAction SilentlyContinue
        Assert-RvError $e[0] -Id InvalidRequest -Command RegisterRecoveryVaultContainerCommand -Category InvalidArgument -Target "$containers/StorageContainer;Storage;rg-prod;nosuch" -Code UserErrorStorageAccountNotFound
        $vault | Register-RecoveryVaultContainer -StorageAccountId $saNorth -ErrorVariable e -ErrorAction SilentlyContinue
        Assert-RvError $e[0] -Id InvalidRequest -Command RegisterRecoveryVaultContainerCommand -Category InvalidArgument -Target "$containers/StorageContainer;Storage;rg-prod;sanorth01" -Code UserErrorContainerAndVaultInDifferentRegions
        $vault | Register-RecoveryVaultContainer -VirtualMachineId $app01 -ErrorVariable e -ErrorAction SilentlyContinue
        Assert-RvError $e[0] -Id InvalidRequest -Command RegisterRecoveryVaultContainerCommand -Category InvalidArgument -Target "$containers/VMAppContainer;Compute;rg-prod;app01" -Code UserErrorWorkloadNotFound
        $vault | Get-RecoveryVaultContainer -Kind AzureFileShare | Should -BeNullOrEmpty
        $vault | Get-RecoveryVaultContainer -Kind SqlDatabase | Should -BeNullOrEmpty
    }

    It 'returns the same container when registering again, and refuses a resource registered with another vault' {
        $first = $vault | Register-RecoveryVaultContainer -StorageAccountId $sa1
        $again = $vault | Register-RecoveryVaultContainer -StorageAccountId $sa1
        $again.Id | Should -Be $first.Id
        $again.RegistrationStatus | Should -Be 'Registered'
        @($vault | Get-RecoveryVaultContainer -Kind AzureFileShare).Count | Should -Be 1
        $e = $null
        $other | Register-RecoveryVaultContainer -StorageAccountId $sa1 -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Assert-RvError $e[0] -Id InvalidRequest -Command RegisterRecoveryVaultContainerCommand -Category InvalidArgument `
            -Target "$($other.Id)/backupFabrics/Azure/protectionContainers/StorageContainer;Storage;rg-prod;saprod01" -Code BMSUserErrorContainerAlreadyRegistered
        $other | Get-RecoveryVaultContainer -Kind AzureFileShare | Should -BeNullOrEmpty
    }

    It 'says VaultNotFound for a vault that does not exist, and registers with the next piped vault' {
        $gone = New-RecoveryVault -Name gone-vault -ResourceGroupName rg-prod -Location westeurope
        $gone | Remove-RecoveryVault -Confirm:$false
        $e = $null
        $out = $gone, $vault | Register-RecoveryVaultContainer -StorageAccountId $sa2 -ErrorVariable e -ErrorAction SilentlyContinue
        $e.Count | Should -Be 1
        Assert-RvError $e[0] -Id VaultNotFound -Command RegisterRecoveryVaultContainerCommand -Category ObjectNotFound `
            -Target "$($gone.Id)/backupFabrics/Azure/protectionContainers/StorageContainer;Storage;rg-prod;saprod02" -Code ResourceNotFound
        $out.VaultId | Should -Be $vault.Id
        $out.FriendlyName | Should -Be 'saprod02'
    }

    It 'registers nothing with -WhatIf' {
        $before = Get-ArmRequestCount -Method PUT -Like '*/protectionContainers/*'
        $vault | Register-RecoveryVaultContainer -StorageAccountId $sa1 -WhatIf | Should -BeNullOrEmpty
        $vault | Register-RecoveryVaultContainer -VirtualMachineId $app01 -WhatIf | Should -BeNullOrEmpty
        Get-ArmRequestCount -Method PUT -Like '*/protectionContainers/*' | Should -Be $before
        $vault | Get-RecoveryVaultContainer -Kind AzureFileShare | Should -BeNullOrEmpty
        $vault | Get-RecoveryVaultJob -Operation Register | Should -BeNullOrEmpty
    }
}

Describe 'Unregister-RecoveryVaultContainer errors' {
    BeforeAll {
        Initialize-ErrorState
        Protect-Share -InVault $vault -StorageAccountId $sa1 -Name share1
        $script:busy = $vault | Get-RecoveryVaultContainer -Kind AzureFileShare -Name saprod01
    }

    It 'refuses a container with protected items (non-terminating) and unregisters the next one' {
        $empty = $vault | Register-RecoveryVaultContainer -StorageAccountId $sa2
        $e = $null
        $busy, $empty | Unregister-RecoveryVaultContainer -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e.Count | Should -Be 1
        Assert-RvError $e[0] -Id InvalidRequest -Command UnregisterRecoveryVaultContainerCommand -Category InvalidArgument -Target $busy.Id -Code BMSUserErrorContainerHasDatasources
        ($vault | Get-RecoveryVaultContainer -Kind AzureFileShare).FriendlyName | Should -Be 'saprod01'
        ($vault | Get-RecoveryVaultItem -Name share1).ProtectionState | Should -Not -BeNullOrEmpty
    }

    It 'still refuses while the only item is soft-deleted' {
        $vault | Get-RecoveryVaultItem -Name share1 | Disable-RecoveryVaultProtection -DeleteBackupData -Confirm:$false | Out-Null
        ($vault | Get-RecoveryVaultItem -Deleted).FriendlyName | Should -Be 'share1'
        $e = $null
        $busy | Unregister-RecoveryVaultContainer -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
        Assert-RvError $e[0] -Id InvalidRequest -Command UnregisterRecoveryVaultContainerCommand -Category InvalidArgument -Target $busy.Id -Code BMSUserErrorContainerHasDatasources
        $e[0].Exception.Message | Should -Match 'soft-deleted'
        ($vault | Get-RecoveryVaultContainer -Kind AzureFileShare).FriendlyName | Should -Be 'saprod01'
    }

    It 'unregisters nothing with -WhatIf' {
        $c = $vault | Register-RecoveryVaultContainer -StorageAccountId $sa2
        $before = Get-ArmRequestCount -Method DELETE -Like '*/protectionContainers/*'
        $c | Unregister-RecoveryVaultContainer -WhatIf
        Get-ArmRequestCount -Method DELETE -Like '*/protectionContainers/*' | Should -Be $before
        ($vault | Get-RecoveryVaultContainer -Kind AzureFileShare -Name saprod02).RegistrationStatus | Should -Be 'Registered'
    }

    It 'succeeds quietly for a container that is already unregistered, which can then be registered again' {
        $c = $vault | Get-RecoveryVaultContainer -Kind AzureFileShare -Name saprod02
        $c | Unregister-RecoveryVaultContainer -Confirm:$false
        $jobs = @($vault | Get-RecoveryVaultJob -Operation UnRegister).Count
        $e = $null
        $c | Unregister-RecoveryVaultContainer -Confirm:$false -ErrorVariable e | Should -BeNullOrEmpty
        $e | Should -BeNullOrEmpty
        $vault | Get-RecoveryVaultContainer -Kind AzureFileShare -Name saprod02 | Should -BeNullOrEmpty
        # Nothing was left to unregister, so the service started no job.
        @($vault | Get-RecoveryVaultJob -Operation UnRegister).Count | Should -Be $jobs
        ($other | Register-RecoveryVaultContainer -StorageAccountId $sa2).RegistrationStatus | Should -Be 'Registered'
    }

    It 'says ResourceNotFound once the vault itself is gone' {
        $gone = New-RecoveryVault -Name gone-vault -ResourceGroupName rg-prod -Location westeurope
        Add-RecoveryVaultEmulatorData -MarsServerName fs09 -VaultId $gone.Id | Out-Null
        $stale = $gone | Get-RecoveryVaultContainer -Kind MarsServer
        $gone | Remove-RecoveryVault -DeleteBackupData -Force
        $e = $null
        $stale | Unregister-RecoveryVaultContainer -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
        Assert-RvError $e[0] -Id ResourceNotFound -Command UnregisterRecoveryVaultContainerCommand -Category ObjectNotFound -Target $stale.Id -Code ResourceNotFound
    }
}

Describe 'MARS servers, items and jobs' {
    BeforeAll {
        Initialize-ErrorState
        Protect-Vm -InVault $vault -Name web01
        Add-RecoveryVaultEmulatorData -MarsServerName fs01 -VaultId $vault.Id -ItemPath 'C:\Data', 'D:\Logs' | Out-Null
        Add-RecoveryVaultEmulatorData -MarsServerName fs02 -VaultId $vault.Id -ItemPath 'E:\Share' | Out-Null
    }

    It 'lists MARS items by kind, with their server as container' {
        $mars = $vault | Get-RecoveryVaultItem -Kind MarsServer
        $mars.FriendlyName | Sort-Object | Should -Be @('C:\Data', 'D:\Logs', 'E:\Share')
        $mars.Kind | Sort-Object -Unique | Should -Be 'MarsServer'
        $mars.BackupManagementType | Sort-Object -Unique | Should -Be 'MAB'
        ($mars | Where-Object FriendlyName -eq 'C:\Data').ContainerName | Should -Be 'fs01'
        ($mars | Where-Object FriendlyName -eq 'E:\Share').ContainerName | Should -Be 'fs02'
        ($vault | Get-RecoveryVaultItem -Kind AzureVM).FriendlyName | Should -Be 'web01'
        ($vault | Get-RecoveryVaultItem).Kind | Sort-Object -Unique | Should -Be @('AzureVM', 'MarsServer')
        # A backslash is no wildcard: the path is matched as it is.
        ($vault | Get-RecoveryVaultItem -Name 'C:\Data').Id | Should -Match '/protectionContainers/fs01/protectedItems/FileFolder;C:\\Data$'
        ($vault | Get-RecoveryVaultContainer -Kind MarsServer).FriendlyName | Sort-Object | Should -Be @('fs01', 'fs02')
    }

    It 'says ItemNotFound for a MARS path that is not protected, and nothing for a wildcard' {
        $e = $null
        $vault | Get-RecoveryVaultItem -Kind MarsServer -Name 'F:\Missing' -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Assert-RvError $e[0] -Id ItemNotFound -Command GetRecoveryVaultItemCommand -Category ObjectNotFound -Target 'F:\Missing'
        $vault | Get-RecoveryVaultItem -Kind MarsServer -Name 'F:\*' -ErrorVariable e | Should -BeNullOrEmpty
        $e | Should -BeNullOrEmpty
        # A VM name asked for among MARS items is not found either.
        $vault | Get-RecoveryVaultItem -Kind MarsServer -Name web01 -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Assert-RvError $e[0] -Id ItemNotFound -Command GetRecoveryVaultItemCommand -Category ObjectNotFound -Target 'web01'
    }

    It 'has no recovery points or jobs in Azure for a MARS item, and no on-demand backup' {
        $item = $vault | Get-RecoveryVaultItem -Name 'C:\Data'
        $e = $null
        $item | Get-RecoveryVaultRecoveryPoint -ErrorVariable e | Should -BeNullOrEmpty
        $e | Should -BeNullOrEmpty
        $item | Get-RecoveryVaultRecoveryPoint -Latest -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Assert-RvError $e[0] -Id RecoveryPointNotFound -Command GetRecoveryVaultRecoveryPointCommand -Category ObjectNotFound -Target $item.Id
        $item | Get-RecoveryVaultJob -ErrorVariable e | Should -BeNullOrEmpty
        $e | Should -BeNullOrEmpty
        $item | Backup-RecoveryVaultItem -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Assert-RvError $e[0] -Id UnsupportedForKind -Command BackupRecoveryVaultItemCommand -Category InvalidArgument -Target $item.Id
    }

    It 'unregisters a MARS server directly, taking its items with it, and lists that job as a MARS job' {
        $vault | Get-RecoveryVaultJob -Kind MarsServer | Should -BeNullOrEmpty
        $vault | Get-RecoveryVaultContainer -Kind MarsServer -Name fs01 | Unregister-RecoveryVaultContainer -Confirm:$false
        ($vault | Get-RecoveryVaultContainer -Kind MarsServer).FriendlyName | Should -Be 'fs02'
        ($vault | Get-RecoveryVaultItem -Kind MarsServer).FriendlyName | Should -Be 'E:\Share'
        $e = $null
        $vault | Get-RecoveryVaultItem -Name 'C:\Data' -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -Be 'ItemNotFound,RecoveryVault.Commands.GetRecoveryVaultItemCommand'

        $job = $vault | Get-RecoveryVaultJob -Kind MarsServer
        @($job).Count | Should -Be 1
        $job.Operation | Should -Be 'UnRegister'
        $job.Kind | Should -Be 'MarsServer'
        $job.JobType | Should -Be 'MabJob'
        $job.EntityFriendlyName | Should -Be 'fs01'
        $job.Status | Should -Be 'Completed'
        ($vault | Get-RecoveryVaultJob -JobId $job.JobId).Kind | Should -Be 'MarsServer'
        ($vault | Get-RecoveryVaultJob -Kind AzureVM).JobId | Should -Not -Contain $job.JobId
        ($vault | Get-RecoveryVaultJob -Kind MarsServer -Operation Backup) | Should -BeNullOrEmpty
        # A finished MARS job cannot be cancelled: a warning, no error.
        $out = $job | Stop-RecoveryVaultJob -PassThru 3>&1
        ($out | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }).Message | Should -Be "Job $($job.JobId) already ended (Completed); nothing to cancel."
        ($out | Where-Object { $_ -is [RecoveryVault.Models.BackupJob] }).Status | Should -Be 'Completed'
    }

    It 'stops protection of a MARS item whose name is a Windows path (the monitor URL escapes the backslash)' {
        $item = $vault | Get-RecoveryVaultItem -Kind MarsServer -Name 'E:\Share'
        $e = $null
        $after = $item | Disable-RecoveryVaultProtection -Wait -PassThru -Confirm:$false -ErrorVariable e
        $e | Should -BeNullOrEmpty
        $after.ProtectionState | Should -Be 'ProtectionStopped'
        $after.Id | Should -Be $item.Id
    }
}

Describe 'Mount-/Dismount-RecoveryVaultRecoveryPoint errors' {
    BeforeAll {
        Initialize-ErrorState
        Protect-Vm -InVault $vault -Name web01
        Protect-Share -InVault $vault -StorageAccountId $sa1 -Name share1
        $vault | Get-RecoveryVaultItem -Name web01 | Backup-RecoveryVaultItem | Out-Null
        $vault | Get-RecoveryVaultItem -Name share1 | Backup-RecoveryVaultItem | Out-Null
        # web02 in a vault without soft delete, so deleting its backup data removes its points for good.
        $other | Set-RecoveryVault -SoftDeleteState Disabled | Out-Null
        Protect-Vm -InVault $other -Name web02
        $other | Get-RecoveryVaultItem -Name web02 | Backup-RecoveryVaultItem | Out-Null
        Complete-RunningJobs
        $script:vmRp = $vault | Get-RecoveryVaultItem -Name web01 | Get-RecoveryVaultRecoveryPoint -Latest
        $script:fsRp = $vault | Get-RecoveryVaultItem -Name share1 | Get-RecoveryVaultRecoveryPoint -Latest
        $script:goneRp = $other | Get-RecoveryVaultItem -Name web02 | Get-RecoveryVaultRecoveryPoint -Latest
    }
    AfterEach {
        if ((Test-IlrSession -Point $vmRp)) { $vmRp | Dismount-RecoveryVaultRecoveryPoint -Confirm:$false }
    }

    It 'refuses a file share point (no instant file recovery) before any request, and mounts the next piped point' {
        $dir = Join-Path $tempRoot 'kind'
        $before = Get-ArmRequestCount -Method POST -Like '*AzureFileShare*provisionInstantItemRecovery*'
        $e = $null
        $mounts = $fsRp, $vmRp | Mount-RecoveryVaultRecoveryPoint -Path $dir -ErrorVariable e -ErrorAction SilentlyContinue
        $e.Count | Should -Be 1
        Assert-RvError $e[0] -Id UnsupportedForKind -Command MountRecoveryVaultRecoveryPointCommand -Category InvalidArgument -Target $fsRp.Id
        $e[0].Exception.Message | Should -Match 'this one is AzureFileShare'
        Get-ArmRequestCount -Method POST -Like '*AzureFileShare*provisionInstantItemRecovery*' | Should -Be $before
        @($mounts).Count | Should -Be 1
        $mounts.RecoveryPointId | Should -Be $vmRp.Id
        Test-Path $mounts.ScriptPath | Should -BeTrue
        Test-IlrSession -Point $vmRp | Should -BeTrue
    }

    It 'mounts nothing and saves no script with -WhatIf' {
        $dir = Join-Path $tempRoot 'whatif'
        $vmRp | Mount-RecoveryVaultRecoveryPoint -Path $dir -WhatIf | Should -BeNullOrEmpty
        Test-Path $dir | Should -BeFalse
        Test-IlrSession -Point $vmRp | Should -BeFalse
    }

    It 'refuses a -Path that is a file or outside the file system, before mounting' {
        New-Item -ItemType Directory -Path $tempRoot -Force | Out-Null
        $file = Join-Path $tempRoot 'not-a-folder.txt'
        Set-Content -Path $file -Value 'keep me'
        $e = $null
        $vmRp | Mount-RecoveryVaultRecoveryPoint -Path $file -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Assert-RvError $e[0] -Id InvalidParameterCombination -Command MountRecoveryVaultRecoveryPointCommand -Category InvalidArgument -Target $vmRp.Id
        Get-Content $file | Should -Be 'keep me'
        Test-IlrSession -Point $vmRp | Should -BeFalse
        $vmRp | Mount-RecoveryVaultRecoveryPoint -Path 'Env:\rv-ilr-test' -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Assert-RvError $e[0] -Id InvalidParameterCombination -Command MountRecoveryVaultRecoveryPointCommand -Category InvalidArgument -Target $vmRp.Id
        Test-Path (Join-Path ([Environment]::CurrentDirectory) 'rv-ilr-test') | Should -BeFalse
        Test-IlrSession -Point $vmRp | Should -BeFalse
    }

    It 'dismounts quietly a point that is not mounted' {
        Test-IlrSession -Point $vmRp | Should -BeFalse
        $e = $null
        $vmRp | Dismount-RecoveryVaultRecoveryPoint -Confirm:$false -ErrorVariable e | Should -BeNullOrEmpty
        $e | Should -BeNullOrEmpty
        Test-IlrSession -Point $vmRp | Should -BeFalse
    }

    It 'keeps the session open with Dismount -WhatIf, and ends it from the mount object' {
        $m = $vmRp | Mount-RecoveryVaultRecoveryPoint -Path (Join-Path $tempRoot 'dismount')
        Test-IlrSession -Point $vmRp | Should -BeTrue
        $before = Get-ArmRequestCount -Method POST -Like '*revokeInstantItemRecovery*'
        $m | Dismount-RecoveryVaultRecoveryPoint -WhatIf
        Get-ArmRequestCount -Method POST -Like '*revokeInstantItemRecovery*' | Should -Be $before
        Test-IlrSession -Point $vmRp | Should -BeTrue
        $m | Dismount-RecoveryVaultRecoveryPoint -Confirm:$false
        Test-IlrSession -Point $vmRp | Should -BeFalse
    }

    It 'refuses ids that are not recovery point ids, one error per id' {
        $itemId = $vmRp.ItemId
        $e = $null
        # -Id binds by property name (Id or RecoveryPointId), as from a CSV of saved mounts.
        [pscustomobject]@{ Id = 'not-an-id' }, [pscustomobject]@{ Id = $vault.Id }, [pscustomobject]@{ RecoveryPointId = $itemId } |
            Dismount-RecoveryVaultRecoveryPoint -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
        $e.Count | Should -Be 3
        Assert-RvError $e[0] -Id InvalidResourceId -Command DismountRecoveryVaultRecoveryPointCommand -Category InvalidArgument -Target 'not-an-id'
        Assert-RvError $e[1] -Id InvalidResourceId -Command DismountRecoveryVaultRecoveryPointCommand -Category InvalidArgument -Target $vault.Id
        Assert-RvError $e[2] -Id InvalidResourceId -Command DismountRecoveryVaultRecoveryPointCommand -Category InvalidArgument -Target $itemId
        $e[2].Exception.Message | Should -Match 'is not a recovery point id'
    }

    It 'says RecoveryPointNotFound for a point that does not exist' {
        $missing = "$($vmRp.ItemId)/recoveryPoints/123456"
        $e = $null
        Dismount-RecoveryVaultRecoveryPoint -Id $missing -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
        Assert-RvError $e[0] -Id RecoveryPointNotFound -Command DismountRecoveryVaultRecoveryPointCommand -Category ObjectNotFound -Target $missing -Code BMSUserErrorRecoveryPointNotFound
    }

    It 'says RecoveryPointNotFound on mount and dismount once the backup data is deleted' {
        $other | Get-RecoveryVaultItem -Name web02 | Disable-RecoveryVaultProtection -DeleteBackupData -Confirm:$false | Out-Null
        $other | Get-RecoveryVaultItem -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $dir = Join-Path $tempRoot 'gone'
        $e = $null
        $goneRp | Mount-RecoveryVaultRecoveryPoint -Path $dir -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Assert-RvError $e[0] -Id RecoveryPointNotFound -Command MountRecoveryVaultRecoveryPointCommand -Category ObjectNotFound -Target $goneRp.Id -Code BMSUserErrorItemNotFound
        Test-Path $dir | Should -BeFalse
        $goneRp | Dismount-RecoveryVaultRecoveryPoint -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
        Assert-RvError $e[0] -Id RecoveryPointNotFound -Command DismountRecoveryVaultRecoveryPointCommand -Category ObjectNotFound -Target $goneRp.Id -Code BMSUserErrorItemNotFound
    }
}

Describe 'Stop-RecoveryVaultJob errors' {
    BeforeEach {
        Initialize-ErrorState
        Protect-Vm -InVault $vault -Name web01
    }

    It 'cancels nothing with -WhatIf' {
        $job = $vault | Get-RecoveryVaultItem -Name web01 | Backup-RecoveryVaultItem
        $job.Status | Should -Be 'InProgress'
        # -PassThru still shows the job, as the service has it: untouched.
        ($job | Stop-RecoveryVaultJob -WhatIf -PassThru).Status | Should -Be 'InProgress'
        Get-ArmRequestCount -Method POST -Like '*/cancel*' | Should -Be 0
        ($vault | Get-RecoveryVaultJob -JobId $job.JobId).Status | Should -Be 'InProgress'
    }

    It 'warns, and writes no error, for jobs that already ended; cancels the running one piped after them' {
        $configure = $vault | Get-RecoveryVaultJob -Operation ConfigureBackup
        $configure.Status | Should -Be 'Completed'
        $running = $vault | Get-RecoveryVaultItem -Name web01 | Backup-RecoveryVaultItem
        $e = $null
        $out = $configure, $running | Stop-RecoveryVaultJob -PassThru -Confirm:$false -ErrorVariable e 3>&1
        $e | Should -BeNullOrEmpty
        ($out | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }).Message | Should -Be "Job $($configure.JobId) already ended (Completed); nothing to cancel."
        $jobs = $out | Where-Object { $_ -is [RecoveryVault.Models.BackupJob] }
        $jobs.Status | Should -Be @('Completed', 'Cancelled')
        # Stale piped object: it still says InProgress, the service says Cancelled.
        $running.Status | Should -Be 'InProgress'
        $again = $running | Stop-RecoveryVaultJob 3>&1
        $again.Message | Should -Be "Job $($running.JobId) already ended (Cancelled); nothing to cancel."
        Get-ArmRequestCount -Method POST -Like '*/cancel*' | Should -Be 1
    }

    It 'passes on the refusal of a job that ended before the cancel request arrived (not cancellable)' {
        $job = $vault | Get-RecoveryVaultItem -Name web01 | Backup-RecoveryVaultItem
        # Hold the cancel request for 4 s and end the job meanwhile: the job is read as running, then cannot be cancelled.
        Invoke-EmulatorAdmin -Method POST -Path '/_emulator/faults/next' -Body '{"kind":"latency","count":1,"method":"POST","pathContains":"/cancel","latencyMs":4000}' | Out-Null
        $finisher = Start-ThreadJob -ArgumentList $emu.Endpoint, $emu.CertificatePath -ScriptBlock {
            param($endpoint, $cert)
            $deadline = (Get-Date).AddSeconds(30)
            while ((Get-Date) -lt $deadline -and ((& curl -s --cacert $cert "$endpoint/_emulator/faults") | ConvertFrom-Json).queued -gt 0) { Start-Sleep -Milliseconds 50 }
            (& curl -s --cacert $cert -X POST -H 'Content-Type: application/json' -d '{"minutes":15}' "$endpoint/_emulator/clock/advance") | ConvertFrom-Json
        }
        try {
            $e = $null
            $job | Stop-RecoveryVaultJob -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue 3>$null | Should -BeNullOrEmpty
        }
        finally { $advanced = $finisher | Wait-Job -Timeout 60 | Receive-Job; $finisher | Remove-Job -Force }
        [int] $advanced.jobsCompleted | Should -BeGreaterOrEqual 1
        $e.Count | Should -Be 1
        Assert-RvError $e[0] -Id InvalidRequest -Command StopRecoveryVaultJobCommand -Category InvalidArgument -Target $job.Id -Code BMSUserErrorJobNotCancellable
        ($vault | Get-RecoveryVaultJob -JobId $job.JobId).Status | Should -Be 'Completed'
    }

    It 'says JobNotFound for a job that no longer exists' {
        $temp = New-RecoveryVault -Name job-vault -ResourceGroupName rg-test -Location westeurope
        Add-RecoveryVaultEmulatorData -MarsServerName fs01 -VaultId $temp.Id | Out-Null
        $temp | Get-RecoveryVaultContainer -Kind MarsServer | Unregister-RecoveryVaultContainer -Confirm:$false
        $job = $temp | Get-RecoveryVaultJob -Operation UnRegister
        $job | Should -Not -BeNullOrEmpty
        $temp | Remove-RecoveryVault -Confirm:$false
        New-RecoveryVault -Name job-vault -ResourceGroupName rg-test -Location westeurope | Out-Null
        $e = $null
        $job | Stop-RecoveryVaultJob -Confirm:$false -PassThru -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Assert-RvError $e[0] -Id JobNotFound -Command StopRecoveryVaultJobCommand -Category ObjectNotFound -Target $job.Id -Code BMSUserErrorJobNotFound
    }
}

Describe 'A Backup Reader' {
    BeforeAll {
        Initialize-ErrorState
        Protect-Vm -InVault $vault -Name web01
        $vault | Get-RecoveryVaultItem -Name web01 | Backup-RecoveryVaultItem | Out-Null
        Complete-RunningJobs
        $script:rp = $vault | Get-RecoveryVaultItem -Name web01 | Get-RecoveryVaultRecoveryPoint -Latest
        $script:running = $vault | Get-RecoveryVaultItem -Name web01 | Backup-RecoveryVaultItem
        $script:container = $vault | Register-RecoveryVaultContainer -StorageAccountId $sa1
        $script:reader = New-ReaderPrincipal
    }

    It 'sees containers and jobs, but cannot stop a job, unregister, register or mount' {
        Connect-AsPrincipal -Emulator $emu -Principal $reader
        try {
            ($vault | Get-RecoveryVaultContainer -Kind AzureFileShare).Id | Should -Be $container.Id
            ($vault | Get-RecoveryVaultJob -JobId $running.JobId).Status | Should -Be 'InProgress'
            $e = $null
            $running | Stop-RecoveryVaultJob -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            Assert-RvError $e[0] -Id PermissionDenied -Command StopRecoveryVaultJobCommand -Category PermissionDenied -Target $running.Id -Code AuthorizationFailed
            $e[0].Exception.Message | Should -Match "Microsoft.RecoveryServices/vaults/backupJobs/cancel/action"
            $e[0].ErrorDetails.RecommendedAction | Should -Match 'Grant-RecoveryVaultAccess'
            $container | Unregister-RecoveryVaultContainer -Confirm:$false -ErrorVariable e -ErrorAction SilentlyContinue
            Assert-RvError $e[0] -Id PermissionDenied -Command UnregisterRecoveryVaultContainerCommand -Category PermissionDenied -Target $container.Id -Code AuthorizationFailed
            $e[0].Exception.Message | Should -Match "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/delete"
            $vault | Register-RecoveryVaultContainer -StorageAccountId $sa2 -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            Assert-RvError $e[0] -Id PermissionDenied -Command RegisterRecoveryVaultContainerCommand -Category PermissionDenied `
                -Target "$($vault.Id)/backupFabrics/Azure/protectionContainers/StorageContainer;Storage;rg-prod;saprod02" -Code AuthorizationFailed
            $rp | Mount-RecoveryVaultRecoveryPoint -Path (Join-Path $tempRoot 'reader') -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            Assert-RvError $e[0] -Id PermissionDenied -Command MountRecoveryVaultRecoveryPointCommand -Category PermissionDenied -Target $rp.Id -Code AuthorizationFailed
        }
        finally { $emu | Connect-RecoveryVault | Out-Null }
        ($vault | Get-RecoveryVaultJob -JobId $running.JobId).Status | Should -Be 'InProgress'
        ($vault | Get-RecoveryVaultContainer -Kind AzureFileShare).FriendlyName | Should -Be 'saprod01'
        Test-IlrSession -Point $rp | Should -BeFalse
        Test-Path (Join-Path $tempRoot 'reader') | Should -BeFalse
    }
}
