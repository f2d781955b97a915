<#
.SYNOPSIS
    The fault matrix: a realistic workload through the cmdlets (per vault: create it, create a policy, protect a VM,
    back it up, restore it, list, remove the vault with its backup data) while the emulator loses the answer of a
    share of the writes after carrying them out (fault kind dropResponse on PUT/POST/PATCH/DELETE), at each rate.
    Prints per mode: calls, visible failures, duplicates, ghosts, lost. Target: duplicates, ghosts and lost 0 in every
    mode; visible failures 0 at 20 %.

    * duplicates: more than one job of one operation for one item (two Restore jobs for one restore), more than one
      Backup job for one Backup-RecoveryVaultItem call.
    * ghosts: a call that reported failure whose effect is there anyway (a removed vault that "failed").
    * lost: a call that reported success whose effect is not there.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Vaults = 20,
    [double[]] $Rates = @(0.2, 0.5),
    [int] $Seed = 14,
    # Emit the rows as JSON (the Pester fault-matrix test reads them) instead of a table.
    [switch] $AsJson
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path (Resolve-Path $ModulePath) 'RecoveryVault.psd1')

function Invoke-Admin {
    param([Parameter(Mandatory)] $Emulator, [Parameter(Mandatory)] [string] $Method, [Parameter(Mandatory)] [string] $Path, [string] $Body)
    $curl = @('-s', '-f', '--cacert', $Emulator.CertificatePath, '-X', $Method, '-H', 'Content-Type: application/json')
    if ($Body) { $curl += @('-d', $Body) }
    $null = & curl @curl ($Emulator.Endpoint + $Path)
    if ($LASTEXITCODE -ne 0) { throw "Admin call $Method $Path failed (curl exit $LASTEXITCODE)." }
}

