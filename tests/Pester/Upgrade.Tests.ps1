# Upgrading classic (Service Manager) Backup vaults to Recovery Services vaults: the check, the upgrade and its guarantees.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-RecoveryVaultUnderTest
    # The backup clock is frozen (ClockRate 0): an upgrade (25 simulated minutes) only moves when a test advances the
    # clock, so "running", "before the commit" and "after the commit" do not depend on the machine's speed. Tests that
    # let Start-RecoveryVaultUpgrade wait for the end run the clock at 600x (about 2.5 s per upgrade) meanwhile.
    # Small pages: the cmdlets' verification and these tests must follow nextLink on every list.
    # Midday today (UTC): advances never cross the default policies' 02:30 run, and job filters that default to the
    # last 7 days (client clock) still see the jobs.
    $script:emu = Start-RecoveryVaultEmulator -InMemory -Strict -LroDurationMs 100 -PageSize 5 -ClockRate 0 -ClockStart ([datetime]::UtcNow.Date.AddHours(12))
    $emu | Connect-RecoveryVault | Out-Null
    $script:sub = $emu.SubscriptionId
    $script:classicPrefix = "/subscriptions/$sub/providers/Microsoft.Backup/classicVaults"
    $script:modulePath = Join-Path (Get-Module RecoveryVault).ModuleBase 'RecoveryVault.psd1'

    function Set-ClockRate {
        param([Parameter(Mandatory)] [double] $Rate)
        $r = & curl -s --cacert $emu.CertificatePath -X PUT -H 'Content-Type: application/json' -d "{`"rate`":$Rate}" "$($emu.Endpoint)/_emulator/clock" | ConvertFrom-Json
        $r.rate | Should -Be $Rate
    }

    function Invoke-WithRunningClock {
        <# Runs the block with the clock at 600x (the default rate of Start-TestEmulator), then freezes it again. Returns its output
           (its -ErrorVariable stays in its own scope: tests that check errors set the rate themselves). #>
        param([Parameter(Mandatory)] [scriptblock] $Script)
        Set-ClockRate 600
        try { & $Script } finally { Set-ClockRate 0 }
    }

    function Complete-Upgrade {
        <# Moves the frozen clock past the end of an upgrade (25 simulated minutes from its start). #>
        Add-RecoveryVaultEmulatorData -AdvanceClock ([timespan]::FromMinutes(30)) | Out-Null
    }

    function Initialize-UpgradeState {
        Initialize-TestState -Emulator $emu
        Set-ClockRate 0
    }

    function Get-Finding {
        param([Parameter(Mandatory)] $Check, [Parameter(Mandatory)] [string] $Code)
        @($Check.Findings | Where-Object Code -eq $Code)
    }

    function Invoke-EmulatorAdmin {
        param([Parameter(Mandatory)] [string] $Method, [Parameter(Mandatory)] [string] $Path, $Body)
        $curlArgs = @('-s', '--cacert', $emu.CertificatePath, '-X', $Method, '-H', 'Content-Type: application/json')
        if ($null -ne $Body) { $curlArgs += @('--data-binary', ($Body | ConvertTo-Json -Depth 10 -Compress)) }
        (& curl @curlArgs ($emu.Endpoint + $Path)) | ConvertFrom-Json
    }

    function Get-ClassicRest {
        <# A classic vault's collection read straight from the service (not through the module), following nextLink. #>
        param([Parameter(Mandatory)] [string] $Vault, [Parameter(Mandatory)] [string] $Child)
        $token = Get-EmulatorToken -Emulator $emu
        $next = "$classicPrefix/$Vault/$Child" + '?api-version=2015-03-15'
        $all = [System.Collections.Generic.List[object]]::new()
        while ($next) {
            $r = Invoke-Curl -Emulator $emu -Token $token -PathAndQuery $next
            $r.Status | Should -Be 200
            $page = $r.Body | ConvertFrom-Json
            foreach ($v in $page.value) { $all.Add($v) }
            $next = if ($page.nextLink) { $page.nextLink.Substring($emu.Endpoint.TrimEnd('/').Length) } else { $null }
        }
        $all.ToArray()
    }

    function Get-ClassicSnapshot {
        <# Everything a classic vault holds, as the service lists it. #>
        param([Parameter(Mandatory)] [string] $Vault)
        [pscustomobject]@{
            Policies = @(Get-ClassicRest -Vault $Vault -Child policies)
            Servers  = @(Get-ClassicRest -Vault $Vault -Child registeredServers)
            Items    = @(Get-ClassicRest -Vault $Vault -Child protectedItems)
            Points   = @(Get-ClassicRest -Vault $Vault -Child recoveryPoints)
        }
    }

    function Get-ResourceGroupStatus {
        param([Parameter(Mandatory)] [string] $Name)
        (Invoke-Curl -Emulator $emu -Token (Get-EmulatorToken -Emulator $emu) -PathAndQuery "/subscriptions/$sub/resourceGroups/$Name`?api-version=2021-04-01").Status
    }

    function Assert-RvError {
        param([Parameter(Mandatory)] $Record, [Parameter(Mandatory)] [string] $Id, [Parameter(Mandatory)] [string] $Command,
            [Parameter(Mandatory)] [string] $Category, [Parameter(Mandatory)] [AllowNull()] $Target)
        $Record.FullyQualifiedErrorId | Should -Be "$Id,RecoveryVault.Commands.$Command"
        $Record.CategoryInfo.Category | Should -Be $Category
        if ($null -eq $Target) { $Record.TargetObject | Should -BeNullOrEmpty } else { $Record.TargetObject | Should -Be $Target }
    }

    function Add-CheckedVault {
        <# The classic vault most tests start from: two MARS servers with recent agents, two folders each, 3 daily points per folder. #>
        param([string] $Name = 'cv-files')
        Add-RecoveryVaultEmulatorData -ClassicVaultName $Name -ClassicServerName fs01, fs02 -ItemPath 'C:\Data', 'D:\Shares' -RecoveryPointDays 3 -Location westeurope | Out-Null
    }

    function Start-ChildUpgrade {
        <# A separate PowerShell process that connects to the same emulator and runs Start-RecoveryVaultUpgrade (waiting for the end). #>
        param([Parameter(Mandatory)] [string] $Vault, [Parameter(Mandatory)] [string] $ResourceGroup)
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$modulePath'
Connect-RecoveryVault -Emulator -Endpoint '$($emu.Endpoint)' -Thumbprint '$($emu.Thumbprint)' | Out-Null
Start-RecoveryVaultUpgrade -Name '$Vault' -TargetResourceGroupName '$ResourceGroup' -Force | Out-Null
'child finished'
"@
        # The suite runs as `dotnet pwsh` (the pinned tool): the child is `dotnet <PSHOME>/pwsh.dll`; a native pwsh runs itself.
        $exe = (Get-Process -Id $PID).Path
        $psi = [System.Diagnostics.ProcessStartInfo]::new($exe)
        $childArgs = @('-NoProfile', '-NonInteractive', '-EncodedCommand', [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script)))
        if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $childArgs = @(Join-Path $PSHOME pwsh.dll) + $childArgs }
        foreach ($a in $childArgs) {
            $psi.ArgumentList.Add($a)
        }
        $psi.UseShellExecute = $false
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        [System.Diagnostics.Process]::Start($psi)
    }
}
AfterAll {
    Get-Job | Where-Object PSJobTypeName -eq RecoveryVaultJob | Remove-Job -Force
    Stop-RecoveryVaultEmulator
}

