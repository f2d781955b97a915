# Parallel fan-out across vaults (issue 13): cmdlets that read per vault take -ThrottleLimit (default 8, 1 = one vault
# after another) and read piped vaults concurrently while their output stays what the sequential read gives: the same
# objects, grouped per vault in input order, streamed, with a bounded read-ahead, per-vault errors non-terminating and
# in their place, a downstream stop cancelling everything in flight, and ARM throttling (429 + Retry-After) slowing
# the whole fan-out down together.
# Sources: ARM throttling — learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling
# ("When you reach the limit, you receive the HTTP status code 429 Too many requests … and a Retry-After value").
# A vault that no longer exists: ARM answers 404 ResourceNotFound for any request under it
# (learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-not-found); no role on the scope: 403
# AuthorizationFailed (learn.microsoft.com/azure/role-based-access-control/troubleshooting).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-RecoveryVaultUnderTest
    # Pages of 50, so larger vaults take several pages.
    $script:emu = Start-TestEmulator -PageSize 50 -LroDurationMs 0
    Initialize-TestState -Emulator $emu
    $script:sub = $emu.SubscriptionId
    Add-RecoveryVaultEmulatorData -ResourceGroupName rg-fan -Location westeurope | Out-Null
    Add-RecoveryVaultEmulatorData -ResourceGroupName rg-big -Location westeurope | Out-Null
    # Eight vaults of 50..120 MARS items (one to three pages each), each a different count, so a vault read twice,
    # skipped or mixed into another shows in the comparison.
    foreach ($i in 1..8) {
        $v = New-RecoveryVault -Name ('fan-{0:d2}' -f $i) -ResourceGroupName rg-fan -Location westeurope
        $paths = 1..(40 + 10 * $i) | ForEach-Object { "D:\v$i\folder$_" }
        Add-RecoveryVaultEmulatorData -MarsServerName "fan-server$i" -VaultId $v.Id -ItemPath $paths | Out-Null
    }
    # Three vaults of 300 items (six pages each) for the read-ahead bound.
    foreach ($i in 1..3) {
        $v = New-RecoveryVault -Name "big-$i" -ResourceGroupName rg-big -Location westeurope
        Add-RecoveryVaultEmulatorData -MarsServerName "big-server$i" -VaultId $v.Id -ItemPath (1..300 | ForEach-Object { "E:\b$i\f$_" }) | Out-Null
    }
    $script:vaults = @(Get-RecoveryVault -ResourceGroupName rg-fan | Sort-Object Name)

    function Get-Requests {
        @((Invoke-Curl -Emulator $emu -PathAndQuery '/_emulator/requests?last=2000').Body | ConvertFrom-Json)
    }
    function Get-ItemListRequests([datetimeoffset] $Since) {
        # Log times are the emulator's wall clock (UTC, same machine), stamped when each request is finished.
        @(Get-Requests | Where-Object { $_.method -eq 'GET' -and $_.path -like '*/backupProtectedItems?*' -and [datetimeoffset]$_.time -ge $Since })
    }
    function Get-VaultOf([string] $Path) { if ($Path -match '/vaults/([^/?]+)/') { $Matches[1] } }
    function Add-NextFault([hashtable] $Body) {
        $json = $Body | ConvertTo-Json -Compress
        & curl -s --fail --cacert $emu.CertificatePath -X POST -H 'Content-Type: application/json' -d $json "$($emu.Endpoint)/_emulator/faults/next" | Out-Null
        if ($LASTEXITCODE -ne 0) { throw "faults/next refused $json" }
    }
    # Output and errors as one ordered list of strings: what a user sees, in the order they see it.
    function Format-Stream { process { if ($_ -is [System.Management.Automation.ErrorRecord]) { "error $($_.FullyQualifiedErrorId) $($_.TargetObject)" } else { $_.Id } } }
}
AfterAll { Stop-RecoveryVaultEmulator }

