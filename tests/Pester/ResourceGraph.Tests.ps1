# Issue 13, Azure Resource Graph: Search-RecoveryVault and Get-RecoveryVaultSummary answer the same as the per-vault
# cmdlets on one seeded estate (several subscriptions and vaults), and their objects pipe on like theirs.
# Wire shapes: resourcegraph.json 2024-04-01 and its examples (src/RecoveryVault.Emulator/Contract); the invalid-query
# answer as seen from the service in Azure/azure-powershell#13762 and grafana/grafana#35225.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-RecoveryVaultUnderTest
    $script:emu = Start-TestEmulator -PageSize 5
    $script:sub1 = $emu.SubscriptionId
    $script:sub2 = '6c4d3e2f-1a0b-4c9d-8e7f-a0b1c2d3e4f5'

    Initialize-TestState -Emulator $emu
    Add-RecoveryVaultEmulatorData -SubscriptionId $sub2 -SubscriptionName 'Second' | Out-Null
    Add-RecoveryVaultEmulatorData -SubscriptionId $sub2 -ResourceGroupName rg-two -Location westeurope | Out-Null
    $script:vaults = @(
        New-RecoveryVault -Name est-vault1 -ResourceGroupName rg-prod -Location westeurope
        New-RecoveryVault -Name est-vault2 -ResourceGroupName rg-test -Location westeurope
        New-RecoveryVault -Name est-vault3 -ResourceGroupName rg-two -Location westeurope -SubscriptionId $sub2
    )
    $i = 0
    foreach ($v in $vaults) {
        $rg = $v.ResourceGroupName
        foreach ($n in 1..3) {
            $i++
            $vm = "vm$i"
            Add-RecoveryVaultEmulatorData -SubscriptionId $v.SubscriptionId -ResourceGroupName $rg -VirtualMachineName $vm | Out-Null
            $v | Get-RecoveryVaultProtectableItem -Kind AzureVM -Name $vm -Refresh |
                Enable-RecoveryVaultProtection -Policy ($v | Get-RecoveryVaultPolicy -Name DefaultPolicy) | Out-Null
        }
        Add-RecoveryVaultEmulatorData -VaultId $v.Id -MarsServerName "srv-$($v.Name)" -ItemPath 'C:\Data', 'D:\Logs' | Out-Null
    }
    # One VM no vault protects.
    Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -VirtualMachineName lonely | Out-Null
    # Two backups that fail, in two subscriptions: "every item whose last backup failed".
    $script:failing = @(
        $vaults[0] | Get-RecoveryVaultItem -Name vm2
        $vaults[2] | Get-RecoveryVaultItem -Name vm8
    )
    # Scoped to those two items: an unscoped failure goes to whichever job ends first, and a scheduled backup of
    # another item that comes due meanwhile would take it.
    $failing | ForEach-Object { Add-RecoveryVaultEmulatorData -Fault jobFailure -PathContains $_.Id | Out-Null }
    $failing | Backup-RecoveryVaultItem -Wait -ErrorAction SilentlyContinue | Out-Null

    function Get-PerVault([scriptblock] $Read) { $vaults | ForEach-Object { & $Read $_ } }
    function Ids($Objects) { @($Objects | ForEach-Object Id | Sort-Object) }
}
AfterAll { Stop-RecoveryVaultEmulator }

