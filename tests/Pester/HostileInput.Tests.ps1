# Hostile and malformed input (issue 14, cmdlet part): each is refused with a stable error id and category
# InvalidArgument before any request is sent. "No request" is checked on the verbose stream, where every request the
# Engine sends is logged as "<METHOD> <url> -> <status>".
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-RecoveryVaultUnderTest
    $script:emu = Start-TestEmulator
    $script:sub = $emu.SubscriptionId

    # Runs a call with errors and verbose captured; answers the errors and the request lines it logged.
    function Invoke-Captured([scriptblock] $Call) {
        $ErrorActionPreference = 'Continue'
        $VerbosePreference = 'Continue'
        $all = & $Call 2>&1 4>&1
        [pscustomobject]@{
            Errors   = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
            Requests = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match '^(GET|PUT|PATCH|POST|DELETE) https://' })
        }
    }
}
AfterAll { Stop-RecoveryVaultEmulator }

Describe 'Subscription ids and resource group names' {
    BeforeEach { Initialize-TestState -Emulator $emu }

    # Subscription ids are GUIDs (ARM: Subscriptions - Get, "subscriptionId": the subscription's GUID); anything else
    # would become path segments of the request.
    It 'New-RecoveryVault refuses -SubscriptionId <Value> with InvalidResourceId before any request' -ForEach @(
        @{ Value = 'not-a-guid' }, @{ Value = '../..' }, @{ Value = 'x/providers/Microsoft.Authorization' },
        @{ Value = '00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod' }
    ) {
        $r = Invoke-Captured {
            New-RecoveryVault -Name vault-h -ResourceGroupName rg-prod -Location westeurope -SubscriptionId $Value }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'InvalidResourceId,RecoveryVault.Commands.NewRecoveryVaultCommand'
        $r.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $r.Errors[0].Exception | Should -Not -BeOfType System.FormatException
        $r.Errors[0].Exception.Message | Should -Match 'GUID'
        $r.Requests | Should -BeNullOrEmpty
    }

    # "Naming rules and restrictions for Azure resources", Microsoft.Resources/resourcegroups: 1-90 characters,
    # underscores, hyphens, periods, parentheses, letters or digits; cannot end in a period. The vault spec
    # (recoveryservices 2026-07-01) gives resourceGroupName maxLength 90 through the common types.
    It 'New-RecoveryVault refuses -ResourceGroupName <Value> with InvalidName before any request' -ForEach @(
        @{ Value = 'rg/providers/Microsoft.Compute' }, @{ Value = '..' }, @{ Value = 'rg-prod.' }, @{ Value = 'rg%2f..' },
        @{ Value = 'rg prod' }, @{ Value = ('r' * 91) }
    ) {
        $r = Invoke-Captured {
            New-RecoveryVault -Name vault-h -ResourceGroupName $Value -Location westeurope }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'InvalidName,RecoveryVault.Commands.NewRecoveryVaultCommand'
        $r.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $r.Errors[0].Exception.Message | Should -Match 'resource group name'
        $r.Requests | Should -BeNullOrEmpty
    }

    It 'lets a resource group name with every character ARM allows reach the service (90 characters, parentheses, periods)' {
        $name = 'rg_(a).b-' + ('c' * 81)
        $name.Length | Should -Be 90
        $err = $null
        New-RecoveryVault -Name vault-h -ResourceGroupName $name -Location westeurope -ErrorVariable err -ErrorAction SilentlyContinue
        # Not refused here: the emulator answers that the group does not exist.
        $err[0].FullyQualifiedErrorId | Should -Be 'ResourceGroupNotFound,RecoveryVault.Commands.NewRecoveryVaultCommand'
    }

    It 'refuses a bad piped record on its own and still creates the good one (non-terminating)' {
        $made = @(
            [pscustomobject]@{ Name = 'pipe-bad'; ResourceGroupName = 'rg/../rg-prod'; Location = 'westeurope' }
            [pscustomobject]@{ Name = 'pipe-good'; ResourceGroupName = 'rg-prod'; Location = 'westeurope' }
        ) | New-RecoveryVault -ErrorVariable err -ErrorAction SilentlyContinue
        @($made).Name | Should -Be 'pipe-good'
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be 'InvalidName,RecoveryVault.Commands.NewRecoveryVaultCommand'
    }

    It 'Get-RecoveryVault refuses -SubscriptionId <Value> with InvalidResourceId before any request' -ForEach @(
        @{ Value = 'not-a-guid' }, @{ Value = '../../providers' }, @{ Value = 'a/b' }
    ) {
        $r = Invoke-Captured { Get-RecoveryVault -SubscriptionId $Value }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'InvalidResourceId,RecoveryVault.Commands.GetRecoveryVaultCommand'
        $r.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $r.Requests | Should -BeNullOrEmpty
    }

    It 'Get-RecoveryVault lists the valid subscription when another one given is malformed' {
        New-RecoveryVault -Name vault-h -ResourceGroupName rg-prod -Location westeurope | Out-Null
        $got = Get-RecoveryVault -SubscriptionId 'nope', $sub -ErrorVariable err -ErrorAction SilentlyContinue
        @($got).Name | Should -Be 'vault-h'
        $err.Count | Should -Be 1
        $err[0].TargetObject | Should -Be 'nope'
    }

    It 'Get-RecoveryVault refuses a resource id whose subscription is not a GUID, and -ResourceGroupName with a path' {
        $r = Invoke-Captured {
            Get-RecoveryVault -ResourceId '/subscriptions/abc/resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/vaults/vault-h' }
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'InvalidResourceId,RecoveryVault.Commands.GetRecoveryVaultCommand'
        $r.Requests | Should -BeNullOrEmpty
        $r = Invoke-Captured { Get-RecoveryVault -ResourceGroupName 'rg-prod/../x' }
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'InvalidName,RecoveryVault.Commands.GetRecoveryVaultCommand'
        $r.Requests | Should -BeNullOrEmpty
    }

    It 'refuses a vault id whose vault segment is <Segment> (the URI would resolve it onto another resource)' -ForEach @(
        @{ Segment = '..' }, @{ Segment = '%2e%2e' }, @{ Segment = 'a_b' }
    ) {
        $id = "/subscriptions/$sub/resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/vaults/$Segment"
        $r = Invoke-Captured { Get-RecoveryVault -ResourceId $id }
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'InvalidResourceId,RecoveryVault.Commands.GetRecoveryVaultCommand'
        $r.Requests | Should -BeNullOrEmpty
        $r = Invoke-Captured { Set-RecoveryVault -ResourceId $id -Tag @{ a = 'b' } }
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'InvalidResourceId,RecoveryVault.Commands.SetRecoveryVaultCommand'
        $r.Requests | Should -BeNullOrEmpty
        $r = Invoke-Captured { Get-RecoveryVaultPolicy -VaultId $id }
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'InvalidResourceId,RecoveryVault.Commands.GetRecoveryVaultPolicyCommand'
        $r.Requests | Should -BeNullOrEmpty
    }

    It 'Set- and Remove-RecoveryVault check names in the shared vault-target base' {
        $r = Invoke-Captured {
            Set-RecoveryVault -Name vault-h -ResourceGroupName '../rg' -Tag @{ a = 'b' } }
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'InvalidName,RecoveryVault.Commands.SetRecoveryVaultCommand'
        $r.Requests | Should -BeNullOrEmpty
        $r = Invoke-Captured {
            Remove-RecoveryVault -Name vault-h -ResourceGroupName rg-prod -SubscriptionId 'sub/..' -Force -Confirm:$false }
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'InvalidResourceId,RecoveryVault.Commands.RemoveRecoveryVaultCommand'
        $r.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $r.Requests | Should -BeNullOrEmpty
        $r = Invoke-Captured {
            Remove-RecoveryVault -Name 'vault-h/../x' -ResourceGroupName rg-prod -Force -Confirm:$false }
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'InvalidName,RecoveryVault.Commands.RemoveRecoveryVaultCommand'
        $r.Requests | Should -BeNullOrEmpty
    }

    It 'vault-scoped cmdlets check -ResourceGroupName and -VaultName in the shared vault-scoped base' {
        $r = Invoke-Captured {
            Get-RecoveryVaultPolicy -VaultName vault-h -ResourceGroupName 'rg-prod/providers/x' }
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'InvalidName,RecoveryVault.Commands.GetRecoveryVaultPolicyCommand'
        $r.Requests | Should -BeNullOrEmpty
        $r = Invoke-Captured {
            Get-RecoveryVaultPolicy -VaultName '..' -ResourceGroupName rg-prod }
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'InvalidName,RecoveryVault.Commands.GetRecoveryVaultPolicyCommand'
        $r.Requests | Should -BeNullOrEmpty
    }
}