Describe 'Fan-out gives the sequential output' {
    It 'Get-RecoveryVaultItem: the same items in the same order, grouped per vault in input order' {
        $seq = @($vaults | Get-RecoveryVaultItem -ThrottleLimit 1)
        $par = @($vaults | Get-RecoveryVaultItem -ThrottleLimit 8)
        $seq.Count | Should -Be (8 * 40 + 10 * 36)
        $par.Count | Should -Be $seq.Count
        ($par.Id -join "`n") | Should -BeExactly ($seq.Id -join "`n")
        # Grouped: the vault ids, runs collapsed, are the piped vaults in order.
        $runs = [Collections.Generic.List[string]]::new()
        foreach ($id in $par.VaultId) { if ($runs.Count -eq 0 -or $runs[-1] -ne $id) { $runs.Add($id) } }
        ($runs -join "`n") | Should -BeExactly ($vaults.Id -join "`n")
        # The default is the fan-out.
        (@($vaults | Get-RecoveryVaultItem).Id -join "`n") | Should -BeExactly ($seq.Id -join "`n")
    }

    It 'Get-RecoveryVaultPolicy, Get-RecoveryVaultContainer: the same objects in the same order' {
        $seq = @($vaults | Get-RecoveryVaultPolicy -ThrottleLimit 1)
        $par = @($vaults | Get-RecoveryVaultPolicy -ThrottleLimit 5)
        $seq.Count | Should -BeGreaterThan 8
        ($par.Id -join "`n") | Should -BeExactly ($seq.Id -join "`n")
        $seq = @($vaults | Get-RecoveryVaultContainer -Kind MarsServer -ThrottleLimit 1)
        $par = @($vaults | Get-RecoveryVaultContainer -Kind MarsServer -ThrottleLimit 8)
        $seq.Count | Should -Be 8
        ($par.Id -join "`n") | Should -BeExactly ($seq.Id -join "`n")
    }

    It 'Get-RecoveryVaultJob: the same jobs in the same order' {
        # Jobs of three vaults: enabling protection of two VMs each starts ConfigureBackup jobs, a backup a Backup job.
        $jobVaults = foreach ($j in 1..3) {
            $v = New-RecoveryVault -Name "fan-jobs-$j" -ResourceGroupName rg-big -Location westeurope
            foreach ($n in 1..2) { Add-RecoveryVaultEmulatorData -ResourceGroupName rg-big -VirtualMachineName "jobvm$j$n" | Out-Null }
            $v | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureVM -Name "jobvm$j*" |
                Enable-RecoveryVaultProtection -Policy ($v | Get-RecoveryVaultPolicy -Name DefaultPolicy) -Wait | Out-Null
            $v | Get-RecoveryVaultItem -Kind AzureVM | Backup-RecoveryVaultItem | Out-Null
            $v
        }
        $seq = @($jobVaults | Get-RecoveryVaultJob -ThrottleLimit 1)
        $par = @($jobVaults | Get-RecoveryVaultJob -ThrottleLimit 8)
        $seq.Count | Should -BeGreaterOrEqual 12
        ($par.JobId -join "`n") | Should -BeExactly ($seq.JobId -join "`n")
        # Items piped: the jobs of each item, in item order.
        $items = @($jobVaults | Get-RecoveryVaultItem -ThrottleLimit 1)
        $seq = @($items | Get-RecoveryVaultJob -ThrottleLimit 1)
        $par = @($items | Get-RecoveryVaultJob -ThrottleLimit 8)
        $seq.Count | Should -BeGreaterOrEqual 12
        ($par.JobId -join "`n") | Should -BeExactly ($seq.JobId -join "`n")
        ($par.ItemId -join "`n") | Should -BeExactly ($seq.ItemId -join "`n")
    }

    It 'Get-RecoveryVault -SubscriptionId a,b,c: the same vaults, grouped per subscription in the order given' {
        $others = 1..2 | ForEach-Object { [guid]::NewGuid().ToString() }
        foreach ($s in $others) {
            Add-RecoveryVaultEmulatorData -SubscriptionId $s -SubscriptionName "fan-$s" | Out-Null
            Add-RecoveryVaultEmulatorData -SubscriptionId $s -ResourceGroupName rg-other -Location westeurope | Out-Null
            $emu | Connect-RecoveryVault -SubscriptionId $s | Out-Null
            1..3 | ForEach-Object { New-RecoveryVault -Name "other-$_" -ResourceGroupName rg-other -Location westeurope | Out-Null }
        }
        $emu | Connect-RecoveryVault | Out-Null
        $order = @($others[1], $sub, $others[0])
        $seq = @(Get-RecoveryVault -SubscriptionId $order -ThrottleLimit 1)
        $par = @(Get-RecoveryVault -SubscriptionId $order -ThrottleLimit 8)
        $seq.Count | Should -BeGreaterOrEqual 17
        ($par.Id -join "`n") | Should -BeExactly ($seq.Id -join "`n")
        $subsInOrder = [Collections.Generic.List[string]]::new()
        foreach ($v in $par) { if ($subsInOrder.Count -eq 0 -or $subsInOrder[-1] -ne $v.SubscriptionId) { $subsInOrder.Add($v.SubscriptionId) } }
        ($subsInOrder -join ',') | Should -Be ($order -join ',')
    }

    It 'Get-RecoveryVaultRecoveryPoint with items piped: the same points in the same order' {
        $rp = New-RecoveryVault -Name fan-points -ResourceGroupName rg-big -Location westeurope
        $policy = $rp | Get-RecoveryVaultPolicy -Name DefaultPolicy
        foreach ($n in 1..3) {
            Add-RecoveryVaultEmulatorData -ResourceGroupName rg-big -VirtualMachineName "fanvm$n" | Out-Null
        }
        $rp | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureVM -Name 'fanvm*' | Enable-RecoveryVaultProtection -Policy $policy -Wait | Out-Null
        $items = @($rp | Get-RecoveryVaultItem | Sort-Object FriendlyName)
        $items.Count | Should -Be 3
        foreach ($it in $items) {
            $body = @{ itemId = $it.Id; count = 60 + 20 * $items.IndexOf($it); intervalMinutes = 720 } | ConvertTo-Json -Compress
            & curl -s --fail --cacert $emu.CertificatePath -X POST -H 'Content-Type: application/json' -d $body "$($emu.Endpoint)/_emulator/recoverypoints" | Out-Null
        }
        $seq = @($items | Get-RecoveryVaultRecoveryPoint -ThrottleLimit 1)
        $par = @($items | Get-RecoveryVaultRecoveryPoint -ThrottleLimit 3)
        $seq.Count | Should -BeGreaterOrEqual (60 + 80 + 100)
        ($par.Id -join "`n") | Should -BeExactly ($seq.Id -join "`n")
    }

    It 'refuses a -ThrottleLimit outside 1..64' {
        { $vaults | Get-RecoveryVaultItem -ThrottleLimit 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,RecoveryVault.Commands.GetRecoveryVaultItemCommand'
        { Get-RecoveryVault -SubscriptionId $sub -ThrottleLimit 65 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,RecoveryVault.Commands.GetRecoveryVaultCommand'
    }
}

Describe 'Fan-out reads concurrently, streams, and stays bounded' {
    AfterEach { Invoke-Curl -Emulator $emu -PathAndQuery '/_emulator/faults' -Method DELETE | Out-Null }

    It 'reads the vaults at the same time' {
        # Each vault's first page takes 1.5 s: one after another that is at least 12 s for eight vaults.
        Add-NextFault @{ kind = 'latency'; count = 8; latencyMs = 1500; method = 'GET'; pathContains = '/backupProtectedItems?' }
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $n = @($vaults | Get-RecoveryVaultItem -ThrottleLimit 8).Count
        $watch.Stop()
        $n | Should -Be (8 * 40 + 10 * 36)
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 6
    }

    It 'writes the first object before the last vault is read' {
        $mark = [datetimeoffset]::UtcNow
        $seen = $null
        $vaults | Get-RecoveryVaultItem -ThrottleLimit 3 | ForEach-Object -Begin { $n = 0 } -Process {
            if ($n++ -eq 0) { $seen = @(Get-ItemListRequests $mark | ForEach-Object { Get-VaultOf $_.path } | Sort-Object -Unique) }
        }
        $seen.Count | Should -BeLessOrEqual 3 -Because 'at most -ThrottleLimit vaults are read before the first object is out'
        $seen | Should -Contain 'fan-01'
    }

    It 'bounds the read-ahead of vaults waiting for their turn' {
        # Six pages per vault; the consumer stalls on its first object. A vault reads ahead at most what its bounded
        # queue holds (less than two pages), not its whole list.
        $big = @(Get-RecoveryVault -ResourceGroupName rg-big -Name 'big-*' | Sort-Object Name)
        $mark = [datetimeoffset]::UtcNow
        $pages = $null
        $count = 0
        $big | Get-RecoveryVaultItem -ThrottleLimit 3 | ForEach-Object {
            if ($count++ -eq 0) {
                Start-Sleep -Seconds 2
                $pages = @(Get-ItemListRequests $mark | Group-Object { Get-VaultOf $_.path })
            }
        }
        $count | Should -Be 900
        $pages.Count | Should -Be 3 -Because 'all three vaults were started'
        foreach ($g in $pages) { $g.Count | Should -BeLessOrEqual 2 -Because "$($g.Name) waited with a full queue instead of reading its six pages" }
    }

    It 'stops every vault in flight when downstream has what it wants (Select-Object -First)' {
        $mark = [datetimeoffset]::UtcNow
        $first = @($vaults | Get-RecoveryVaultItem -ThrottleLimit 3 | Select-Object -First 3)
        $first.Count | Should -Be 3
        # A request already on the wire when the call stopped is logged when the emulator finishes it: settle first.
        Start-Sleep -Seconds 1
        $after = Get-ItemListRequests $mark
        Start-Sleep -Seconds 1
        $later = Get-ItemListRequests $mark
        @($after | ForEach-Object { Get-VaultOf $_.path } | Sort-Object -Unique).Count | Should -BeLessOrEqual 3 -Because 'no vault beyond the first -ThrottleLimit was started'
        $after.Count | Should -BeLessOrEqual 6 -Because 'each started vault read at most what its bounded queue holds'
        $later.Count | Should -Be $after.Count -Because 'nothing is read once the call is stopped'
    }
}

Describe 'Ctrl+C' {
    AfterEach { Invoke-Curl -Emulator $emu -PathAndQuery '/_emulator/faults' -Method DELETE | Out-Null }

    It 'stopping the pipeline cancels every vault in flight at once, and starts no other' {
        # Every vault's first page takes 3 s. The call runs in a runspace of its own (with its own connection), so it
        # can be stopped as Ctrl+C stops a pipeline: PowerShell.Stop() calls StopProcessing.
        Add-NextFault @{ kind = 'latency'; count = 8; latencyMs = 3000; method = 'GET'; pathContains = '/backupProtectedItems?' }
        $modulePath = if ($env:RV_MODULE_PATH) { $env:RV_MODULE_PATH } else { Join-Path $PSScriptRoot '../../out/RecoveryVault' }
        $rs = [runspacefactory]::CreateRunspace()
        $rs.Open()
        try {
            $setup = [powershell]::Create()
            $setup.Runspace = $rs
            $null = $setup.AddScript({
                    param($m, $e)
                    Import-Module (Join-Path $m 'RecoveryVault.psd1')
                    $e | Connect-RecoveryVault | Out-Null
                }).AddArgument($modulePath).AddArgument($emu).Invoke()
            $setup.Streams.Error | Should -BeNullOrEmpty
            $ps = [powershell]::Create()
            $ps.Runspace = $rs
            $null = $ps.AddScript({ param($v) $v | Get-RecoveryVaultItem -ThrottleLimit 4 }).AddArgument($vaults)
            $mark = [datetimeoffset]::UtcNow
            $null = $ps.BeginInvoke()
            Start-Sleep -Seconds 1
            $ps.InvocationStateInfo.State | Should -Be 'Running'
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 1.5 -Because 'the four reads in flight are cancelled, not waited for'
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally { $rs.Dispose() }
        # The four delayed requests are logged when the emulator finishes them; nothing else may follow.
        Start-Sleep -Seconds 3
        $log = Get-ItemListRequests $mark
        @($log | ForEach-Object { Get-VaultOf $_.path } | Sort-Object -Unique).Count | Should -BeLessOrEqual 4
        $log.Count | Should -BeLessOrEqual 4
    }
}

Describe 'Per-vault errors' {
    It 'a vault deleted since it was listed: one non-terminating VaultNotFound in its place, the others read' {
        $gone = New-RecoveryVault -Name fan-04b -ResourceGroupName rg-fan -Location westeurope
        $list = @(Get-RecoveryVault -ResourceGroupName rg-fan | Sort-Object Name)
        Remove-RecoveryVault -Name fan-04b -ResourceGroupName rg-fan -Confirm:$false
        $seq = @($list | Get-RecoveryVaultItem -ThrottleLimit 1 -ErrorAction Continue 2>&1 | Format-Stream)
        $par = @($list | Get-RecoveryVaultItem -ThrottleLimit 8 -ErrorVariable errs -ErrorAction Continue 2>&1 | Format-Stream)
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'VaultNotFound,RecoveryVault.Commands.GetRecoveryVaultItemCommand'
        $errs[0].TargetObject | Should -Be $gone.Id
        ($par -join "`n") | Should -BeExactly ($seq -join "`n")
        $par.Count | Should -Be (8 * 40 + 10 * 36 + 1)
        # In its place: after fan-04's items, before fan-05's.
        $at = [array]::IndexOf($par, ($par -like 'error *')[0])
        $par[$at - 1] | Should -BeLike '*/vaults/fan-04/*'
        $par[$at + 1] | Should -BeLike '*/vaults/fan-05/*'
    }

    It 'access denied on some vaults: PermissionDenied for each of them, the readable ones listed' {
        $p = Add-RecoveryVaultEmulatorData -PrincipalName "fan-reader-$(Get-Random)"
        foreach ($v in $vaults[0..2]) { Add-RecoveryVaultEmulatorData -PrincipalId $p.ObjectId -RoleName 'Backup Reader' -Scope $v.Id | Out-Null }
        try {
            Connect-AsPrincipal -Emulator $emu -Principal $p
            $out = @($vaults | Get-RecoveryVaultItem -ErrorVariable errs -ErrorAction SilentlyContinue)
        }
        finally { $emu | Connect-RecoveryVault | Out-Null }
        $out.Count | Should -Be (50 + 60 + 70)
        $errs.Count | Should -Be 5
        $errs | ForEach-Object { $_.FullyQualifiedErrorId | Should -Be 'PermissionDenied,RecoveryVault.Commands.GetRecoveryVaultItemCommand' }
        ($errs.TargetObject -join ',') | Should -Be ($vaults[3..7].Id -join ',')
    }

    It 'an invalid piped vault id is reported in its place too' {
        $ids = @($vaults[0].Id, "/subscriptions/$sub/resourceGroups/rg-fan/providers/Microsoft.RecoveryServices/vaults/..", $vaults[1].Id)
        $seq = @($ids | ForEach-Object { [pscustomobject]@{ VaultId = $_ } } | Get-RecoveryVaultItem -ThrottleLimit 1 -ErrorAction Continue 2>&1 | Format-Stream)
        $par = @($ids | ForEach-Object { [pscustomobject]@{ VaultId = $_ } } | Get-RecoveryVaultItem -ThrottleLimit 8 -ErrorAction Continue 2>&1 | Format-Stream)
        @($seq -like 'error *').Count | Should -Be 1
        ($par -join "`n") | Should -BeExactly ($seq -join "`n")
    }
}

Describe 'ARM throttling slows the whole fan-out down' {
    AfterEach { Invoke-Curl -Emulator $emu -PathAndQuery '/_emulator/faults' -Method DELETE | Out-Null }

    It 'a 429 on one vault holds every vault for its Retry-After, and the throttled read is not re-sent sooner' {
        # fan-01 is slow (its list takes 1 s), fan-02 is throttled for 3 s. With -ThrottleLimit 4, fan-05 starts when
        # fan-01 is written out, about 1 s in: without a shared back-off it would go out then.
        Add-NextFault @{ kind = 'latency'; count = 1; latencyMs = 1000; method = 'GET'; pathContains = '/vaults/fan-01/backupProtectedItems?' }
        Add-NextFault @{ kind = '429'; count = 1; retryAfterSeconds = 3; method = 'GET'; pathContains = '/vaults/fan-02/backupProtectedItems?' }
        $mark = [datetimeoffset]::UtcNow
        $out = @($vaults | Get-RecoveryVaultItem -ThrottleLimit 4 -ErrorVariable errs)
        $errs | Should -BeNullOrEmpty
        $out.Count | Should -Be (8 * 40 + 10 * 36)
        $log = Get-ItemListRequests $mark
        $throttled = @($log | Where-Object status -EQ 429)
        $throttled.Count | Should -Be 1
        $t429 = [datetimeoffset]$throttled[0].time
        # The throttled read itself: re-sent no sooner than Retry-After.
        $retry = @($log | Where-Object { $_.status -eq 200 -and (Get-VaultOf $_.path) -eq 'fan-02' -and $_.path -notlike '*skiptoken*' })
        $retry.Count | Should -Be 1
        (([datetimeoffset]$retry[0].time) - $t429).TotalSeconds | Should -BeGreaterOrEqual 2.9
        # Another vault: held by the shared back-off, not sent ~1 s in.
        $fan5 = @($log | Where-Object { (Get-VaultOf $_.path) -eq 'fan-05' })[0]
        (([datetimeoffset]$fan5.time) - $t429).TotalSeconds | Should -BeGreaterOrEqual 2.9
    }
}