Describe 'Search-RecoveryVault answers as the per-vault cmdlets do' {
    It 'finds every item of every subscription, as Get-RecoveryVaultItem on each vault' {
        $perVault = Get-PerVault { $args[0] | Get-RecoveryVaultItem }
        $searched = Search-RecoveryVault -Item
        $searched.Count | Should -Be 15
        Ids $searched | Should -Be (Ids $perVault)
        $searched[0] | Should -BeOfType RecoveryVault.Models.BackupItem
        # Every property the pipeline binds by (VaultId, Id, Kind, names) is the same object-for-object.
        foreach ($s in $searched) {
            $p = $perVault | Where-Object Id -EQ $s.Id
            foreach ($prop in 'VaultId', 'VaultName', 'ResourceGroupName', 'Name', 'FriendlyName', 'Kind', 'ProtectionState', 'HealthStatus', 'LastBackupStatus', 'PolicyName', 'SourceResourceId', 'ContainerName', 'IsDeleted') {
                $s.$prop | Should -Be $p.$prop -Because "$prop of $($s.Id)"
            }
        }
    }

    It 'filters by kind, name, policy, state and last backup status like the per-vault filters' {
        Ids (Search-RecoveryVault -Kind MarsServer) | Should -Be (Ids (Get-PerVault { $args[0] | Get-RecoveryVaultItem -Kind MarsServer }))
        Ids (Search-RecoveryVault -Name 'vm*') | Should -Be (Ids (Get-PerVault { $args[0] | Get-RecoveryVaultItem -Name 'vm*' }))
        Ids (Search-RecoveryVault -Name vm5) | Should -Be (Ids (Get-PerVault { $args[0] | Get-RecoveryVaultItem -Name vm5 -ErrorAction SilentlyContinue }))
        Ids (Search-RecoveryVault -PolicyName DefaultPolicy) | Should -Be (Ids (Get-PerVault { $args[0] | Get-RecoveryVaultItem -PolicyName DefaultPolicy }))
        Ids (Search-RecoveryVault -ProtectionState Protected -Kind AzureVM) | Should -Be (Ids (Get-PerVault { $args[0] | Get-RecoveryVaultItem -ProtectionState Protected -Kind AzureVM }))
        $failed = Search-RecoveryVault -LastBackupStatus Failed
        Ids $failed | Should -Be (Ids (Get-PerVault { $args[0] | Get-RecoveryVaultItem | Where-Object LastBackupStatus -EQ 'Failed' }))
        Ids $failed | Should -Be (Ids $failing)
        Search-RecoveryVault -Deleted | Should -BeNullOrEmpty
    }

    It 'scopes to the subscriptions named, and to the tenant root management group' {
        Ids (Search-RecoveryVault -SubscriptionId $sub2) | Should -Be (Ids ($vaults[2] | Get-RecoveryVaultItem))
        (Search-RecoveryVault -ManagementGroup $emu.TenantId).Count | Should -Be 15
        { Search-RecoveryVault -SubscriptionId 'not-a-guid' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidResourceId,RecoveryVault.Commands.SearchRecoveryVaultCommand'
    }

    It 'finds jobs, policies and vaults as Get-RecoveryVaultJob, -Policy and Get-RecoveryVault do' {
        Ids (Search-RecoveryVault -Job) | Should -Be (Ids (Get-PerVault { $args[0] | Get-RecoveryVaultJob }))
        Ids (Search-RecoveryVault -Job -Status Failed) | Should -Be (Ids (Get-PerVault { $args[0] | Get-RecoveryVaultJob -Status Failed }))
        (Search-RecoveryVault -Job -Status Failed).Count | Should -Be 2
        Ids (Search-RecoveryVault -Job -Operation ConfigureBackup -Kind AzureVM) | Should -Be (Ids (Get-PerVault { $args[0] | Get-RecoveryVaultJob -Operation ConfigureBackup -Kind AzureVM }))
        Ids (Search-RecoveryVault -Policy) | Should -Be (Ids (Get-PerVault { $args[0] | Get-RecoveryVaultPolicy }))
        Ids (Search-RecoveryVault -Policy -Kind AzureFileShare) | Should -Be (Ids (Get-PerVault { $args[0] | Get-RecoveryVaultPolicy -Kind AzureFileShare }))
        Ids (Search-RecoveryVault -Vault) | Should -Be (Ids (Get-RecoveryVault -SubscriptionId $sub1, $sub2))
        $v = Search-RecoveryVault -Vault -Name 'est-vault3'
        $v | Should -BeOfType RecoveryVault.Models.Vault
        $v.SubscriptionId | Should -Be $sub2
        $v.SoftDeleteState | Should -Be (Get-RecoveryVault -Name est-vault3 -SubscriptionId $sub2).SoftDeleteState
    }

    It 'pages through Resource Graph by $skipToken with the same answer' {
        $null = Get-RecoveryVault -Name est-vault1 -ResourceGroupName rg-prod
        $paged = Search-RecoveryVault -PageSize 2
        # 15 items, 2 a page: the GET just before, then 8 queries.
        $log = @((Invoke-Curl -Emulator $emu -PathAndQuery '/_emulator/requests?last=9').Body | ConvertFrom-Json)
        $log[0].method | Should -Be 'GET'
        @($log[1..8] | Where-Object { $_.method -eq 'POST' -and $_.path -like '/providers/Microsoft.ResourceGraph/resources*' -and $_.status -eq 200 }).Count | Should -Be 8
        Ids $paged | Should -Be (Ids (Search-RecoveryVault))

        # Pages are asked for as the pipeline reads: the first object is out while the second page is on its way, and
        # stopping there asks for no more. Each query answers after 200 ms (a latency fault), so a third query could
        # only have started 400 ms in: on loopback the whole listing would otherwise be fetched before the first write.
        $null = Get-RecoveryVault -Name est-vault1 -ResourceGroupName rg-prod
        Add-RecoveryVaultEmulatorData -Fault latency -Count 8 -PathContains Microsoft.ResourceGraph | Out-Null
        try {
            $first = Search-RecoveryVault -PageSize 2 | Select-Object -First 1
        } finally {
            $null = Invoke-Curl -Emulator $emu -Method DELETE -PathAndQuery '/_emulator/faults'
        }
        $first | Should -BeOfType RecoveryVault.Models.BackupItem
        $log = @((Invoke-Curl -Emulator $emu -PathAndQuery '/_emulator/requests?last=3').Body | ConvertFrom-Json)
        @($log | Where-Object { $_.path -like '/providers/Microsoft.ResourceGraph/resources*' }).Count | Should -BeLessOrEqual 2
    }

    It 'pipes a searched item into Backup-RecoveryVaultItem like one from Get-RecoveryVaultItem' {
        $item = Search-RecoveryVault -Name vm4
        $job = $item | Backup-RecoveryVaultItem -Wait
        $job.Operation | Should -Be 'Backup'
        $job.Status | Should -Be 'Completed'
        $job.VaultId | Should -Be $item.VaultId
        ($item | Get-RecoveryVaultRecoveryPoint).Count | Should -BeGreaterThan 0
    }

    It 'runs raw KQL and returns PSObjects' {
        $rows = Search-RecoveryVault -Query "RecoveryServicesResources | where type == 'microsoft.recoveryservices/vaults/backupjobs' and properties.status == 'Failed' | summarize count() by subscriptionId | order by subscriptionId asc"
        $rows.Count | Should -Be 2
        $rows[0].count_ | Should -Be 1
        $vm = Search-RecoveryVault -Query "Resources | where type =~ 'Microsoft.Compute/virtualMachines' and name == 'lonely' | project id, name, os = tostring(properties.storageProfile.osDisk.osType)"
        $vm.name | Should -Be 'lonely'
        $vm.os | Should -Be 'Windows'
    }

    It 'does not promise a positional query: a KQL string given without -Query is a -Name, and says so' {
        # SYNTAX said [-Query] <string>, but the default (Item) set's -Name is position 0 too, so PowerShell always bound
        # the string to -Name: Search-AzGraph's habit (Search-AzGraph 'Resources | …') silently found nothing.
        (Get-Command Search-RecoveryVault).Parameters['Query'].ParameterSets['Query'].Position | Should -BeLessThan 0
        $w = $null
        Search-RecoveryVault 'Resources | project name' -WarningVariable w -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        "$w" | Should -Match '-Query'
        $w = $null
        Search-RecoveryVault -Name 'vm*' -WarningVariable w -WarningAction SilentlyContinue | Out-Null
        $w | Should -BeNullOrEmpty
    }

    It 'completes -ResourceGroupName of -Vault as Get-RecoveryVault does' {
        $line = 'Search-RecoveryVault -Vault -ResourceGroupName rg-'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'rg-prod'
    }

    It 'says InvalidQuery for a query Resource Graph refuses, naming the token' {
        { Search-RecoveryVault -Query 'Resources | join (Resources) on id' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidQuery,RecoveryVault.Commands.SearchRecoveryVaultCommand'
        $err = $null
        Search-RecoveryVault -Query "Resources | where name ==" -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].Exception.Message | Should -Match 'ParserFailure'
        $err[0].Exception.Message | Should -Match 'Code: BadRequest'
    }
}

Describe 'What the credential may read' {
    AfterAll { $emu | Connect-RecoveryVault | Out-Null }

    It 'finds only the items of the vaults a Backup Reader may read, as the per-vault cmdlets do' {
        $p = Add-RecoveryVaultEmulatorData -PrincipalName "reader-$(Get-Random)"
        Add-RecoveryVaultEmulatorData -PrincipalId $p.ObjectId -RoleName 'Backup Reader' -Scope $vaults[1].Id | Out-Null
        Connect-AsPrincipal -Emulator $emu -Principal $p
        $searched = Search-RecoveryVault
        Ids $searched | Should -Be (Ids ($vaults[1] | Get-RecoveryVaultItem))
        (Search-RecoveryVault -Vault).Id | Should -Be $vaults[1].Id
        (Get-RecoveryVaultSummary).ProtectedItemCount | Should -Be 5
    }
}

Describe 'Get-RecoveryVaultSummary' {
    It 'gives the Backup center overview of the estate' {
        $s = Get-RecoveryVaultSummary
        $s | Should -BeOfType RecoveryVault.Models.RecoveryVaultSummary
        $s.ProtectedItemCount | Should -Be 15
        $expected = Get-PerVault { $args[0] | Get-RecoveryVaultItem } | Group-Object { "$($_.Kind) / $($_.ProtectionState)" } |
            Sort-Object Name | ForEach-Object { "$($_.Name): $($_.Count)" }
        @($s.ItemsByKindAndState | ForEach-Object ToString) | Should -Be @($expected)
        ($s.ItemsByKindAndState | Where-Object Name -EQ 'MarsServer / Protected').Count | Should -Be 6
        $s.VaultCount | Should -Be 3
        $s.VirtualMachineCount | Should -Be 10
        $s.UnprotectedVirtualMachineCount | Should -Be 1
        $s.FailedJobCount | Should -Be 2
        $perVault = Get-PerVault { $args[0] | Get-RecoveryVaultJob }
        $s.JobCount | Should -Be $perVault.Count
        ($s.VaultsBySecurityLevel | Measure-Object Count -Sum).Sum | Should -Be 3
        (Get-RecoveryVaultSummary -SubscriptionId $sub2).ProtectedItemCount | Should -Be 5
    }

    It 'refuses a subscription id that is not one before any query' {
        { Get-RecoveryVaultSummary -SubscriptionId 'not-a-guid' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidResourceId,RecoveryVault.Commands.GetRecoveryVaultSummaryCommand'
    }
}