Describe 'Vault names' {
    BeforeEach { Initialize-TestState -Emulator $emu }

    # "Naming rules and restrictions for Azure resources", Microsoft.RecoveryServices/vaults: 2-50 characters,
    # alphanumerics and hyphens, start with a letter.
    It 'New-RecoveryVault refuses -Name <Value> at binding, before any request' -ForEach @(
        @{ Value = 'a' }, @{ Value = ('a' * 51) }, @{ Value = '1vault' }, @{ Value = '-vault' }, @{ Value = 'vault_1' },
        @{ Value = 'vault/..' }, @{ Value = '..' }, @{ Value = 'vault.1' }
    ) {
        { New-RecoveryVault -Name $Value -ResourceGroupName rg-prod -Location westeurope -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,RecoveryVault.Commands.NewRecoveryVaultCommand' -ExpectedMessage "*The vault name '$Value' is not valid: *2 to 50 letters, digits and hyphens*"
    }

    It 'accepts the shortest and longest names the rule allows' {
        (New-RecoveryVault -Name 'ab' -ResourceGroupName rg-prod -Location westeurope).Name | Should -Be 'ab'
        $long = 'v' + ('-1' * 24) + 'z'
        $long.Length | Should -Be 50
        (New-RecoveryVault -Name $long -ResourceGroupName rg-prod -Location westeurope).Name | Should -Be $long
    }
}

Describe 'Locations' {
    BeforeEach { Initialize-TestState -Emulator $emu }

    # Region names as Subscriptions - List Locations spells them (westeurope, eastus2), after the normalising of
    # RecoveryVaultClient.NormalizeLocation (spaces removed, lower case): a letter, then letters and digits.
    It 'New-RecoveryVault refuses -Location <Value> (not a region name) before any request' -ForEach @(
        @{ Value = '../..' }, @{ Value = '"westeurope"' }, @{ Value = "'west europe'" }, @{ Value = 'west-europe' }, @{ Value = 'westeurope/../x' }
    ) {
        $r = Invoke-Captured {
            New-RecoveryVault -Name vault-l -ResourceGroupName rg-prod -Location $Value }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'InvalidLocation,RecoveryVault.Commands.NewRecoveryVaultCommand'
        $r.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $r.Requests | Should -BeNullOrEmpty
    }

    # A name of the right shape that is not one of the subscription's regions (Subscriptions - List Locations).
    It 'New-RecoveryVault refuses a region the subscription does not have, and sends no PUT' {
        $r = Invoke-Captured {
            New-RecoveryVault -Name vault-l -ResourceGroupName rg-prod -Location nowhere }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'InvalidLocation,RecoveryVault.Commands.NewRecoveryVaultCommand'
        $r.Errors[0].Exception.Message | Should -Match "'nowhere' is not a region of subscription .*westeurope"
        @($r.Requests | Where-Object Message -Match '^PUT ') | Should -BeNullOrEmpty
        Get-RecoveryVault -Name vault-l -ResourceGroupName rg-prod -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'accepts a region given as its display name' {
        (New-RecoveryVault -Name vault-l -ResourceGroupName rg-prod -Location 'West Europe').Location | Should -Be 'westeurope'
    }

    It 'Get-RecoveryVault -Deleted refuses each bad -Location on its own and still asks the good one' {
        $r = Invoke-Captured {
            Get-RecoveryVault -Deleted -Location '../..', nowhere, westeurope }
        $r.Errors.Count | Should -Be 2
        $r.Errors.FullyQualifiedErrorId | Should -Be @('InvalidLocation,RecoveryVault.Commands.GetRecoveryVaultCommand', 'InvalidLocation,RecoveryVault.Commands.GetRecoveryVaultCommand')
        $r.Errors.TargetObject | Should -Be @('../..', 'nowhere')
        @($r.Requests | Where-Object Message -Match '/locations/westeurope/deletedVaults').Count | Should -Be 1
        @($r.Requests | Where-Object Message -Match '/locations/(nowhere|\.\.)').Count | Should -Be 0
    }
}

Describe 'Tags' {
    BeforeEach { Initialize-TestState -Emulator $emu }

    # ARM tag limits ("Use tags to organize your Azure resources", Limitations): 50 tag pairs per resource, names
    # up to 512 and values up to 256 characters, names without < > % & \ ? /.
    It 'New-RecoveryVault refuses <Case> with InvalidTag before any request' -ForEach @(
        @{ Case = '51 tags'; Tags = { $t = @{}; 1..51 | ForEach-Object { $t["t$_"] = 'v' }; $t }; Names = 'at most 50' }
        @{ Case = 'a 513-character name'; Tags = { @{ ('n' * 513) = 'v' } }; Names = '513 characters' }
        @{ Case = 'a 257-character value'; Tags = { @{ big = ('v' * 257) } }; Names = "tag 'big' is 257" }
        @{ Case = 'a $null value'; Tags = { @{ empty = $null } }; Names = "tag 'empty'" }
        @{ Case = 'an empty name'; Tags = { @{ ' ' = 'v' } }; Names = 'cannot be empty' }
    ) {
        $tags = & $Tags
        $r = Invoke-Captured {
            New-RecoveryVault -Name vault-t -ResourceGroupName rg-prod -Location westeurope -Tag $tags }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'InvalidTag,RecoveryVault.Commands.NewRecoveryVaultCommand'
        $r.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $r.Errors[0].Exception.Message | Should -Match ([regex]::Escape($Names))
        $r.Requests | Should -BeNullOrEmpty
    }

    It 'refuses a tag name containing <Char>, naming the tag' -ForEach @(
        @{ Char = '<' }, @{ Char = '>' }, @{ Char = '%' }, @{ Char = '&' }, @{ Char = '\' }, @{ Char = '?' }, @{ Char = '/' }
    ) {
        $err = $null
        New-RecoveryVault -Name vault-t -ResourceGroupName rg-prod -Location westeurope -Tag @{ "cost${Char}centre" = 'x' } -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'InvalidTag,RecoveryVault.Commands.NewRecoveryVaultCommand'
        $err[0].Exception.Message | Should -Match ([regex]::Escape("'cost${Char}centre'"))
    }

    It 'accepts tags exactly at the limits (50 tags, 512-character name, 256-character value)' {
        $t = @{}; 1..49 | ForEach-Object { $t["t$_"] = 'v' }; $t['n' * 512] = 'v' * 256
        $v = New-RecoveryVault -Name vault-t -ResourceGroupName rg-prod -Location westeurope -Tag $t
        $v.Tags.Count | Should -Be 50
        $v.Tags['n' * 512] | Should -Be ('v' * 256)
    }

    It 'Set-RecoveryVault refuses tags beyond the limits and leaves the vault as it was' {
        New-RecoveryVault -Name vault-t -ResourceGroupName rg-prod -Location westeurope -Tag @{ keep = 'me' } | Out-Null
        $r = Invoke-Captured {
            Set-RecoveryVault -Name vault-t -ResourceGroupName rg-prod -Tag @{ 'a/b' = 'x' } }
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'InvalidTag,RecoveryVault.Commands.SetRecoveryVaultCommand'
        $r.Errors[0].Exception.Message | Should -Match "'a/b'"
        $r.Requests | Should -BeNullOrEmpty
        (Get-RecoveryVault -Name vault-t -ResourceGroupName rg-prod).Tags.keep | Should -Be 'me'
    }
}

Describe 'Start-RecoveryVaultEmulator' {
    # Not an Azure rule: the emulator's clock must stay far from DateTime's ends (advances of up to 3650 days,
    # retention of up to 99 years), so it starts between 2000 and 2100 UTC.
    It 'refuses -ClockStart <Start> with EmulatorStartFailed, without starting a process' -ForEach @(
        @{ Start = '0001-01-01' }, @{ Start = '9999-12-31T23:59:59' }, @{ Start = [datetime]::new(1999, 12, 31, 23, 59, 59, [DateTimeKind]::Utc) },
        @{ Start = [datetime]::new(2101, 1, 1, 0, 0, 0, [DateTimeKind]::Utc) }
    ) {
        $before = @(Get-Process -Name dotnet -ErrorAction SilentlyContinue).Count
        $err = { Start-RecoveryVaultEmulator -InMemory -ClockStart $Start } |
            Should -Throw -ErrorId 'EmulatorStartFailed,RecoveryVault.Commands.StartRecoveryVaultEmulatorCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match '2000-01-01 and 2100-12-31'
        @(Get-Process -Name dotnet -ErrorAction SilentlyContinue).Count | Should -BeLessOrEqual $before
    }

    It 'surfaces the emulator''s own message for a data directory it cannot <Case>' -ForEach @(
        @{ Case = 'create'; Make = { $f = Join-Path $TestDrive 'a-file'; Set-Content $f 'x'; Join-Path $f 'sub' }; Expect = 'cannot be created or written' }
        @{ Case = 'trust (writable by others)'; Make = { $d = Join-Path $TestDrive 'open'; New-Item -ItemType Directory $d | Out-Null; chmod 777 $d; $d }; Expect = 'writable by other users' }
    ) {
        $dir = & $Make
        $err = { Start-RecoveryVaultEmulator -DataDirectory $dir -TimeoutSeconds 60 } |
            Should -Throw -ErrorId 'EmulatorStartFailed,RecoveryVault.Commands.StartRecoveryVaultEmulatorCommand' -PassThru
        $err.Exception.Message | Should -Match 'exit code 3'
        $err.Exception.Message | Should -Match ([regex]::Escape($Expect))
        $err.Exception.Message | Should -Not -Match 'Unhandled exception'
    }
}

Describe 'Policy input' {
    BeforeAll {
        Initialize-TestState -Emulator $emu
        $script:vault = New-RecoveryVault -Name vault-p -ResourceGroupName rg-prod -Location westeurope
    }

    # Azure Backup spec (recoveryservicesbackup 2023-06-01), WeeklyRetentionSchedule/YearlyRetentionSchedule: the days
    # or months come with a retentionDuration; without it there is no rule to keep.
    It 'New-RecoveryVaultRetention refuses <Case> with InvalidRetention' -ForEach @(
        @{ Case = 'weekly days without weeks'; Call = { New-RecoveryVaultRetention -DailyDays 30 -WeeklyDays Monday } }
        @{ Case = 'only weekly days'; Call = { New-RecoveryVaultRetention -WeeklyDays Monday, Friday } }
        @{ Case = 'yearly months without years'; Call = { New-RecoveryVaultRetention -DailyDays 30 -YearlyMonths March } }
        @{ Case = 'a week of the month without monthly or yearly'; Call = { New-RecoveryVaultRetention -DailyDays 30 -WeekOfMonth Last } }
    ) {
        $err = $Call | Should -Throw -ErrorId 'InvalidRetention,RecoveryVault.Commands.NewRecoveryVaultRetentionCommand' -PassThru
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'still builds a weekly retention with its weeks, and a monthly one on given days' {
        $r = New-RecoveryVaultRetention -WeeklyWeeks 12 -WeeklyDays Monday
        $r.WeeklyWeeks | Should -Be 12
        # Monthly points fall on -WeeklyDays of the -WeekOfMonth week (docs/en-US/New-RecoveryVaultRetention.md).
        $m = New-RecoveryVaultRetention -MonthlyMonths 12 -WeeklyDays Saturday -WeekOfMonth Last
        $m.MonthlyMonths | Should -Be 12
        $m.WeeklyWeeks | Should -BeNullOrEmpty
    }

    # Log backups exist only as the Log subProtectionPolicy of an AzureWorkload (SQL in Azure VM) policy (Azure
    # Backup spec, AzureVmWorkloadProtectionPolicy.subProtectionPolicy).
    It 'New-RecoveryVaultPolicy refuses <Parameter> on a <Kind> policy with UnsupportedForKind before any request' -ForEach @(
        @{ Kind = 'AzureVM'; Parameter = 'LogRetentionDays'; Value = 7 }
        @{ Kind = 'AzureFileShare'; Parameter = 'LogBackupIntervalMinutes'; Value = 30 }
    ) {
        $splat = @{ $Parameter = $Value }
        $r = Invoke-Captured {
            $vault | New-RecoveryVaultPolicy -Name 'p-log' -Kind $Kind @splat }
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -Be 'UnsupportedForKind,RecoveryVault.Commands.NewRecoveryVaultPolicyCommand'
        $r.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $r.Errors[0].Exception.Message | Should -Match 'SqlDatabase policies only'
        $r.Requests | Should -BeNullOrEmpty
    }

    It 'does not object to the log defaults on a non-SQL policy' {
        ($vault | New-RecoveryVaultPolicy -Name 'p-vm' -Kind AzureVM).Name | Should -Be 'p-vm'
    }
}
