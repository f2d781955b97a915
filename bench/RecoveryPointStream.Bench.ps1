<#
.SYNOPSIS
    Streams 100,000 recovery points of one item through Get-RecoveryVaultRecoveryPoint and reports the memory it costs,
    against collecting the same points into an array, each in a fresh pwsh process. Targets (issue 9): the stream takes
    at most 10 s end to end and grows the process by less than 50 MB at its peak, and its first object is out before
    page 2 is requested.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Points = 100000
)
$ErrorActionPreference = 'Stop'
$manifest = Join-Path (Resolve-Path $ModulePath) 'RecoveryVault.psd1'
Import-Module $manifest
# A frozen backup clock: no scheduled backup may add or expire points while they are counted.
$emulator = Start-RecoveryVaultEmulator -InMemory -LroDurationMs 0 -ClockRate 0
try {
    $emulator | Connect-RecoveryVault | Out-Null
    Add-RecoveryVaultEmulatorData -ResourceGroupName rg-bench -Location westeurope | Out-Null
    Add-RecoveryVaultEmulatorData -ResourceGroupName rg-bench -VirtualMachineName big01 | Out-Null
    $vault = New-RecoveryVault -Name stream-vault -ResourceGroupName rg-bench -Location westeurope
    $vault | Get-RecoveryVaultProtectableItem -Kind AzureVM -Name big01 -Refresh |
        Enable-RecoveryVaultProtection -Policy ($vault | Get-RecoveryVaultPolicy -Name DefaultPolicy) | Out-Null
    $item = $vault | Get-RecoveryVaultItem -Name big01
    $seed = [Diagnostics.Stopwatch]::StartNew()
    $body = @{ itemId = $item.Id; count = $Points; intervalMinutes = 60 } | ConvertTo-Json -Compress
    $seeded = & curl -s --fail --cacert $emulator.CertificatePath -X POST -H 'Content-Type: application/json' -d $body "$($emulator.Endpoint)/_emulator/recoverypoints" | ConvertFrom-Json
    if ($seeded.created -ne $Points) { throw "Seeding made $($seeded.created) points, expected $Points." }
    '{0,-48} {1,10:N1} s' -f "seeded $Points recovery points (one an hour)", $seed.Elapsed.TotalSeconds

    # Each mode runs in its own process: the peak resident set (VmHWM) is per process and cannot be reset.
    $child = {
        param($Manifest, $Endpoint, $Thumbprint, $Pem, $VaultName, $Mode)
        $ErrorActionPreference = 'Stop'
        Import-Module $Manifest
        Connect-RecoveryVault -Emulator -Endpoint $Endpoint -Thumbprint $Thumbprint | Out-Null
        $item = Get-RecoveryVault -Name $VaultName -ResourceGroupName rg-bench | Get-RecoveryVaultItem -Name big01
        # Warm up every code path once (page 1 only), then take the baseline.
        $item | Get-RecoveryVaultRecoveryPoint | Select-Object -First 1 | Out-Null
        [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
        function Get-Hwm { [long]((Get-Content /proc/self/status | Where-Object { $_ -like 'VmHWM:*' }) -replace '\D', '') * 1KB }
        function Get-Rss { [long]((Get-Content /proc/self/status | Where-Object { $_ -like 'VmRSS:*' }) -replace '\D', '') * 1KB }
        $baseline = Get-Rss
        # Forget the warm-up's peak: writing 5 to clear_refs resets VmHWM to the current RSS (Linux).
        try { [IO.File]::WriteAllText('/proc/self/clear_refs', '5') } catch { Write-Warning "VmHWM not reset ($_): the peak includes the warm-up." }
        $requestsBefore = @((& curl -s --cacert $Pem "$Endpoint/_emulator/requests?last=500" | ConvertFrom-Json) | Where-Object path -like '*recoveryPoints*').Count
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $firstMs = $null; $page2BeforeFirst = $null; $count = 0
        if ($Mode -eq 'stream') {
            $item | Get-RecoveryVaultRecoveryPoint | ForEach-Object {
                if ($count -eq 0) {
                    $firstMs = $sw.Elapsed.TotalMilliseconds
                    # The list requests the emulator has answered by the time the first object is here.
                    $seen = @((& curl -s --cacert $Pem "$Endpoint/_emulator/requests?last=500" | ConvertFrom-Json) | Where-Object path -like '*recoveryPoints*')
                    $page2BeforeFirst = @($seen | Select-Object -Skip $requestsBefore | Where-Object path -like '*skiptoken*').Count -gt 0
                }
                $count++
            }
        }
        else {
            $all = @($item | Get-RecoveryVaultRecoveryPoint)
            $count = $all.Count
        }
        $elapsed = $sw.Elapsed.TotalMilliseconds
        [pscustomobject]@{ Mode = $Mode; Count = $count; BaselineBytes = $baseline; PeakBytes = (Get-Hwm); ElapsedMs = $elapsed; FirstMs = $firstMs; Page2BeforeFirst = $page2BeforeFirst } | ConvertTo-Json -Compress
    }
    $results = foreach ($mode in 'stream', 'collect') {
        $json = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command "& { $child } '$manifest' '$($emulator.Endpoint)' '$($emulator.Thumbprint)' '$($emulator.CertificatePath)' 'stream-vault' '$mode'"
        if ($LASTEXITCODE -ne 0) { throw "The $mode run failed: $json" }
        $r = ($json | Select-Object -Last 1) | ConvertFrom-Json
        if ($r.Count -ne $Points) { throw "The $mode run counted $($r.Count) points, expected $Points. It wrote: $json" }
        $r
    }
    $stream = $results | Where-Object Mode -eq stream
    $collect = $results | Where-Object Mode -eq collect
    $growth = { param($r) ($r.PeakBytes - $r.BaselineBytes) / 1MB }
    '{0,-48} {1,10:N0} MB' -f 'process before listing (module loaded, connected)', ($stream.BaselineBytes / 1MB)
    '{0,-48} {1,10:N1} s    (target <= 10 s: {2})' -f "stream $Points points (ForEach-Object)", ($stream.ElapsedMs / 1000), $(if ($stream.ElapsedMs -le 10000) { 'met' } else { 'MISSED' })
    '{0,-48} {1,10:N1} s' -f "collect $Points points (@(...))", ($collect.ElapsedMs / 1000)
    '{0,-48} {1,10:N0} MB   (target < 50 MB: {2})' -f 'peak growth while streaming', (& $growth $stream), $(if ((& $growth $stream) -lt 50) { 'met' } else { 'MISSED' })
    '{0,-48} {1,10:N0} MB' -f 'peak growth when collected into an array', (& $growth $collect)
    '{0,-48} {1,10:N2}x' -f 'ratio streaming / collected peak growth', ((& $growth $stream) / [math]::Max(1, (& $growth $collect)))
    '{0,-48} {1,10:N0} ms   (before page 2 was requested: {2})' -f 'first object out after', $stream.FirstMs, $(if ($stream.Page2BeforeFirst -eq $false) { 'met' } else { 'MISSED' })
}
finally {
    Stop-RecoveryVaultEmulator
}
