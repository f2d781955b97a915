# Multi-user authorization with a resource guard (issue 10), end to end against the emulator.
# Sources: Azure Backup "About Multi-user authorization using Resource Guard" (critical operations; disable soft delete
# and remove MUA are Mandatory; Backup MUA Operator performs critical operations, Reader on the guard lets a backup
# admin map a vault), "Configure Multi-user authorization using Resource Guard" (guard in another tenant, same region),
# Azure Resource Manager "Authenticate requests across tenants" (x-ms-authorization-auxiliary), Az.RecoveryServices
# Set-AzRecoveryServicesResourceGuardMapping -Token and its UpdateRSVault (resourceGuardOperationRequests from the
# mapping's defaultResourceRequest), dataprotection.json 2026-06-01 and bms.json 2023-06-01 (backupResourceGuardProxies).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-RecoveryVaultUnderTest
    $script:emu = Start-TestEmulator

    function script:Initialize-GuardTenant {
        # Tenant B holds the guard, owned by its Security admin; the vault owner (tenant A) has no role there.
        $script:tenantB = [guid]::NewGuid().ToString()
        $script:subB = [guid]::NewGuid().ToString()
        Add-RecoveryVaultEmulatorData -TenantId $tenantB -TenantName 'Security tenant' | Out-Null
        Add-RecoveryVaultEmulatorData -SubscriptionId $subB -TenantId $tenantB | Out-Null
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-guard -Location westeurope -SubscriptionId $subB | Out-Null
        $script:security = Add-RecoveryVaultEmulatorData -PrincipalName "secadmin-$(Get-Random)" -TenantId $tenantB
        Add-RecoveryVaultEmulatorData -PrincipalId $security.ObjectId -RoleName 'Backup MUA Admin' -Scope "/subscriptions/$subB/resourceGroups/rg-guard" | Out-Null
        $emu | Connect-RecoveryVault -Credential $security.Credential -TenantId $tenantB -SubscriptionId $subB | Out-Null
        $script:guard = New-RecoveryVaultResourceGuard -Name guard-b -ResourceGroupName rg-guard -Location westeurope -SubscriptionId $subB
        $emu | Connect-RecoveryVault | Out-Null
    }

    function script:Get-TenantBToken {
        # The owner's own token for tenant B (as Get-AzAccessToken -TenantId gives it), for -ResourceGuardToken.
        $raw = & curl -s --cacert $emu.CertificatePath -X POST "$($emu.Endpoint)/$tenantB/oauth2/v2.0/token" `
            -d "grant_type=client_credentials&client_id=$($emu.ClientId)&client_secret=$($emu.ClientSecret)&scope=https%3A%2F%2Fmanagement.azure.com%2F.default"
        ConvertTo-SecureString ($raw | ConvertFrom-Json).access_token -AsPlainText -Force
    }

    function script:Grant-OnGuard([string] $Role) {
        Add-RecoveryVaultEmulatorData -PrincipalId $emu.ClientId -RoleName $Role -Scope $guard.Id | Out-Null
    }
}
AfterAll { Stop-RecoveryVaultEmulator }

Describe 'Resource guards' {
    BeforeEach { Initialize-TestState -Emulator $emu }

    It 'creates, gets, lists and removes a guard, listing the critical operations it protects' {
        $g = New-RecoveryVaultResourceGuard -Name guard1 -ResourceGroupName rg-prod -Location westeurope -Tag @{ owner = 'security' }
        $g | Should -BeOfType RecoveryVault.Models.ResourceGuard
        $g.ProtectedOperations | Should -Contain 'Microsoft.RecoveryServices/vaults/backupconfig/write'
        $g.ProtectedOperations | Should -Contain 'Microsoft.RecoveryServices/vaults/backupResourceGuardProxies/delete'
        $g.Tags.owner | Should -Be 'security'
        (Get-RecoveryVaultResourceGuard -Name guard1 -ResourceGroupName rg-prod).Id | Should -Be $g.Id
        (Get-RecoveryVaultResourceGuard -ResourceId $g.Id).Name | Should -Be 'guard1'
        @(Get-RecoveryVaultResourceGuard -ResourceGroupName rg-prod).Count | Should -Be 1
        @(Get-RecoveryVaultResourceGuard).Name | Should -Contain 'guard1'
        $g | Remove-RecoveryVaultResourceGuard -Force
        { Get-RecoveryVaultResourceGuard -Name guard1 -ResourceGroupName rg-prod -ErrorAction Stop } | Should -Throw -ErrorId 'ResourceNotFound,RecoveryVault.Commands.GetRecoveryVaultResourceGuardCommand'
    }

    It 'finds a guard by name, or by a wildcard, across the subscription as Get-RecoveryVault finds vaults, and pipes it on' {
        # Without -ResourceGroupName the name was refused ('-Name needs -ResourceGroupName'), so
        # Get-RecoveryVaultResourceGuard guard-a | Remove-RecoveryVaultResourceGuard could not be written.
        $a = New-RecoveryVaultResourceGuard -Name guard-a -ResourceGroupName rg-prod -Location westeurope
        New-RecoveryVaultResourceGuard -Name guard-b -ResourceGroupName rg-test -Location westeurope | Out-Null
        (Get-RecoveryVaultResourceGuard guard-a).Id | Should -Be $a.Id
        @(Get-RecoveryVaultResourceGuard -Name guard-* | Sort-Object Name).Name | Should -Be @('guard-a', 'guard-b')
        @(Get-RecoveryVaultResourceGuard -Name guard-* -ResourceGroupName rg-test).Name | Should -Be @('guard-b')
        Get-RecoveryVaultResourceGuard -Name nothing-* | Should -BeNullOrEmpty
        { Get-RecoveryVaultResourceGuard -Name guard-z -ErrorAction Stop } | Should -Throw -ErrorId 'ResourceNotFound,RecoveryVault.Commands.GetRecoveryVaultResourceGuardCommand'
        # ByResourceId with the Id property, as every other Get- takes a piped object's Id.
        ([pscustomobject]@{ Id = $a.Id } | Get-RecoveryVaultResourceGuard).Name | Should -Be 'guard-a'
        Get-RecoveryVaultResourceGuard guard-a | Remove-RecoveryVaultResourceGuard -Force
        @(Get-RecoveryVaultResourceGuard -Name guard-*).Name | Should -Be @('guard-b')
    }

    It 'excludes optional operations but refuses to exclude a Mandatory one' {
        $g = New-RecoveryVaultResourceGuard -Name guard2 -ResourceGroupName rg-prod -Location westeurope -ExcludedOperation 'Microsoft.RecoveryServices/vaults/backupPolicies/write'
        $g.ExcludedOperations | Should -Be @('Microsoft.RecoveryServices/vaults/backupPolicies/write')
        $g.ProtectedOperations | Should -Not -Contain 'Microsoft.RecoveryServices/vaults/backupPolicies/write'
        { New-RecoveryVaultResourceGuard -Name guard3 -ResourceGroupName rg-prod -Location westeurope -ExcludedOperation 'Microsoft.RecoveryServices/vaults/backupconfig/write' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidRequest,RecoveryVault.Commands.NewRecoveryVaultResourceGuardCommand'
    }

    It 'never replaces an existing guard: New- is ResourceGuardAlreadyExists and the guard keeps its exclusions and tags' {
        # The PUT of ResourceGuards_Put (dataprotection.json) is create-or-update: sent again it would reset the
        # exclusion list and tags, as New-RecoveryVault refuses an existing vault (VaultAlreadyExists).
        $g = New-RecoveryVaultResourceGuard -Name guard-keep -ResourceGroupName rg-prod -Location westeurope -Tag @{ owner = 'security' } `
            -ExcludedOperation 'Microsoft.RecoveryServices/vaults/backupPolicies/write'
        $err = $null
        New-RecoveryVaultResourceGuard -Name guard-keep -ResourceGroupName rg-prod -Location westeurope -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'ResourceGuardAlreadyExists,RecoveryVault.Commands.NewRecoveryVaultResourceGuardCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $err[0].Exception.Message | Should -Match 'Set-RecoveryVaultResourceGuard'
        $now = Get-RecoveryVaultResourceGuard -ResourceId $g.Id
        $now.ExcludedOperations | Should -Be @('Microsoft.RecoveryServices/vaults/backupPolicies/write')
        $now.Tags.owner | Should -Be 'security'
    }

    It 'changes a guard''s exclusions or tags with Set-, keeping what is not given' {
        $policyWrite = 'Microsoft.RecoveryServices/vaults/backupPolicies/write'
        $itemWrite = 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/write'
        $g = New-RecoveryVaultResourceGuard -Name guard-set -ResourceGroupName rg-prod -Location westeurope -Tag @{ owner = 'security' }
        $s = Set-RecoveryVaultResourceGuard -Name guard-set -ResourceGroupName rg-prod -ExcludedOperation $policyWrite, $itemWrite
        $s | Should -BeOfType RecoveryVault.Models.ResourceGuard
        @($s.ExcludedOperations | Sort-Object) | Should -Be @($itemWrite, $policyWrite | Sort-Object)
        $s.ProtectedOperations | Should -Not -Contain $policyWrite
        $s.ProtectedOperations | Should -Contain 'Microsoft.RecoveryServices/vaults/backupconfig/write'
        $s.Tags.owner | Should -Be 'security'
        $s.Location | Should -Be 'westeurope'
        # A piped guard binds by Id; -Tag alone keeps the exclusions.
        $t = $g | Set-RecoveryVaultResourceGuard -Tag @{ owner = 'secops'; cost = 'shared' }
        $t.Tags.owner | Should -Be 'secops'
        $t.Tags.cost | Should -Be 'shared'
        $t.ExcludedOperations.Count | Should -Be 2
        # @() protects everything again.
        $u = Set-RecoveryVaultResourceGuard -ResourceId $g.Id -ExcludedOperation @()
        $u.ExcludedOperations | Should -BeNullOrEmpty
        $u.ProtectedOperations | Should -Contain $policyWrite
        (Get-RecoveryVaultResourceGuard -ResourceId $g.Id).Tags.cost | Should -Be 'shared'
    }

    It 'Set- changes nothing under -WhatIf, and its confirmation names what stops and starts being protected' {
        $op = 'Microsoft.RecoveryServices/vaults/backupPolicies/write'
        $g = New-RecoveryVaultResourceGuard -Name guard-wi -ResourceGroupName rg-prod -Location westeurope
        Set-RecoveryVaultResourceGuard -ResourceId $g.Id -ExcludedOperation $op -WhatIf | Should -BeNullOrEmpty
        (Get-RecoveryVaultResourceGuard -ResourceId $g.Id).ExcludedOperations | Should -BeNullOrEmpty
        # The ShouldProcess text (what -WhatIf and -Confirm show) also goes to the verbose stream.
        $said = Set-RecoveryVaultResourceGuard -ResourceId $g.Id -ExcludedOperation $op -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Out-String
        $said | Should -Match "stop protecting $([regex]::Escape($op)) \(no longer needs the guard's approval\)"
        $said = Set-RecoveryVaultResourceGuard -ResourceId $g.Id -ExcludedOperation @() -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Out-String
        $said | Should -Match "protect $([regex]::Escape($op)) again"
    }

    It 'Set- refuses a mandatory exclusion (InvalidRequest), a missing guard (ResourceNotFound) and nothing to change, leaving the guard as it was' {
        # MUA concept page: "You can't exclude the operations denoted as Mandatory" (disable soft delete, remove MUA).
        $g = New-RecoveryVaultResourceGuard -Name guard-bad -ResourceGroupName rg-prod -Location westeurope -ExcludedOperation 'Microsoft.RecoveryServices/vaults/backupPolicies/write'
        { $g | Set-RecoveryVaultResourceGuard -ExcludedOperation 'Microsoft.RecoveryServices/vaults/backupconfig/write' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidRequest,RecoveryVault.Commands.SetRecoveryVaultResourceGuardCommand'
        (Get-RecoveryVaultResourceGuard -ResourceId $g.Id).ExcludedOperations | Should -Be @('Microsoft.RecoveryServices/vaults/backupPolicies/write')
        { Set-RecoveryVaultResourceGuard -Name no-such-guard -ResourceGroupName rg-prod -Tag @{ a = 'b' } -ErrorAction Stop } |
            Should -Throw -ErrorId 'ResourceNotFound,RecoveryVault.Commands.SetRecoveryVaultResourceGuardCommand'
        { $g | Set-RecoveryVaultResourceGuard -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidParameterCombination,RecoveryVault.Commands.SetRecoveryVaultResourceGuardCommand'
        # Per-item errors: the next piped guard still goes through.
        $other = New-RecoveryVaultResourceGuard -Name guard-next -ResourceGroupName rg-prod -Location westeurope
        $err = $null
        $done = [pscustomobject]@{ Id = "$($g.Id)-gone" }, $other | Set-RecoveryVaultResourceGuard -Tag @{ k = 'v' } -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $done.Name | Should -Be 'guard-next'
    }

    It 'refuses a -Location that is not a region, or not one of the subscription''s, and creates nothing' {
        # As New-RecoveryVault (Subscriptions - List Locations); a guard must be in the vaults' region
        # ("Configure Multi-user authorization using Resource Guard"), so a made-up one was a guard no vault could use.
        { New-RecoveryVaultResourceGuard -Name guard-l -ResourceGroupName rg-prod -Location '../x' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidLocation,RecoveryVault.Commands.NewRecoveryVaultResourceGuardCommand'
        { New-RecoveryVaultResourceGuard -Name guard-l -ResourceGroupName rg-prod -Location nowhere -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidLocation,RecoveryVault.Commands.NewRecoveryVaultResourceGuardCommand' -ExpectedMessage "*'nowhere' is not a region of subscription*"
        Get-RecoveryVaultResourceGuard -ResourceGroupName rg-prod | Should -BeNullOrEmpty
        (New-RecoveryVaultResourceGuard -Name guard-l -ResourceGroupName rg-prod -Location 'West Europe').Location | Should -Be 'westeurope'
    }

    It 'says a guard that does not exist may be why the guard refused, not only a missing role' {
        # Azure's LinkedAuthorizationFailed: "does not have permission … on the linked scope(s) … or the linked scope(s)
        # are invalid". The owner of the subscription reads every guard in it, so 'needs the Reader role' alone was wrong.
        $vault = New-RecoveryVault -Name mua-gone -ResourceGroupName rg-prod -Location westeurope
        $missing = "/subscriptions/$($emu.SubscriptionId)/resourceGroups/rg-prod/providers/Microsoft.DataProtection/resourceGuards/no-such-guard"
        $err = $null
        $vault | Set-RecoveryVaultResourceGuardMapping -ResourceGuardId $missing -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'ResourceGuardAccessDenied,RecoveryVault.Commands.SetRecoveryVaultResourceGuardMappingCommand'
        $err[0].Exception.Message | Should -BeLike "*If the guard was deleted or the id is wrong*Get-RecoveryVaultResourceGuard -ResourceId '$missing'*"
    }

    It 'maps a vault to a guard object given as -ResourceGuardId, as to its id' {
        # '-ResourceGuardId $guard' bound the type name ('RecoveryVault.Models.ResourceGuard is not a resource guard id').
        $g = New-RecoveryVaultResourceGuard -Name guard-o -ResourceGroupName rg-prod -Location westeurope
        $vault = New-RecoveryVault -Name mua-obj -ResourceGroupName rg-prod -Location westeurope
        ($vault | Set-RecoveryVaultResourceGuardMapping -ResourceGuardId $g).ResourceGuardId | Should -Be $g.Id
    }

    It 'in a host that cannot ask, a removal without -Force is ConfirmationRequired and removes nothing' {
        # The Pester host is non-interactive: the prompt of ConfirmImpact High fails. It came out as ServiceError,
        # although no service was involved; the catalogue's id for "this host cannot ask" is ConfirmationRequired.
        $g = New-RecoveryVaultResourceGuard -Name guard-ask -ResourceGroupName rg-prod -Location westeurope
        $err = $null
        $g | Remove-RecoveryVaultResourceGuard -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'ConfirmationRequired,RecoveryVault.Commands.RemoveRecoveryVaultResourceGuardCommand'
        $err[0].Exception.Message | Should -Match '-Force'
        (Get-RecoveryVaultResourceGuard -ResourceId $g.Id).Name | Should -Be 'guard-ask'
        $g | Remove-RecoveryVaultResourceGuard -Confirm:$false
        Get-RecoveryVaultResourceGuard -ResourceGroupName rg-prod | Should -BeNullOrEmpty
    }

    It 'completes -ResourceGroupName of the guard cmdlets as the vault cmdlets do' {
        foreach ($command in 'New-RecoveryVaultResourceGuard', 'Get-RecoveryVaultResourceGuard', 'Set-RecoveryVaultResourceGuard', 'Remove-RecoveryVaultResourceGuard') {
            $line = "$command -ResourceGroupName rg-p"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('rg-prod') -Because $command
        }
    }

    It 'says VaultNotFound when asked for the mapping of a vault that is gone (ResourceGuardProxy_Get under a deleted vault)' {
        $gone = New-RecoveryVault -Name mua-gone -ResourceGroupName rg-prod -Location westeurope
        $gone | Remove-RecoveryVault -Force
        $err = $null
        $gone | Get-RecoveryVaultResourceGuardMapping -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'VaultNotFound,RecoveryVault.Commands.GetRecoveryVaultResourceGuardMappingCommand'
    }

    It 'refuses a malformed guard id before any request' {
        $vault = New-RecoveryVault -Name mua-bad -ResourceGroupName rg-prod -Location westeurope
        { $vault | Set-RecoveryVaultResourceGuardMapping -ResourceGuardId '/subscriptions/x/resourceGroups/y' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidResourceId,RecoveryVault.Commands.SetRecoveryVaultResourceGuardMappingCommand'
    }
}

Describe 'Multi-user authorization with a guard in another tenant' {
    BeforeEach {
        Initialize-TestState -Emulator $emu
        Initialize-GuardTenant
        $script:vault = New-RecoveryVault -Name mua-vault -ResourceGroupName rg-prod -Location westeurope
    }

    It 'cannot map without a token for the guard''s tenant, nor without Reader on the guard' {
        # The owner is no guest of tenant B: no token can be acquired there.
        $err = $null
        $vault | Set-RecoveryVaultResourceGuardMapping -ResourceGuardId $guard.Id -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'ResourceGuardAuthorizationRequired,RecoveryVault.Commands.SetRecoveryVaultResourceGuardMappingCommand'
        $err[0].Exception.Message | Should -Match ([regex]::Escape($guard.Id))
        $err[0].Exception.Message | Should -Match $tenantB
        # Invited, it gets a token for tenant B automatically, but still lacks Reader on the guard.
        Add-RecoveryVaultEmulatorData -TenantId $tenantB -GuestClientId $emu.ClientId | Out-Null
        $vault | Set-RecoveryVaultResourceGuardMapping -ResourceGuardId $guard.Id -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'ResourceGuardAccessDenied,RecoveryVault.Commands.SetRecoveryVaultResourceGuardMappingCommand'
        $err[0].Exception.Message | Should -Match "'Reader' role"
        $vault | Get-RecoveryVaultResourceGuardMapping | Should -BeNullOrEmpty
    }

    It 'maps with Reader, then refuses every critical operation until the Backup MUA Operator role, then allows them' {
        Add-RecoveryVaultEmulatorData -TenantId $tenantB -GuestClientId $emu.ClientId | Out-Null
        Grant-OnGuard Reader
        $m = $vault | Set-RecoveryVaultResourceGuardMapping -ResourceGuardId $guard.Id
        $m | Should -BeOfType RecoveryVault.Models.ResourceGuardMapping
        $m.ResourceGuardName | Should -Be 'guard-b'
        $m.ProtectedOperations | Should -Contain 'Microsoft.RecoveryServices/vaults/backupconfig/write'
        (Get-RecoveryVault -Name mua-vault -ResourceGroupName rg-prod).MultiUserAuthorization | Should -Be 'Enabled'
        ($vault | Get-RecoveryVaultResourceGuardMapping).ResourceGuardId | Should -Be $guard.Id
        # The security check sees the mapping, and the service's level moves with it (MUA alone is Fair, the Business
        # Continuity center "security levels").
        $report = Get-RecoveryVault -Name mua-vault -ResourceGroupName rg-prod | Test-RecoveryVaultSecurity
        ($report.Checks | Where-Object Name -EQ MultiUserAuthorization).Result | Should -Be 'Passed'
        $report.BcdrSecurityLevel | Should -Be 'Fair'

        $policy = $vault | New-RecoveryVaultPolicy -Name mua-daily -Kind AzureVM -Schedule (New-RecoveryVaultSchedule -Daily -At 02:30) -Retention (New-RecoveryVaultRetention -DailyDays 30)
        $short = $vault | New-RecoveryVaultPolicy -Name mua-short -Kind AzureVM -Schedule (New-RecoveryVaultSchedule -Daily -At 03:30) -Retention (New-RecoveryVaultRetention -DailyDays 7)
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -VirtualMachineName muavm | Out-Null
        Enable-RecoveryVaultProtection -SourceResourceId "/subscriptions/$($emu.SubscriptionId)/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/muavm" -Policy $policy -Wait | Out-Null
        $item = $vault | Get-RecoveryVaultItem -Name muavm

        # Reader only: each critical operation is refused by the guard, with the id that says so.
        $denied = 'ResourceGuardAccessDenied,RecoveryVault.Commands.{0}'
        { Set-RecoveryVault -Name mua-vault -ResourceGroupName rg-prod -SoftDeleteState Disabled -ErrorAction Stop } | Should -Throw -ErrorId ($denied -f 'SetRecoveryVaultCommand')
        { $policy | Set-RecoveryVaultPolicy -Retention (New-RecoveryVaultRetention -DailyDays 10) -ErrorAction Stop } | Should -Throw -ErrorId ($denied -f 'SetRecoveryVaultPolicyCommand')
        { $item | Set-RecoveryVaultItem -Policy $short -ErrorAction Stop } | Should -Throw -ErrorId ($denied -f 'SetRecoveryVaultItemCommand')
        { $vault | Remove-RecoveryVaultResourceGuardMapping -Force -ErrorAction Stop } | Should -Throw -ErrorId ($denied -f 'RemoveRecoveryVaultResourceGuardMappingCommand')
        # Getting the MARS/MABS security PIN is critical too (bms.json SecurityPinBase.resourceGuardOperationRequests).
        { $vault | Get-RecoveryVaultSecurityPin -ErrorAction Stop } | Should -Throw -ErrorId ($denied -f 'GetRecoveryVaultSecurityPinCommand')
        # Immutability on (Unlocked) is not critical; taking it back down is. (While it is on, immutability itself also
        # forbids retention reductions, hence this order.)
        Set-RecoveryVault -Name mua-vault -ResourceGroupName rg-prod -ImmutabilityState Unlocked | Out-Null
        { Set-RecoveryVault -Name mua-vault -ResourceGroupName rg-prod -ImmutabilityState Disabled -ErrorAction Stop } | Should -Throw -ErrorId ($denied -f 'SetRecoveryVaultCommand')
        # The explicit token of an identity without the role is refused the same way.
        $err = $null
        Set-RecoveryVault -Name mua-vault -ResourceGroupName rg-prod -SoftDeleteState Disabled -ResourceGuardToken (Get-TenantBToken) -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be ($denied -f 'SetRecoveryVaultCommand')
        $err[0].Exception.Message | Should -Match "'Backup MUA Operator' role"
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'Backup MUA Operator'
        # A retention increase is not critical.
        ($policy | Set-RecoveryVaultPolicy -Retention (New-RecoveryVaultRetention -DailyDays 40)).DailyRetentionDays | Should -Be 40
        $after = Get-RecoveryVault -Name mua-vault -ResourceGroupName rg-prod
        $after.SoftDeleteState | Should -Be 'Enabled'
        $after.ImmutabilityState | Should -Be 'Unlocked'

        # Backup MUA Operator on the guard (what PIM would grant just in time): allowed, token acquired automatically.
        Grant-OnGuard 'Backup MUA Operator'
        ($vault | Get-RecoveryVaultSecurityPin).Pin | Should -Match '^\d{6}$'
        (Set-RecoveryVault -Name mua-vault -ResourceGroupName rg-prod -ImmutabilityState Disabled).ImmutabilityState | Should -Be 'Disabled'
        ($policy | Set-RecoveryVaultPolicy -Retention (New-RecoveryVaultRetention -DailyDays 10)).DailyRetentionDays | Should -Be 10
        $item | Set-RecoveryVaultItem -Policy $short -Wait | Out-Null
        ($vault | Get-RecoveryVaultItem -Name muavm).PolicyName | Should -Be 'mua-short'
        # and with the token given explicitly, as Az's -Token.
        (Set-RecoveryVault -Name mua-vault -ResourceGroupName rg-prod -SoftDeleteState Disabled -ResourceGuardToken (Get-TenantBToken)).SoftDeleteState | Should -Be 'Disabled'
        $vault | Get-RecoveryVaultItem -Name muavm | Disable-RecoveryVaultProtection -DeleteBackupData -Confirm:$false -Wait | Out-Null
        $vault | Get-RecoveryVaultItem -Name muavm -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $vault | Remove-RecoveryVaultResourceGuardMapping -Force
        $vault | Get-RecoveryVaultResourceGuardMapping | Should -BeNullOrEmpty
        (Get-RecoveryVault -Name mua-vault -ResourceGroupName rg-prod).MultiUserAuthorization | Should -Be 'Disabled'
    }

    It 'refuses stop-with-delete when the guard cannot be reached, and says how to pass a token' {
        Add-RecoveryVaultEmulatorData -TenantId $tenantB -GuestClientId $emu.ClientId | Out-Null
        Grant-OnGuard Reader
        $vault | Set-RecoveryVaultResourceGuardMapping -ResourceGuardId $guard.Id | Out-Null
        $policy = $vault | New-RecoveryVaultPolicy -Name mua-d -Kind AzureVM -Schedule (New-RecoveryVaultSchedule -Daily -At 02:30) -Retention (New-RecoveryVaultRetention -DailyDays 30)
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -VirtualMachineName muavm2 | Out-Null
        Enable-RecoveryVaultProtection -SourceResourceId "/subscriptions/$($emu.SubscriptionId)/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/muavm2" -Policy $policy -Wait | Out-Null
        # A connection with a fixed access token cannot get one for tenant B: AuthorizationRequired, naming the guard.
        Connect-RecoveryVault -AccessToken (ConvertTo-SecureString (Get-EmulatorToken -Emulator $emu) -AsPlainText -Force) -Endpoint $emu.Endpoint -Thumbprint $emu.Thumbprint | Out-Null
        $err = $null
        $vault | Get-RecoveryVaultItem -Name muavm2 | Disable-RecoveryVaultProtection -DeleteBackupData -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'ResourceGuardAuthorizationRequired,RecoveryVault.Commands.DisableRecoveryVaultProtectionCommand'
        $err[0].Exception.Message | Should -Match '-ResourceGuardToken'
        ($vault | Get-RecoveryVaultItem -Name muavm2).ProtectionState | Should -Not -Be 'ProtectionStopped'
        $emu | Connect-RecoveryVault | Out-Null
    }
}