Describe 'Get-RecoveryVaultClassicVault' {
    BeforeAll {
        Initialize-UpgradeState
        Add-CheckedVault
        Add-RecoveryVaultEmulatorData -ClassicVaultName cv-other -ClassicServerName app01 -ItemPath 'E:\App' -RecoveryPointDays 2 -StorageBasedBilling | Out-Null
    }

    It 'lists the classic vaults with what they hold, as the service counts it' {
        $all = Get-RecoveryVaultClassicVault
        ($all.Name | Sort-Object) | Should -Be @('cv-files', 'cv-other')
        $cv = $all | Where-Object Name -eq 'cv-files'
        $cv | Should -BeOfType RecoveryVault.Models.ClassicVault
        $cv.Id | Should -Be "$classicPrefix/cv-files"
        $cv.SubscriptionId | Should -Be $sub
        $cv.State | Should -Be 'Active'
        $cv.Location | Should -Be 'westeurope'
        $cv.BillingModel | Should -Be 'InstanceBased'
        $snap = Get-ClassicSnapshot -Vault cv-files
        $cv.RegisteredServerCount | Should -Be 2
        $cv.RegisteredServerCount | Should -Be $snap.Servers.Count
        $cv.ProtectedItemCount | Should -Be 4
        $cv.ProtectedItemCount | Should -Be $snap.Items.Count
        $cv.PolicyCount | Should -Be $snap.Policies.Count
        $cv.RecoveryPointCount | Should -Be 12
        $cv.RecoveryPointCount | Should -Be $snap.Points.Count
        ($all | Where-Object Name -eq 'cv-other').BillingModel | Should -Be 'StorageBased'
    }

    It 'filters by wildcard and says ClassicVaultNotFound for an unknown exact name' {
        (Get-RecoveryVaultClassicVault -Name 'cv-f*').Name | Should -Be 'cv-files'
        Get-RecoveryVaultClassicVault -Name 'zz*' | Should -BeNullOrEmpty
        $err = $null
        Get-RecoveryVaultClassicVault -Name nosuch -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Assert-RvError -Record $err[0] -Id ClassicVaultNotFound -Command GetRecoveryVaultClassicVaultCommand -Category ObjectNotFound -Target "$classicPrefix/nosuch"
        $err[0].Exception.Message | Should -Match "classic Backup vault 'nosuch' was not found"
    }
}