function Invoke-Mode {
    param([Parameter(Mandatory)] [double] $Rate)
    # A frozen backup clock (moved on by the script) so a backup is complete exactly when the script says.
    $emulator = Start-RecoveryVaultEmulator -InMemory -LroDurationMs 50 -ClockRate 0 -ClockStart ([datetime]::UtcNow.Date.AddHours(12))
    try {
        $emulator | Connect-RecoveryVault | Out-Null
        $sub = $emulator.SubscriptionId
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-bench -Location westeurope | Out-Null
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-restore -Location westeurope | Out-Null
        Add-RecoveryVaultEmulatorData -ResourceGroupName rg-bench -StorageAccountName sabench01 | Out-Null
        foreach ($i in 1..$Vaults) { Add-RecoveryVaultEmulatorData -ResourceGroupName rg-bench -VirtualMachineName ('vm{0:d2}' -f $i) | Out-Null }
        $staging = "/subscriptions/$sub/resourceGroups/rg-bench/providers/Microsoft.Storage/storageAccounts/sabench01"
        $schedule = New-RecoveryVaultSchedule -At 23:30
        $retention = New-RecoveryVaultRetention -DailyDays 14

        $stats = [ordered]@{ Calls = 0; VisibleFailures = 0; Duplicates = 0; Ghosts = 0; Lost = 0 }
        # One cmdlet call: its errors are counted, never thrown (the workload goes on as a script with
        # -ErrorAction Continue would); then its effect is checked against what it reported.
        $step = {
            param([scriptblock] $Call, [scriptblock] $Effect)
            $stats.Calls++
            $ErrorActionPreference = 'Continue'
            $failed = $false
            try {
                $all = @(& $Call 2>&1)
                $out = @($all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] })
                $failed = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }).Count -gt 0
            }
            catch { $out = @(); $failed = $true }
            if ($failed) {
                $stats.VisibleFailures++
                $why = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object { "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" })
                Write-Verbose "failed: $Call -> $($why -join ' | ')"
            }
            $happened = & $Effect $out
            if ($failed -and $happened) { $stats.Ghosts++; Write-Verbose "ghost: $Call" }
            if (-not $failed -and -not $happened) { $stats.Lost++; Write-Verbose "lost: $Call" }
            [pscustomobject]@{ Ok = $happened; Out = $out }
        }
        function Get-JobCount($vault, $operation, $name) {
            @($vault | Get-RecoveryVaultJob -Operation $operation | Where-Object EntityFriendlyName -EQ $name).Count
        }

        Invoke-Admin $emulator PUT /_emulator/faults (@{ rate = $Rate; seed = $Seed; kinds = @('dropResponse'); methods = @('PUT', 'POST', 'PATCH', 'DELETE') } | ConvertTo-Json -Compress)
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $live = @()
        foreach ($i in 1..$Vaults) {
            $name = 'fb-{0:d2}' -f $i
            $vm = 'vm{0:d2}' -f $i
            $r = & $step { New-RecoveryVault -Name $name -ResourceGroupName rg-bench -Location westeurope } `
                { @(Get-RecoveryVault -ResourceGroupName rg-bench | Where-Object Name -EQ $name).Count -eq 1 }
            if (-not $r.Ok) { continue }
            $vault = Get-RecoveryVault -Name $name -ResourceGroupName rg-bench
            $r = & $step { $vault | New-RecoveryVaultPolicy -Name gold -Kind AzureVM -Schedule $schedule -Retention $retention } `
                { @($vault | Get-RecoveryVaultPolicy | Where-Object Name -EQ gold).Count -eq 1 }
            if (-not $r.Ok) { continue }
            $policy = $vault | Get-RecoveryVaultPolicy -Name gold
            $r = & $step { $vault | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureVM -Name $vm | Enable-RecoveryVaultProtection -Policy $policy } `
                { @($vault | Get-RecoveryVaultItem -Kind AzureVM | Where-Object { $_.FriendlyName -eq $vm -and $_.PolicyName -eq 'gold' }).Count -eq 1 }
            $configure = Get-JobCount $vault ConfigureBackup $vm
            if ($configure -gt 1) { $stats.Duplicates += $configure - 1 }
            if (-not $r.Ok) { continue }
            $r = & $step { $vault | Get-RecoveryVaultItem -Name $vm | Backup-RecoveryVaultItem } `
                { (Get-JobCount $vault Backup $vm) -ge 1 }
            $backups = Get-JobCount $vault Backup $vm
            if ($backups -gt 1) { $stats.Duplicates += $backups - 1 }
            $live += [pscustomobject]@{ Name = $name; Vm = $vm; Vault = $vault; BackedUp = $r.Ok }
        }
        # Every backup ends (10 simulated minutes) and leaves its recovery point.
        Add-RecoveryVaultEmulatorData -AdvanceClock ([timespan]::FromMinutes(11)) | Out-Null
        foreach ($v in $live | Where-Object BackedUp) {
            $vault = $v.Vault; $vm = $v.Vm
            $rp = $vault | Get-RecoveryVaultItem -Name $vm | Get-RecoveryVaultRecoveryPoint -Latest
            $null = & $step { $rp | Restore-RecoveryVaultItem -RestoreDisks -StagingStorageAccountId $staging -TargetResourceGroupName rg-restore -Confirm:$false } `
                { (Get-JobCount $vault Restore $vm) -ge 1 }
            $restores = Get-JobCount $vault Restore $vm
            if ($restores -gt 1) { $stats.Duplicates += $restores - 1 }
            $null = & $step { $vault | Get-RecoveryVaultItem } { $true }
        }
        Add-RecoveryVaultEmulatorData -AdvanceClock ([timespan]::FromMinutes(30)) | Out-Null
        foreach ($v in $live) {
            $name = $v.Name
            $null = & $step { Remove-RecoveryVault -Name $name -ResourceGroupName rg-bench -DeleteBackupData -Force } `
                { @(Get-RecoveryVault -ResourceGroupName rg-bench | Where-Object Name -EQ $name).Count -eq 0 }
        }
        Invoke-Admin $emulator DELETE /_emulator/faults
        [pscustomobject]([ordered]@{ Mode = ('lost responses {0:P0}' -f $Rate) } + $stats + [ordered]@{ Seconds = [math]::Round($watch.Elapsed.TotalSeconds, 1) })
    }
    finally {
        $emulator | Stop-RecoveryVaultEmulator
    }
}

$rows = foreach ($rate in $Rates) { Invoke-Mode -Rate $rate }
if ($AsJson) { $rows | ConvertTo-Json -Compress -AsArray }
else {
    "Fault matrix: $Vaults vaults, the answers of a share of the writes lost after the emulator carried them out (dropResponse)"
    $rows | Format-Table -AutoSize | Out-String -Width 200
}