Describe 'Test-RecoveryVaultUpgrade: one finding per prerequisite' {
    BeforeEach {
        Initialize-UpgradeState
        Add-CheckedVault
    }

    It 'finds nothing to fix in a ready vault: only TargetResourceGroupExists (Information)' {
        $c = Test-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod
        $c | Should -BeOfType RecoveryVault.Models.UpgradeCheck
        $c.CanUpgrade | Should -BeTrue
        $c.ClassicVaultId | Should -Be "$classicPrefix/cv-files"
        $c.TargetVaultName | Should -Be 'cv-files'
        $c.TargetVaultId | Should -Be "/subscriptions/$sub/resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/vaults/cv-files"
        $c.Findings.Code | Should -Be @('TargetResourceGroupExists')
        $f = Get-Finding $c TargetResourceGroupExists
        $f.Severity | Should -Be 'Information'
        $f.Message | Should -Match "existing resource group 'rg-prod'"
        $f.Targets | Should -Be @("/subscriptions/$sub/resourceGroups/rg-prod")
        $c.Errors | Should -BeNullOrEmpty
        $c.Warnings | Should -BeNullOrEmpty
    }

    It 'MarsAgentTooOld: an Error naming each server with an old agent, and only those' {
        Add-RecoveryVaultEmulatorData -ClassicVaultName cv-files -ClassicServerName fs03, fs04 -AgentVersion 2.0.9000.0 | Out-Null
        $c = Test-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod
        $c.CanUpgrade | Should -BeFalse
        $f = Get-Finding $c MarsAgentTooOld
        $f | Should -HaveCount 1
        $f.Severity | Should -Be 'Error'
        $f.Message | Should -Match '2 registered server\(s\)'
        $f.Message | Should -Match 'fs03 \(2\.0\.9000\.0\)'
        $f.Message | Should -Match 'fs04 \(2\.0\.9000\.0\)'
        $f.Message | Should -Not -Match 'fs01|fs02'
        $f.RecommendedAction | Should -Match '2\.0\.9083\.0 or later'
        # Ids keep the case the vault was created with, also for servers added later.
        ($f.Targets | Sort-Object) | Should -BeExactly @("$classicPrefix/cv-files/registeredServers/fs03", "$classicPrefix/cv-files/registeredServers/fs04")
        $c.Errors.Code | Should -Be @('MarsAgentTooOld')
    }

    It 'ServerNotReporting: a Warning (the upgrade may go on) naming the silent server and for how long' {
        Add-RecoveryVaultEmulatorData -ClassicVaultName cv-files -ClassicServerName fs02 -LastSeenDaysAgo 45 | Out-Null
        $c = Test-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod
        $c.CanUpgrade | Should -BeTrue
        $f = Get-Finding $c ServerNotReporting
        $f | Should -HaveCount 1
        $f.Severity | Should -Be 'Warning'
        $f.Message | Should -Match "Server 'fs02' has not contacted the vault for 45 days"
        $f.Targets | Should -BeExactly @("$classicPrefix/cv-files/registeredServers/fs02")
        $c.Warnings.Code | Should -Be @('ServerNotReporting')
    }

    It 'ConfigurationJobInProgress: a running configuration job is an Error naming the job and its server' {
        Add-RecoveryVaultEmulatorData -ClassicVaultName cv-files -ClassicServerName fs02 -RunningJob ConfigureBackup -JobMinutes 120 | Out-Null
        $c = Test-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod
        $c.CanUpgrade | Should -BeFalse
        $f = Get-Finding $c ConfigurationJobInProgress
        $f.Severity | Should -Be 'Error'
        $f.Message | Should -Match 'ConfigureBackup on fs02'
        $f.Targets | Should -HaveCount 1
        $f.Targets[0] | Should -BeLikeExactly "$classicPrefix/cv-files/jobs/*"
        Get-Finding $c BackupJobsRunning | Should -BeNullOrEmpty
        # Once the job has ended, nothing blocks any more.
        Add-RecoveryVaultEmulatorData -AdvanceClock ([timespan]::FromMinutes(121)) | Out-Null
        (Test-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod).CanUpgrade | Should -BeTrue
    }

    It 'BackupJobsRunning: a running backup is only Information (it is not stopped, its point lands in the new vault)' {
        Add-RecoveryVaultEmulatorData -ClassicVaultName cv-files -ClassicServerName fs01 -ItemPath 'C:\Data' -RunningJob Backup -JobMinutes 120 | Out-Null
        (Get-RecoveryVaultClassicVault -Name cv-files).RunningJobCount | Should -Be 1
        $c = Test-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod
        $c.CanUpgrade | Should -BeTrue
        $f = Get-Finding $c BackupJobsRunning
        $f.Severity | Should -Be 'Information'
        $f.Message | Should -Match '1 backup job\(s\) are running'
        $f.Message | Should -Match 'land in the new vault'
        Get-Finding $c ConfigurationJobInProgress | Should -BeNullOrEmpty
    }

    It 'BillingModelChange: an Error without -AcceptBillingChange, Information with it' {
        Add-RecoveryVaultEmulatorData -ClassicVaultName cv-files -StorageBasedBilling | Out-Null
        $c = Test-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod
        $c.CanUpgrade | Should -BeFalse
        $c.AcceptBillingChange | Should -BeFalse
        $f = Get-Finding $c BillingModelChange
        $f.Severity | Should -Be 'Error'
        $f.Message | Should -Match 'storage-based billing'
        $f.Message | Should -Match 'instance-based billing'
        $f.RecommendedAction | Should -Match '-AcceptBillingChange'
        $ok = Test-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod -AcceptBillingChange
        $ok.CanUpgrade | Should -BeTrue
        $ok.AcceptBillingChange | Should -BeTrue
        (Get-Finding $ok BillingModelChange).Severity | Should -Be 'Information'
        (Get-Finding $ok BillingModelChange).Message | Should -Match 'as accepted'
    }

    It 'CspVaultNotSupported: a vault of a CSP subscription is an Error naming the vault' {
        Add-RecoveryVaultEmulatorData -ClassicVaultName cv-files -CspManaged | Out-Null
        (Get-RecoveryVaultClassicVault -Name cv-files).ManagedByCsp | Should -BeTrue
        $c = Test-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod
        $c.CanUpgrade | Should -BeFalse
        $f = Get-Finding $c CspVaultNotSupported
        $f.Severity | Should -Be 'Error'
        $f.Message | Should -Match "classic vault 'cv-files'"
        $f.Message | Should -Match 'Cloud Solution Provider'
    }

    It 'TargetResourceGroupWillBeCreated: a Warning naming the missing group (and where it will be), vs TargetResourceGroupExists' {
        $c = Test-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-backup
        $c.CanUpgrade | Should -BeTrue
        $f = Get-Finding $c TargetResourceGroupWillBeCreated
        $f.Severity | Should -Be 'Warning'
        $f.Message | Should -Match "Resource group 'rg-backup' does not exist in subscription '$sub'"
        $f.Message | Should -Match 'create it in westeurope'
        $f.Targets | Should -Be @("/subscriptions/$sub/resourceGroups/rg-backup")
        Get-Finding $c TargetResourceGroupExists | Should -BeNullOrEmpty
        $exists = Test-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-test
        Get-Finding $exists TargetResourceGroupWillBeCreated | Should -BeNullOrEmpty
        (Get-Finding $exists TargetResourceGroupExists).Message | Should -Match "'rg-test'"
    }

    It 'TargetVaultNameTaken: an Error naming the vault in the way; another -TargetVaultName clears it' {
        $taken = New-RecoveryVault -Name cv-files -ResourceGroupName rg-prod -Location westeurope
        $c = Test-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod
        $c.CanUpgrade | Should -BeFalse
        $f = Get-Finding $c TargetVaultNameTaken
        $f.Severity | Should -Be 'Error'
        $f.Message | Should -Match "vault named 'cv-files' already exists in resource group 'rg-prod'"
        $f.Targets | Should -Be @($taken.Id)
        $f.RecommendedAction | Should -Match '-TargetVaultName'
        $other = Test-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod -TargetVaultName cv-files-rsv
        $other.CanUpgrade | Should -BeTrue
        $other.TargetVaultId | Should -Be "/subscriptions/$sub/resourceGroups/rg-prod/providers/Microsoft.RecoveryServices/vaults/cv-files-rsv"
        Get-Finding $other TargetVaultNameTaken | Should -BeNullOrEmpty
    }

    It 'InsufficientPermissions: a Reader who may check the classic vault is told which write it lacks on the target' {
        # Reader on the subscription (to connect and read), Contributor on the classic vault only (to check and move it).
        $p = Add-RecoveryVaultEmulatorData -PrincipalName "upgrader-$(Get-Random)"
        Add-RecoveryVaultEmulatorData -PrincipalId $p.ObjectId -RoleName 'Reader' -Scope "/subscriptions/$sub" | Out-Null
        Add-RecoveryVaultEmulatorData -PrincipalId $p.ObjectId -RoleName 'Contributor' -Scope "$classicPrefix/cv-files" | Out-Null
        Connect-AsPrincipal -Emulator $emu -Principal $p
        try {
            $c = Test-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod
            $c.CanUpgrade | Should -BeFalse
            $f = Get-Finding $c InsufficientPermissions
            $f.Severity | Should -Be 'Error'
            $f.Message | Should -Match "object id $($p.ObjectId)"
            $f.Message | Should -Match "Microsoft.RecoveryServices/vaults/write at scope '/subscriptions/$sub/resourceGroups/rg-prod'"
            $f.Message | Should -Not -Match 'resourceGroups/write'
            $f.Targets | Should -Be @("/subscriptions/$sub/resourceGroups/rg-prod")
            # A group to create needs resourceGroups/write as well.
            $missing = Get-Finding (Test-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-backup) InsufficientPermissions
            $missing.Message | Should -Match 'vaults/write and Microsoft.Resources/subscriptions/resourceGroups/write'
        }
        finally { $emu | Connect-RecoveryVault | Out-Null }

        # Backup Contributor adds vaults/write, still not resourceGroups/write.
        Add-RecoveryVaultEmulatorData -PrincipalId $p.ObjectId -RoleName 'Backup Contributor' -Scope "/subscriptions/$sub" | Out-Null
        Connect-AsPrincipal -Emulator $emu -Principal $p
        try {
            $inRg = Test-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod
            $inRg.CanUpgrade | Should -BeTrue
            Get-Finding $inRg InsufficientPermissions | Should -BeNullOrEmpty
            $newRg = Get-Finding (Test-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-backup) InsufficientPermissions
            $newRg.Message | Should -Match "perform Microsoft.Resources/subscriptions/resourceGroups/write at scope '/subscriptions/$sub/resourceGroups/rg-backup'"
            $newRg.Message | Should -Not -Match 'vaults/write'
        }
        finally { $emu | Connect-RecoveryVault | Out-Null }
    }

    It 'a Reader / Backup Contributor without rights on the classic vault cannot run the check: PermissionDenied' {
        $p = Add-RecoveryVaultEmulatorData -PrincipalName "reader-$(Get-Random)"
        Add-RecoveryVaultEmulatorData -PrincipalId $p.ObjectId -RoleName 'Reader' -Scope "/subscriptions/$sub" | Out-Null
        Add-RecoveryVaultEmulatorData -PrincipalId $p.ObjectId -RoleName 'Backup Contributor' -Scope "/subscriptions/$sub" | Out-Null
        Connect-AsPrincipal -Emulator $emu -Principal $p
        try {
            (Get-RecoveryVaultClassicVault -Name cv-files).State | Should -Be 'Active'
            $err = $null
            Test-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            Assert-RvError -Record $err[0] -Id PermissionDenied -Command TestRecoveryVaultUpgradeCommand -Category PermissionDenied -Target "$classicPrefix/cv-files"
            $err[0].Exception.Message | Should -Match "authorization to perform action 'Microsoft.Backup/classicVaults/validateUpgrade/action'"
        }
        finally { $emu | Connect-RecoveryVault | Out-Null }
    }

    It 'UpgradeInProgress: Information naming the running operation (Start picks it up)' {
        $op = Start-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod -Force -NoWait
        $op.Status | Should -Be 'InProgress'
        $c = Test-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod
        $f = Get-Finding $c UpgradeInProgress
        $f.Severity | Should -Be 'Information'
        $f.Message | Should -Match "operation $($op.OperationId)"
        $c.CanUpgrade | Should -BeTrue
        (Get-RecoveryVaultClassicVault -Name cv-files).State | Should -Be 'Upgrading'
    }

    It 'VaultAlreadyUpgraded: the only finding once the vault is upgraded, an Error naming the new vault' {
        $op = Start-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod -Force -NoWait
        Complete-Upgrade
        $c = Test-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod
        $c.CanUpgrade | Should -BeFalse
        $c.Findings | Should -HaveCount 1
        $c.Findings[0].Code | Should -Be 'VaultAlreadyUpgraded'
        $c.Findings[0].Severity | Should -Be 'Error'
        $c.Findings[0].Message | Should -Match ([regex]::Escape($op.TargetVaultId))
    }

    It 'changes nothing: the classic vault stays Active, no resource group, vault or upgrade appears' {
        Add-RecoveryVaultEmulatorData -ClassicVaultName cv-files -StorageBasedBilling | Out-Null
        $before = Get-ClassicSnapshot -Vault cv-files
        foreach ($i in 1..2) {
            Test-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-backup -AcceptBillingChange | Out-Null
            Get-RecoveryVaultClassicVault | Test-RecoveryVaultUpgrade -TargetResourceGroupName rg-backup | Out-Null
        }
        $cv = Get-RecoveryVaultClassicVault -Name cv-files
        $cv.State | Should -Be 'Active'
        $cv.BillingModel | Should -Be 'StorageBased'
        $cv.UpgradedVaultId | Should -BeNullOrEmpty
        Get-RecoveryVault | Should -BeNullOrEmpty
        Get-ResourceGroupStatus -Name rg-backup | Should -Be 404
        $after = Get-ClassicSnapshot -Vault cv-files
        ($after.Points.id | Sort-Object) | Should -Be ($before.Points.id | Sort-Object)
        ($after.Items.id | Sort-Object) | Should -Be ($before.Items.id | Sort-Object)
        $err = $null
        Get-RecoveryVaultUpgrade -Name cv-files -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Assert-RvError -Record $err[0] -Id UpgradeNotFound -Command GetRecoveryVaultUpgradeCommand -Category ObjectNotFound -Target "$classicPrefix/cv-files"
    }

    It 'says ClassicVaultNotFound for an unknown vault' {
        $err = $null
        Test-RecoveryVaultUpgrade -Name nosuch -TargetResourceGroupName rg-prod -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Assert-RvError -Record $err[0] -Id ClassicVaultNotFound -Command TestRecoveryVaultUpgradeCommand -Category ObjectNotFound -Target "$classicPrefix/nosuch"
    }
}

Describe 'Start-RecoveryVaultUpgrade: blocked, fixed, warned' {
    BeforeEach {
        Initialize-UpgradeState
        Add-CheckedVault
    }

    It 'is blocked by an Error finding: UpgradeBlocked (non-terminating) with the findings; nothing starts' {
        Add-RecoveryVaultEmulatorData -ClassicVaultName cv-files -ClassicServerName fs02 -AgentVersion 2.0.9000.0 | Out-Null
        Add-RecoveryVaultEmulatorData -ClassicVaultName cv-files -StorageBasedBilling | Out-Null
        $err = $null
        $out = Start-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod -Force -ErrorVariable err -ErrorAction SilentlyContinue
        $reached = $true
        $reached | Should -BeTrue -Because 'UpgradeBlocked is non-terminating'
        $out | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        Assert-RvError -Record $err[0] -Id UpgradeBlocked -Command StartRecoveryVaultUpgradeCommand -Category InvalidOperation -Target "$classicPrefix/cv-files"
        $err[0].Exception.Message | Should -Match "classic vault 'cv-files' cannot be upgraded yet"
        $err[0].Exception.Message | Should -Match '\[MarsAgentTooOld\].*fs02 \(2\.0\.9000\.0\)'
        $err[0].Exception.Message | Should -Match '\[BillingModelChange\]'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'Update the MARS agent'
        $err[0].ErrorDetails.RecommendedAction | Should -Match '-AcceptBillingChange'
        (Get-RecoveryVaultClassicVault -Name cv-files).State | Should -Be 'Active'
        Get-RecoveryVaultUpgrade -Name cv-files -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-RecoveryVault | Should -BeNullOrEmpty
        { Start-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'UpgradeBlocked,RecoveryVault.Commands.StartRecoveryVaultUpgradeCommand'
    }

    It 'succeeds once the blocker is fixed (the server re-seeded with a newer agent)' {
        Add-RecoveryVaultEmulatorData -ClassicVaultName cv-files -ClassicServerName fs02 -AgentVersion 2.0.9000.0 | Out-Null
        $err = $null
        Start-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod -Force -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -Be 'UpgradeBlocked,RecoveryVault.Commands.StartRecoveryVaultUpgradeCommand'
        Add-RecoveryVaultEmulatorData -ClassicVaultName cv-files -ClassicServerName fs02 -AgentVersion 2.0.9262.0 | Out-Null
        Get-Finding (Test-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod) MarsAgentTooOld | Should -BeNullOrEmpty
        $r = Invoke-WithRunningClock { Start-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod -Force -ErrorAction Stop }
        $r | Should -BeOfType RecoveryVault.Models.UpgradeResult
        $r.Outcome | Should -Be 'Upgraded'
        $r.Status | Should -Be 'Succeeded'
        $r.PercentComplete | Should -Be 100
        $r.Attempt | Should -Be 1
        $r.Verification.Verified | Should -BeTrue
        (Get-RecoveryVault -Name cv-files -ResourceGroupName rg-prod | Get-RecoveryVaultContainer -Kind MarsServer |
            Where-Object FriendlyName -eq fs02) | Should -Not -BeNullOrEmpty
    }

    It 'accepts a warning: ServerNotReporting is written as a warning and the upgrade proceeds' {
        Add-RecoveryVaultEmulatorData -ClassicVaultName cv-files -ClassicServerName fs02 -LastSeenDaysAgo 60 | Out-Null
        $all = Invoke-WithRunningClock { Start-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod -Force -ErrorAction Stop 3>&1 }
        $warnings = @($all | Where-Object { $_ -is [System.Management.Automation.WarningRecord] })
        $warnings | Should -HaveCount 1
        $warnings[0].Message | Should -Match '^cv-files: ServerNotReporting: '
        $warnings[0].Message | Should -Match "Server 'fs02' has not contacted the vault for 60 days"
        $r = $all | Where-Object { $_ -is [RecoveryVault.Models.UpgradeResult] }
        $r.Outcome | Should -Be 'Upgraded'
        $r.Verification.Verified | Should -BeTrue
        # Its data moved; the server itself is marked unhealthy until it registers with the new vault.
        $containers = $r.Vault | Get-RecoveryVaultContainer -Kind MarsServer
        ($containers | Where-Object FriendlyName -eq fs02).HealthStatus | Should -Be 'Unhealthy'
        ($containers | Where-Object FriendlyName -eq fs01).HealthStatus | Should -Be 'Healthy'
        @($r.Vault | Get-RecoveryVaultItem -Kind MarsServer | Where-Object ContainerName -eq fs02) | Should -HaveCount 2
    }

    It 'converts storage-based billing only with -AcceptBillingChange' {
        Add-RecoveryVaultEmulatorData -ClassicVaultName cv-files -StorageBasedBilling | Out-Null
        $r = Invoke-WithRunningClock { Start-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod -AcceptBillingChange -Force -ErrorAction Stop }
        $r.Outcome | Should -Be 'Upgraded'
        $r.BillingModelChanged | Should -BeTrue
        (Get-RecoveryVaultClassicVault -Name cv-files).BillingModel | Should -Be 'InstanceBased'
    }

    It 'refuses another target while an upgrade runs: Conflict, and the running one goes on' {
        $op = Start-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod -Force -NoWait
        $err = $null
        Start-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-test -Force -NoWait -ErrorVariable err -ErrorAction SilentlyContinue 3>$null | Should -BeNullOrEmpty
        Assert-RvError -Record $err[0] -Id Conflict -Command StartRecoveryVaultUpgradeCommand -Category ResourceExists -Target "$classicPrefix/cv-files"
        $err[0].Exception.ErrorCode | Should -Be 'UpgradeInProgress'
        $now = Get-RecoveryVaultUpgrade -Name cv-files -SkipVerification
        $now.OperationId | Should -Be $op.OperationId
        $now.TargetVaultId | Should -Be $op.TargetVaultId
    }
}

Describe 'Guarantee 1: nothing is lost or duplicated' {
    BeforeAll {
        Initialize-UpgradeState
        # Two policies (one named like a Recovery Services default policy), MARS and DPM servers, five folders, five points each.
        Invoke-EmulatorAdmin -Method POST -Path '/_emulator/classicVaults' -Body @{
            name = 'cv-big'; location = 'westeurope'; recoveryPointDays = 5
            policies = @(@{ name = 'DailyFiles'; runTime = '22:00'; retentionDays = 180 }, @{ name = 'DefaultPolicy'; runTime = '23:00'; retentionDays = 30 })
            servers = @(
                @{ name = 'fs01'; items = @('C:\Data', 'D:\Shares') }
                @{ name = 'fs02'; items = @('C:\Data', 'E:\Home') }
                @{ name = 'dpm01'; serverType = 'DPM'; policy = 'DefaultPolicy'; items = @('F:\Dumps') }
            )
        } | Out-Null
        $script:before = Get-ClassicSnapshot -Vault cv-big
        $script:result = Invoke-WithRunningClock { Start-RecoveryVaultUpgrade -Name cv-big -TargetResourceGroupName rg-prod -Force -ErrorAction Stop }
        $script:newVault = Get-RecoveryVault -Name cv-big -ResourceGroupName rg-prod
    }

    It 'starts from what was seeded' {
        $before.Policies | Should -HaveCount 2
        $before.Servers | Should -HaveCount 3
        $before.Items | Should -HaveCount 5
        $before.Points | Should -HaveCount 25
    }

    It 'moves every policy once (a name taken by a default policy gets the -classic suffix)' {
        $policies = $newVault | Get-RecoveryVaultPolicy -Kind MarsServer
        ($policies.Name | Sort-Object) | Should -Be @('DailyFiles', 'DefaultPolicy-classic')
        ($newVault | Get-RecoveryVaultPolicy -Name DefaultPolicy).Kind | Should -Be 'AzureVM'
    }

    It 'moves every MARS server once, as a MARS container of the same name' {
        $mars = @($before.Servers | Where-Object { $_.properties.serverType -eq 'MARS' })
        $containers = $newVault | Get-RecoveryVaultContainer -Kind MarsServer
        $containers | Should -HaveCount $mars.Count
        ($containers.FriendlyName | Sort-Object) | Should -Be ($mars.name | Sort-Object)
        ($containers.Id | Sort-Object) | Should -Be ($mars.name | Sort-Object | ForEach-Object { "$($newVault.Id)/backupFabrics/Azure/protectionContainers/$_" })
    }

    It 'moves a DPM server as a backup server (backupEngines, a DPMContainer), not as a MARS agent' {
        # Azure Backup: DPM / Azure Backup Server register as backup engines with DPMContainer / AzureBackupServerContainer
        # containers and DPMProtectedItem data sources (bms.json; Dpm/BackupEngines_List.json).
        $servers = @($newVault | Get-RecoveryVaultBackupServer)
        $servers | Should -HaveCount 1
        $servers[0].Name | Should -Be 'dpm01'
        $servers[0].Type | Should -Be 'DPM'
        $servers[0].BackupEngineType | Should -Be 'DpmBackupEngine'
        $servers[0].ProtectedItemCount | Should -Be 1
        $container = @($newVault | Get-RecoveryVaultContainer -Kind BackupServer)
        $container | Should -HaveCount 1
        $container[0].Name | Should -Be 'dpm01'
        $newVault | Get-RecoveryVaultContainer -Kind MarsServer | Where-Object Name -eq dpm01 | Should -BeNullOrEmpty
    }

    It 'moves every item once, under its server: MARS folders with their policy, DPM data sources as DPM items' {
        $mars = @($newVault | Get-RecoveryVaultItem -Kind MarsServer)
        $dpm = @($newVault | Get-RecoveryVaultItem -Kind BackupServer)
        ($mars.Count + $dpm.Count) | Should -Be $before.Items.Count
        $expectedMars = $before.Items | Where-Object { $_.properties.serverName -ne 'dpm01' } |
            ForEach-Object { "$($newVault.Id)/backupFabrics/Azure/protectionContainers/$($_.properties.serverName)/protectedItems/FileFolder;$($_.properties.path)" }
        ($mars.Id | Sort-Object) | Should -Be ($expectedMars | Sort-Object)
        $mars.PolicyName | Sort-Object -Unique | Should -Be 'DailyFiles'
        $dpm.Id | Should -Be "$($newVault.Id)/backupFabrics/Azure/protectionContainers/dpm01/protectedItems/F:\Dumps"
        $dpm.ContainerName | Should -Be 'dpm01'
    }

    It 'moves every recovery point once, under its item, with the classic name and time' {
        $items = @($newVault | Get-RecoveryVaultItem -Kind MarsServer) + @($newVault | Get-RecoveryVaultItem -Kind BackupServer)
        $total = 0
        foreach ($item in $items) {
            $classic = @($before.Points | Where-Object { $_.properties.serverName -eq $item.ContainerName -and $_.properties.path -eq $item.FriendlyName })
            $moved = @($item | Get-RecoveryVaultRecoveryPoint)
            $classic.Count | Should -BeGreaterThan 0
            $moved | Should -HaveCount $classic.Count -Because "$($item.ContainerName) $($item.FriendlyName) had $($classic.Count) points"
            ($moved.Name | Sort-Object) | Should -Be ($classic.name | Sort-Object)
            ($moved | ForEach-Object { "$($_.Name)@$($_.RecoveryPointTime.UtcTicks)" } | Sort-Object) |
                Should -Be ($classic | ForEach-Object { "$($_.name)@$(([DateTimeOffset]::Parse($_.properties.recoveryPointTime, [cultureinfo]::InvariantCulture)).UtcTicks)" } | Sort-Object)
            $moved.ItemId | Sort-Object -Unique | Should -Be $item.Id
            $total += $moved.Count
        }
        $total | Should -Be $before.Points.Count
    }

    It 'and the cmdlet''s own verification agrees: Verified, every count complete, nothing new' {
        $result.Outcome | Should -Be 'Upgraded'
        $v = $result.Verification
        $v.Verified | Should -BeTrue
        ($v.Counts | ForEach-Object { "$($_.What)=$($_.Classic)/$($_.Found)/$($_.Duplicated)/$($_.Missing.Count)" }) |
            Should -Be @('Policies=2/2/0/0', 'Servers=3/3/0/0', 'Items=5/5/0/0', 'RecoveryPoints=25/25/0/0')
        $v.NewRecoveryPoints | Should -Be 0
        $v.IdMap.Count | Should -Be 10
        $v.IdMap["$classicPrefix/cv-big/policies/DefaultPolicy"] | Should -Be "$($newVault.Id)/backupPolicies/DefaultPolicy-classic"
        # Get-RecoveryVaultUpgrade verifies again, the same way.
        (Get-RecoveryVaultUpgrade -Name cv-big).Verification.ToString() | Should -Be $v.ToString()
    }

    It 'leaves the classic record readable and unchanged' {
        $after = Get-ClassicSnapshot -Vault cv-big
        ($after.Points.id | Sort-Object) | Should -Be ($before.Points.id | Sort-Object)
        ($after.Items.id | Sort-Object) | Should -Be ($before.Items.id | Sort-Object)
    }
}

Describe 'Guarantee 2: a backup running at the start finishes into the new vault' {
    BeforeAll {
        Initialize-UpgradeState
        Add-CheckedVault
        Add-RecoveryVaultEmulatorData -ClassicVaultName cv-files -ClassicServerName fs01 -ItemPath 'C:\Data' -RunningJob Backup -JobMinutes 60 | Out-Null
        $script:classicJob = (Get-ClassicRest -Vault cv-files -Child jobs) | Where-Object { $_.properties.status -eq 'InProgress' }
        $script:before = Get-ClassicSnapshot -Vault cv-files
        $script:op = Start-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod -Force -NoWait
    }

    It 'is handed over to the new vault at the commit, still running' {
        $classicJob | Should -HaveCount 1
        Complete-Upgrade
        $r = Get-RecoveryVaultUpgrade -Name cv-files
        $r.Outcome | Should -Be 'Upgraded'
        $r.Verification.Verified | Should -BeTrue
        $r.Verification.NewRecoveryPoints | Should -Be 0
        $newJobId = $r.Verification.IdMap[$classicJob.id]
        $newJobId | Should -BeLike "$($r.TargetVaultId)/backupJobs/*"
        $job = $r.Vault | Get-RecoveryVaultJob -JobId ($newJobId -split '/')[-1]
        $job.Operation | Should -Be 'Backup'
        $job.Status | Should -Be 'InProgress'
        $job.EntityFriendlyName | Should -Be 'C:\Data'
        ((Get-ClassicRest -Vault cv-files -Child jobs) | Where-Object id -eq $classicJob.id).properties.status | Should -Be 'HandedOver'
    }

    It 'finishes, and its recovery point lands in the new vault (not in the classic one)' {
        Add-RecoveryVaultEmulatorData -AdvanceClock ([timespan]::FromMinutes(40)) | Out-Null
        $r = Get-RecoveryVaultUpgrade -Name cv-files
        $job = $r.Vault | Get-RecoveryVaultJob -JobId ($r.Verification.IdMap[$classicJob.id] -split '/')[-1]
        $job.Status | Should -Be 'Completed'
        $item = $r.Vault | Get-RecoveryVaultItem -Kind MarsServer | Where-Object { $_.ContainerName -eq 'fs01' -and $_.FriendlyName -eq 'C:\Data' }
        $points = @($item | Get-RecoveryVaultRecoveryPoint)
        $classicNames = @($before.Points | Where-Object { $_.properties.serverName -eq 'fs01' -and $_.properties.path -eq 'C:\Data' }).name
        $new = @($points | Where-Object Name -notin $classicNames)
        $new | Should -HaveCount 1
        $new[0].RecoveryPointTime | Should -Be $job.StartTime
        $points | Should -HaveCount ($classicNames.Count + 1)
        $r.Verification.Verified | Should -BeTrue
        $r.Verification.NewRecoveryPoints | Should -Be 1
        (Get-ClassicRest -Vault cv-files -Child recoveryPoints) | Should -HaveCount $before.Points.Count
    }
}

Describe 'Guarantee 3: the new vault is secured and replaces the classic one' {
    BeforeAll {
        Initialize-UpgradeState
        Add-CheckedVault
        Add-CheckedVault -Name cv-stays
        $script:classic = Get-RecoveryVaultClassicVault -Name cv-files
        $script:result = Invoke-WithRunningClock { Start-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-backup -Force -ErrorAction Stop 3>$null }
    }

    It 'has soft delete and enhanced security on, and says where it came from' {
        $v = Get-RecoveryVault -Name cv-files -ResourceGroupName rg-backup
        $v.SoftDeleteState | Should -Be 'Enabled'
        $v.EnhancedSecurityState | Should -Be 'Enabled'
        $v.UpgradeStatus | Should -Be 'Upgraded'
        $v.UpgradedFromId | Should -Be $classic.Id
        $v.Location | Should -Be $classic.Location
        $v.Id | Should -Be $result.TargetVaultId
        $result.Vault.Id | Should -Be $v.Id
        $result.ResourceGroupCreated | Should -BeTrue
        Get-ResourceGroupStatus -Name rg-backup | Should -Be 200
    }

    It 'is no longer listed as a classic vault, but can still be looked up by name' {
        (Get-RecoveryVaultClassicVault).Name | Should -Be @('cv-stays')
        Get-RecoveryVaultClassicVault -Name 'cv-f*' | Should -BeNullOrEmpty
        $cv = Get-RecoveryVaultClassicVault -Name cv-files
        $cv.State | Should -Be 'Upgraded'
        $cv.UpgradedVaultId | Should -Be $result.TargetVaultId
        $g = Get-RecoveryVaultUpgrade -Name cv-files
        $g.OperationId | Should -Be $result.OperationId
        $g.Outcome | Should -Be 'Upgraded'
        $g.ClassicVaultId | Should -Be $classic.Id
        $g.EndTime | Should -BeGreaterThan $g.StartTime
    }

    It 'cannot be upgraded twice: UpgradeBlocked with VaultAlreadyUpgraded' {
        $err = $null
        Start-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-backup -Force -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Assert-RvError -Record $err[0] -Id UpgradeBlocked -Command StartRecoveryVaultUpgradeCommand -Category InvalidOperation -Target $classic.Id
        $err[0].Exception.Message | Should -Match '\[VaultAlreadyUpgraded\]'
        (Get-RecoveryVaultUpgrade -Name cv-files -SkipVerification).OperationId | Should -Be $result.OperationId
    }
}

Describe 'Guarantee 4: interrupting the client never interrupts the upgrade' {
    BeforeEach {
        Initialize-UpgradeState
        Add-CheckedVault
    }

    It 'Start -NoWait, then Start again: the same operation, never a second one' {
        $first = Start-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod -Force -NoWait
        $first.Status | Should -Be 'InProgress'
        $first.OperationId | Should -Not -BeNullOrEmpty
        Add-RecoveryVaultEmulatorData -AdvanceClock ([timespan]::FromMinutes(4)) | Out-Null
        $second = Start-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod -Force -NoWait -Verbose 4>&1
        $again = $second | Where-Object { $_ -is [RecoveryVault.Models.UpgradeResult] }
        $again.OperationId | Should -Be $first.OperationId
        $again.StartTime | Should -Be $first.StartTime
        $again.Attempt | Should -Be 1
        $again.PercentComplete | Should -BeGreaterThan 0
        ($second | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Contain "cv-files: Information UpgradeInProgress: An upgrade of 'cv-files' is already running (operation $($first.OperationId))."
        Complete-Upgrade
        $done = Get-RecoveryVaultUpgrade -Name cv-files
        $done.OperationId | Should -Be $first.OperationId
        $done.Outcome | Should -Be 'Upgraded'
        $done.Attempt | Should -Be 1
        @(Get-RecoveryVault) | Should -HaveCount 1
    }

    It 'a killed PowerShell process: the upgrade goes on, and Start again picks up the same operation' {
        $child = Start-ChildUpgrade -Vault cv-files -ResourceGroup rg-prod
        try {
            $deadline = [datetime]::UtcNow.AddSeconds(120)
            $seen = $null
            while ([datetime]::UtcNow -lt $deadline -and -not $child.HasExited) {
                $seen = Get-RecoveryVaultUpgrade -Name cv-files -SkipVerification -ErrorAction SilentlyContinue
                if ($seen.Status -eq 'InProgress') { break }
                Start-Sleep -Milliseconds 200
            }
            $child.HasExited | Should -BeFalse -Because "the child waits for the upgrade (stderr: $(if ($child.HasExited) { $child.StandardError.ReadToEnd() }))"
            $seen.Status | Should -Be 'InProgress'
        }
        finally {
            if (-not $child.HasExited) { $child.Kill($true) }
            $child.WaitForExit(30000) | Out-Null
        }
        $child.HasExited | Should -BeTrue
        $child.StandardOutput.ReadToEnd() | Should -Not -Match 'child finished'

        $afterKill = Get-RecoveryVaultUpgrade -Name cv-files -SkipVerification
        $afterKill.OperationId | Should -Be $seen.OperationId
        $afterKill.Status | Should -Be 'InProgress'
        Add-RecoveryVaultEmulatorData -AdvanceClock ([timespan]::FromMinutes(5)) | Out-Null
        $moving = Get-RecoveryVaultUpgrade -Name cv-files -SkipVerification
        $moving.OperationId | Should -Be $seen.OperationId
        $moving.PercentComplete | Should -BeGreaterThan $afterKill.PercentComplete
        $picked = Start-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod -Force -NoWait
        $picked.OperationId | Should -Be $seen.OperationId
        $picked.Attempt | Should -Be 1
        Complete-Upgrade
        $done = Get-RecoveryVaultUpgrade -Name cv-files
        $done.OperationId | Should -Be $seen.OperationId
        $done.Status | Should -Be 'Succeeded'
        $done.Verification.Verified | Should -BeTrue
    }

    It 'Stop-Job on Start -AsJob stops the waiting, not the upgrade' {
        $psJob = Start-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod -Force -AsJob
        $deadline = [datetime]::UtcNow.AddSeconds(60)
        while (-not (Get-RecoveryVaultUpgrade -Name cv-files -SkipVerification -ErrorAction SilentlyContinue) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 200 }
        $psJob.State | Should -Be 'Running'
        $psJob | Stop-Job
        $psJob | Wait-Job -Timeout 60 | Out-Null
        $psJob.State | Should -Be 'Stopped'
        $op = Get-RecoveryVaultUpgrade -Name cv-files -SkipVerification
        $op.Status | Should -Be 'InProgress'
        Complete-Upgrade
        $done = Get-RecoveryVaultUpgrade -Name cv-files
        $done.OperationId | Should -Be $op.OperationId
        $done.Outcome | Should -Be 'Upgraded'
    }
}

Describe 'Guarantee 5: all or nothing at the commit; a failure is retried or resumed' {
    BeforeEach {
        Initialize-UpgradeState
        Add-CheckedVault
        $script:before = Get-ClassicSnapshot -Vault cv-files
    }

    It 'moves everything at one instant: before the commit no vault exists, after it everything does' {
        $op = Start-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-backup -Force -NoWait 3>$null
        Add-RecoveryVaultEmulatorData -AdvanceClock ([timespan]::FromMinutes(19)) | Out-Null
        $moving = Get-RecoveryVaultUpgrade -Name cv-files -SkipVerification
        $moving.Phase | Should -Be 'MovingRecoveryPoints'
        $moving.ClassicVaultUntouched | Should -BeTrue
        Get-RecoveryVault | Should -BeNullOrEmpty
        Get-ResourceGroupStatus -Name rg-backup | Should -Be 404
        (Get-RecoveryVaultClassicVault -Name cv-files).State | Should -Be 'Upgrading'

        Add-RecoveryVaultEmulatorData -AdvanceClock ([timespan]::FromMinutes(2)) | Out-Null
        $final = Get-RecoveryVaultUpgrade -Name cv-files -SkipVerification
        $final.Phase | Should -Be 'Finalizing'
        $final.ClassicVaultUntouched | Should -BeFalse
        $v = Get-RecoveryVault -Name cv-files -ResourceGroupName rg-backup
        $v.UpgradeStatus | Should -Be 'InProgress'
        @($v | Get-RecoveryVaultItem -Kind MarsServer) | Should -HaveCount $before.Items.Count
        @($v | Get-RecoveryVaultItem -Kind MarsServer | Get-RecoveryVaultRecoveryPoint) | Should -HaveCount $before.Points.Count
        Complete-Upgrade
        (Get-RecoveryVaultUpgrade -Name cv-files).Outcome | Should -Be 'Upgraded'
        (Get-RecoveryVault -Name cv-files -ResourceGroupName rg-backup).UpgradeStatus | Should -Be 'Upgraded'
    }

    It 'a fault before the commit leaves the classic vault untouched; Start again retries the same operation and succeeds' {
        Add-RecoveryVaultEmulatorData -Fault upgradeFailure -UpgradePhase MovingItems | Out-Null
        $err = $null
        Set-ClockRate 600
        try { $r = Start-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod -Force -ErrorVariable err -ErrorAction SilentlyContinue }
        finally { Set-ClockRate 0 }
        $r.Outcome | Should -Be 'FailedClassicVaultUntouched'
        $r.Status | Should -Be 'Failed'
        $r.Phase | Should -Be 'MovingItems'
        $r.ClassicVaultUntouched | Should -BeTrue
        $r.Resumable | Should -BeTrue
        $r.ErrorCode | Should -Be 'UpgradeInterrupted'
        $r.Verification | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        Assert-RvError -Record $err[0] -Id UpgradeFailed -Command StartRecoveryVaultUpgradeCommand -Category InvalidResult -Target "$classicPrefix/cv-files"
        $err[0].Exception.Message | Should -Match 'failed in phase MovingItems \(UpgradeInterrupted'
        $err[0].Exception.Message | Should -Match 'Nothing moved: the classic vault is untouched'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'Run Start-RecoveryVaultUpgrade again'

        Get-RecoveryVault | Should -BeNullOrEmpty
        $cv = Get-RecoveryVaultClassicVault -Name cv-files
        $cv.State | Should -Be 'Active'
        $cv.UpgradedVaultId | Should -BeNullOrEmpty
        $after = Get-ClassicSnapshot -Vault cv-files
        ($after.Servers.id | Sort-Object) | Should -Be ($before.Servers.id | Sort-Object)
        ($after.Items.id | Sort-Object) | Should -Be ($before.Items.id | Sort-Object)
        ($after.Points.id | Sort-Object) | Should -Be ($before.Points.id | Sort-Object)
        ($after.Policies.id | Sort-Object) | Should -Be ($before.Policies.id | Sort-Object)

        $retry = Invoke-WithRunningClock { Start-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod -Force -ErrorAction Stop }
        $retry.OperationId | Should -Be $r.OperationId
        $retry.Attempt | Should -Be 2
        $retry.Outcome | Should -Be 'Upgraded'
        $retry.Verification.Verified | Should -BeTrue
        ($retry.Verification.Counts | Where-Object What -eq RecoveryPoints).Found | Should -Be $before.Points.Count
    }

    It 'a fault after the commit is resumable (the data is already in the new vault); Start again finishes it' {
        Add-RecoveryVaultEmulatorData -Fault upgradeFailure -UpgradePhase Finalizing | Out-Null
        $err = $null
        Set-ClockRate 600
        try { $r = Start-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod -Force -ErrorVariable err -ErrorAction SilentlyContinue }
        finally { Set-ClockRate 0 }
        $r.Outcome | Should -Be 'FailedResumable'
        $r.Phase | Should -Be 'Finalizing'
        $r.ClassicVaultUntouched | Should -BeFalse
        $r.Resumable | Should -BeTrue
        Assert-RvError -Record $err[0] -Id UpgradeFailed -Command StartRecoveryVaultUpgradeCommand -Category InvalidResult -Target "$classicPrefix/cv-files"
        $err[0].Exception.Message | Should -Match 'The backup data is in the new vault; only finishing remains'

        $v = Get-RecoveryVault -Name cv-files -ResourceGroupName rg-prod
        $v.UpgradeStatus | Should -Be 'InProgress'
        @($v | Get-RecoveryVaultItem -Kind MarsServer | Get-RecoveryVaultRecoveryPoint) | Should -HaveCount $before.Points.Count
        (Get-RecoveryVaultClassicVault -Name cv-files).State | Should -Be 'Upgrading'
        # The vault the upgrade made is not "in the way" of its own upgrade.
        $check = Test-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod
        Get-Finding $check TargetVaultNameTaken | Should -BeNullOrEmpty
        $check.CanUpgrade | Should -BeTrue

        $resumed = Invoke-WithRunningClock { Start-RecoveryVaultUpgrade -Name cv-files -TargetResourceGroupName rg-prod -Force -ErrorAction Stop }
        $resumed.OperationId | Should -Be $r.OperationId
        $resumed.Attempt | Should -Be 2
        $resumed.Outcome | Should -Be 'Upgraded'
        $resumed.Verification.Verified | Should -BeTrue
        ($resumed.Verification.Counts | ForEach-Object { "$($_.What)=$($_.Found)" }) | Should -Be @('Policies=1', 'Servers=2', 'Items=4', 'RecoveryPoints=12')
        $resumed.Vault.UpgradeStatus | Should -Be 'Upgraded'
        @(Get-RecoveryVault) | Should -HaveCount 1
    }
}

Describe 'Pipeline, -WhatIf and -AsJob' {
    BeforeEach {
        Initialize-UpgradeState
        Add-CheckedVault -Name cv-ready
        Add-CheckedVault -Name cv-old
        Add-RecoveryVaultEmulatorData -ClassicVaultName cv-old -ClassicServerName fs02 -AgentVersion 2.0.8000.0 | Out-Null
    }

    It 'Get | Test | Where-Object CanUpgrade | Start upgrades only the vault that can be' {
        $results = Invoke-WithRunningClock {
            Get-RecoveryVaultClassicVault | Test-RecoveryVaultUpgrade -TargetResourceGroupName rg-backup | Where-Object CanUpgrade | Start-RecoveryVaultUpgrade -Force -ErrorAction Stop 3>$null
        }
        $results | Should -HaveCount 1
        $results.ClassicVaultName | Should -Be 'cv-ready'
        $results.Outcome | Should -Be 'Upgraded'
        $results.TargetVaultId | Should -Be "/subscriptions/$sub/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/cv-ready"
        $results.ResourceGroupCreated | Should -BeTrue
        $results.Verification.Verified | Should -BeTrue
        (Get-RecoveryVault).Name | Should -Be @('cv-ready')
        (Get-RecoveryVaultClassicVault).Name | Should -Be @('cv-old')
        (Get-RecoveryVaultClassicVault -Name cv-old).State | Should -Be 'Active'
        Get-RecoveryVaultUpgrade -Name cv-old -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It '-WhatIf changes nothing and says what would move' {
        $log = Join-Path ([IO.Path]::GetTempPath()) ("rv-whatif-" + [guid]::NewGuid().ToString('N').Substring(0, 8) + '.txt')
        Start-Transcript -Path $log | Out-Null
        try { $out = Start-RecoveryVaultUpgrade -Name cv-ready -TargetResourceGroupName rg-backup -WhatIf 3>$null }
        finally { Stop-Transcript | Out-Null }
        $text = Get-Content $log -Raw
        Remove-Item $log
        $out | Should -BeNullOrEmpty
        $text | Should -Match ([regex]::Escape("What if: Performing the operation ""Upgrade to Recovery Services vault '/subscriptions/$sub/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/cv-ready' (creating resource group 'rg-backup'): move 1 policies, 2 registered servers, 4 items and 12 recovery points"" on target ""$classicPrefix/cv-ready"""))
        Get-RecoveryVaultUpgrade -Name cv-ready -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        (Get-RecoveryVaultClassicVault -Name cv-ready).State | Should -Be 'Active'
        Get-RecoveryVault | Should -BeNullOrEmpty
        Get-ResourceGroupStatus -Name rg-backup | Should -Be 404
    }

    It '-AsJob returns a job at once whose output is the UpgradeResult' {
        Set-ClockRate 600
        try {
            $psJob = Start-RecoveryVaultUpgrade -Name cv-ready -TargetResourceGroupName rg-prod -Force -AsJob
            $psJob | Should -BeOfType RecoveryVault.Models.RecoveryVaultBackgroundJob
            $psJob.PSJobTypeName | Should -Be 'RecoveryVaultJob'
            $psJob | Wait-Job -Timeout 120 | Out-Null
        }
        finally { Set-ClockRate 0 }
        $psJob.State | Should -Be 'Completed'
        $out = @($psJob | Receive-Job -ErrorAction Stop)
        $out | Should -HaveCount 1
        $out[0] | Should -BeOfType RecoveryVault.Models.UpgradeResult
        $out[0].ClassicVaultName | Should -Be 'cv-ready'
        $out[0].Outcome | Should -Be 'Upgraded'
        $out[0].Verification.Verified | Should -BeTrue
        $out[0].OperationId | Should -Be (Get-RecoveryVaultUpgrade -Name cv-ready -SkipVerification).OperationId
    }
}
