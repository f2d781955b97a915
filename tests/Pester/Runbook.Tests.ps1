# The ways runbooks (Azure Automation, Functions, CI) call the module: several runspaces in one process
# (ForEach-Object -Parallel, thread jobs), $ErrorActionPreference = 'Stop', a host that cannot prompt, and a token
# from elsewhere (Connect-RecoveryVault -AccessToken). The connection is per runspace (issue 14): each runspace acts as
# whom it signed in as; Connect-RecoveryVault -Scope Process is the explicit way to share one.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-RecoveryVaultUnderTest
    $script:emu = Start-TestEmulator
    $script:manifest = Join-Path $env:RV_MODULE_PATH 'RecoveryVault.psd1'
    $script:pwshDll = Join-Path $PSHOME 'pwsh.dll'

    function Invoke-Runbook {
        <# Runs a script as Automation does: its own process, no console to answer, and a time limit. #>
        param([Parameter(Mandatory)] [string] $Script, [hashtable] $Environment = @{}, [int] $TimeoutSeconds = 120)
        $dir = Join-Path ([IO.Path]::GetTempPath()) ('rv-runbook-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        $null = New-Item -ItemType Directory -Force $dir
        $file = Join-Path $dir 'runbook.ps1'
        Set-Content -Path $file -Value $Script
        $psi = [Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in $pwshDll, '-NoProfile', '-NonInteractive', '-File', $file) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        # Stdin redirected and closed: nothing can be typed, as in a runbook.
        $psi.RedirectStandardInput = $true
        $psi.UseShellExecute = $false
        $psi.Environment['NO_COLOR'] = '1'
        foreach ($k in $Environment.Keys) { $psi.Environment[$k] = [string] $Environment[$k] }
        $process = [Diagnostics.Process]::Start($psi)
        $process.StandardInput.Close()
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        $exited = $process.WaitForExit($TimeoutSeconds * 1000)
        if (-not $exited) { $process.Kill($true) }
        $process.WaitForExit()
        Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue
        # Colour codes would not survive into the test report (XML forbids U+001B), so they go.
        [pscustomobject]@{ Exited = $exited; ExitCode = $process.ExitCode; Output = ($stdout.Result + $stderr.Result) -replace '\x1b\[[0-9;?]*[A-Za-z]', '' }
    }
}
AfterAll { Stop-RecoveryVaultEmulator }

Describe 'several runspaces in one process' {
    BeforeEach { Initialize-TestState -Emulator $emu }

    It 'ForEach-Object -Parallel runspaces have no connection of their own, and say so' {
        $ids = 1..2 | ForEach-Object -Parallel {
            Import-Module $using:manifest
            try { Get-RecoveryVault -ResourceGroupName rg-prod -ErrorAction Stop; 'no error' } catch { $_.FullyQualifiedErrorId }
        }
        $ids | Should -Be @('NotConnected,RecoveryVault.Commands.GetRecoveryVaultCommand', 'NotConnected,RecoveryVault.Commands.GetRecoveryVaultCommand')
    }

    It 'ForEach-Object -Parallel runspaces use the connection shared with -Scope Process' {
        $emu | Connect-RecoveryVault -Scope Process | Out-Null
        try {
            (Get-RecoveryVaultContext).Scope | Should -Be 'Process'
            $names = 1..4 | ForEach-Object -ThrottleLimit 4 -Parallel {
                Import-Module $using:manifest
                (New-RecoveryVault -Name "rb-par-$_" -ResourceGroupName rg-prod -Location westeurope -Confirm:$false).Name
            }
            $names | Sort-Object | Should -Be @('rb-par-1', 'rb-par-2', 'rb-par-3', 'rb-par-4')
            (Get-RecoveryVault -ResourceGroupName rg-prod -Name 'rb-par-*').Name | Sort-Object | Should -Be @('rb-par-1', 'rb-par-2', 'rb-par-3', 'rb-par-4')
            $endpoints = 1..3 | ForEach-Object -Parallel { Import-Module $using:manifest; (Get-RecoveryVaultContext).Endpoint }
            $endpoints | Sort-Object -Unique | Should -Be ($emu.Endpoint + '/')
        }
        finally { Disconnect-RecoveryVault; $emu | Connect-RecoveryVault | Out-Null }
    }

    It 'a thread job acts as whom it signed in as, and never as the owner this runspace connected as (issue 14)' {
        $vault = New-RecoveryVault -Name rb-job -ResourceGroupName rg-prod -Location westeurope
        $reader = Add-RecoveryVaultEmulatorData -PrincipalName 'rb-reader'
        $vault | Grant-RecoveryVaultAccess -Role BackupReader -PrincipalId $reader.ObjectId | Out-Null
        $job = Start-ThreadJob -ArgumentList $manifest, $emu, $reader.Credential -ScriptBlock {
            param($m, $e, $cred)
            Import-Module $m
            $e | Connect-RecoveryVault -Credential $cred | Out-Null
            (Get-RecoveryVaultContext).Account
            (Get-RecoveryVault -Name rb-job -ResourceGroupName rg-prod).Name
            Set-RecoveryVault -Name rb-job -ResourceGroupName rg-prod -Tag @{ by = 'reader' } -ErrorAction SilentlyContinue -ErrorVariable denied | Out-Null
            $denied[0].FullyQualifiedErrorId
        }
        $out = $job | Wait-Job -Timeout 120 | Receive-Job
        $job | Remove-Job
        $out | Should -Be @($reader.ClientId, 'rb-job', 'PermissionDenied,RecoveryVault.Commands.SetRecoveryVaultCommand')
        (Get-RecoveryVault -Name rb-job -ResourceGroupName rg-prod).Tags.Keys | Should -Not -Contain 'by'
        (Get-RecoveryVaultContext).Account | Should -Be $emu.ClientId
    }

    It 'a thread job that did not connect has no connection, even while this runspace has one' {
        $job = Start-ThreadJob -ArgumentList $manifest -ScriptBlock {
            param($m)
            Import-Module $m
            try { Get-RecoveryVault -ResourceGroupName rg-prod -ErrorAction Stop; 'no error' } catch { $_.FullyQualifiedErrorId }
        }
        $out = $job | Wait-Job -Timeout 120 | Receive-Job
        $job | Remove-Job
        $out | Should -Be 'NotConnected,RecoveryVault.Commands.GetRecoveryVaultCommand'
    }

    It 'a Connect-RecoveryVault in another runspace leaves this runspace''s connection alone' {
        $token = Get-EmulatorToken -Emulator $emu
        $job = Start-ThreadJob -ArgumentList $manifest, $token, $emu.Endpoint, $emu.Thumbprint -ScriptBlock {
            param($m, $t, $endpoint, $thumbprint)
            Import-Module $m
            (Connect-RecoveryVault -AccessToken (ConvertTo-SecureString $t -AsPlainText -Force) -Endpoint $endpoint -Thumbprint $thumbprint).AuthenticationKind
        }
        $job | Wait-Job -Timeout 60 | Receive-Job | Should -Be 'AccessToken'
        $job.State | Should -Be 'Completed'
        $job | Remove-Job
        (Get-RecoveryVaultContext).AuthenticationKind | Should -Be 'Emulator'
    }

    It 'concurrent Set-RecoveryVaultPolicy calls each keep their change (issue 14: no lost update)' {
        $vault = New-RecoveryVault -Name rb-pol -ResourceGroupName rg-prod -Location westeurope
        $p = $vault | New-RecoveryVaultPolicy -Name vm-conc -Kind AzureVM -Retention (New-RecoveryVaultRetention -DailyDays 30 -MonthlyMonths 12)
        $emu | Connect-RecoveryVault -Scope Process | Out-Null
        try {
            $changes = @(
                @{ Retention = (New-RecoveryVaultRetention -DailyDays 45 -MonthlyMonths 12) }
                @{ Schedule = (New-RecoveryVaultSchedule -Daily -At 05:30) }
                @{ Retention = (New-RecoveryVaultRetention -DailyDays 45 -MonthlyMonths 36) }
            )
            $jobs = foreach ($c in $changes) {
                Start-ThreadJob -ArgumentList $manifest, $p, $c -ScriptBlock {
                    param($m, $policy, $change)
                    Import-Module $m
                    $policy | Set-RecoveryVaultPolicy @change -ErrorAction Stop | Out-Null
                }
            }
            $jobs | Wait-Job -Timeout 120 | Receive-Job
            $jobs | ForEach-Object { $_.State | Should -Be 'Completed' }
            $jobs | Remove-Job
        }
        finally { Disconnect-RecoveryVault; $emu | Connect-RecoveryVault | Out-Null }
        $after = $vault | Get-RecoveryVaultPolicy -Name vm-conc
        $after.DailyRetentionDays | Should -Be 45
        $after.ScheduleRunTimes[0] | Should -Match 'T05:30:00'
    }

    It 'concurrent Set-RecoveryVault calls each keep their change (If-Match, applied again on 412)' {
        New-RecoveryVault -Name rb-setv -ResourceGroupName rg-prod -Location westeurope | Out-Null
        $emu | Connect-RecoveryVault -Scope Process | Out-Null
        try {
            $changes = @(
                @{ SoftDeleteRetentionDays = 45 }
                @{ PublicNetworkAccess = 'Disabled' }
                @{ Tag = @{ team = 'backup' } }
                @{ EnhancedSecurityState = 'Enabled' }
            )
            $jobs = foreach ($c in $changes) {
                Start-ThreadJob -ArgumentList $manifest, $c -ScriptBlock {
                    param($m, $change)
                    Import-Module $m
                    Set-RecoveryVault -Name rb-setv -ResourceGroupName rg-prod @change -Force -ErrorAction Stop | Out-Null
                }
            }
            $jobs | Wait-Job -Timeout 120 | Receive-Job
            $jobs | ForEach-Object { $_.State | Should -Be 'Completed' }
            $jobs | Remove-Job
        }
        finally { Disconnect-RecoveryVault; $emu | Connect-RecoveryVault | Out-Null }
        $v = Get-RecoveryVault -Name rb-setv -ResourceGroupName rg-prod
        $v.SoftDeleteRetentionDays | Should -Be 45
        $v.PublicNetworkAccess | Should -Be 'Disabled'
        $v.Tags['team'] | Should -Be 'backup'
    }

    It 'stacks no assembly resolver per runspace that imports the module' {
        1..3 | ForEach-Object -Parallel { Import-Module $using:manifest } | Out-Null
        $field = [System.Runtime.Loader.AssemblyLoadContext].GetField('_resolving', [Reflection.BindingFlags] 'NonPublic,Instance')
        $handlers = $field.GetValue([System.Runtime.Loader.AssemblyLoadContext]::Default).GetInvocationList() |
            Where-Object { $_.Method.DeclaringType.FullName -eq 'RecoveryVault.Internal.ModuleInitializer' }
        @($handlers).Count | Should -Be 1
    }
}

Describe '$ErrorActionPreference = Stop' {
    BeforeAll { Initialize-TestState -Emulator $emu }

    It 'turns a per-item failure into one that try/catch receives, with its error id, and stops the script there' {
        $reached = $false
        $caught = & {
            $ErrorActionPreference = 'Stop'
            try {
                Get-RecoveryVault -Name missing-vault -ResourceGroupName rg-prod
                $reached = $true
            }
            catch { $_ }
        }
        $reached | Should -BeFalse
        $caught.FullyQualifiedErrorId | Should -Be 'VaultNotFound,RecoveryVault.Commands.GetRecoveryVaultCommand'
    }

    It 'does the same inside ForEach-Object -Parallel' {
        $ids = 1..2 | ForEach-Object -Parallel {
            $ErrorActionPreference = 'Stop'
            Import-Module $using:manifest
            $using:emu | Connect-RecoveryVault | Out-Null
            try { Get-RecoveryVault -Name "missing-$_" -ResourceGroupName rg-prod; 'not stopped' } catch { $_.FullyQualifiedErrorId }
        }
        $ids | Should -Be @('VaultNotFound,RecoveryVault.Commands.GetRecoveryVaultCommand', 'VaultNotFound,RecoveryVault.Commands.GetRecoveryVaultCommand')
    }
}

Describe 'a runbook in a non-interactive host, signed in with -AccessToken' {
    BeforeAll {
        Initialize-TestState -Emulator $emu
        $script:token = Get-EmulatorToken -Emulator $emu
        $script:envVars = @{
            RV_MANIFEST = $manifest; RV_TOKEN = $token; RV_ENDPOINT = $emu.Endpoint; RV_THUMBPRINT = $emu.Thumbprint
        }
        $script:prelude = @'
$ErrorActionPreference = 'Stop'
Import-Module $env:RV_MANIFEST
# As after: $token = (Get-AzAccessToken -ResourceUrl https://management.azure.com -AsSecureString).Token
$token = ConvertTo-SecureString $env:RV_TOKEN -AsPlainText -Force
Connect-RecoveryVault -AccessToken $token -Endpoint $env:RV_ENDPOINT -Thumbprint $env:RV_THUMBPRINT -Verbose -Debug *>&1 | Out-String

'@
    }

    It 'never prompts with -Confirm:$false or -Force, and never shows the token' {
        Add-RecoveryVaultEmulatorData -ClassicVaultName cv-runbook -ClassicServerName fs01 -ItemPath 'C:\Data' -RecoveryPointDays 1 -Location westeurope | Out-Null
        $result = Invoke-Runbook -Environment $envVars -Script ($prelude + @'
New-RecoveryVault -Name rb-ni-1 -ResourceGroupName rg-prod -Location westeurope -Verbose *>&1 | Out-String
Remove-RecoveryVault -Name rb-ni-1 -ResourceGroupName rg-prod -Confirm:$false -Verbose -Debug *>&1 | Out-String
'REMOVED rb-ni-1'
Get-RecoveryVaultContext | Format-List * | Out-String
# Classic vaults exist only in the emulator, and its cmdlets want an emulator connection: the -Force part signs in so.
Connect-RecoveryVault -Emulator -Endpoint $env:RV_ENDPOINT -Thumbprint $env:RV_THUMBPRINT | Out-Null
$upgrade = Start-RecoveryVaultUpgrade -Name cv-runbook -TargetResourceGroupName rg-runbook -Force
'UPGRADED ' + $upgrade.Vault.Name
'@)
        $result.Exited | Should -BeTrue -Because 'a runbook that waits for an answer never ends'
        $result.ExitCode | Should -Be 0 -Because $result.Output
        $result.Output | Should -Match 'REMOVED rb-ni-1'
        $result.Output | Should -Match 'UPGRADED cv-runbook'
        $result.Output | Should -Match 'AuthenticationKind\s*:\s*AccessToken'
        $result.Output | Should -Match 'Authorization: REDACTED'
        $result.Output | Should -Not -Match ([regex]::Escape($token))
    }

    It 'fails at once with an error, not a hang, when a change needs confirmation the host cannot ask for' {
        $result = Invoke-Runbook -Environment $envVars -Script ($prelude + @'
New-RecoveryVault -Name rb-ni-2 -ResourceGroupName rg-prod -Location westeurope | Out-Null
try { Remove-RecoveryVault -Name rb-ni-2 -ResourceGroupName rg-prod; 'NOT REFUSED' } catch { 'REFUSED ' + $_.Exception.GetType().Name + ': ' + $_ }
'STILL THERE ' + (Get-RecoveryVault -Name rb-ni-2 -ResourceGroupName rg-prod).Name
'@) -TimeoutSeconds 90
        $result.Exited | Should -BeTrue
        $result.ExitCode | Should -Be 0 -Because $result.Output
        $result.Output | Should -Match 'REFUSED .*NonInteractive'
        $result.Output | Should -Match 'STILL THERE rb-ni-2'
    }

    It 'says when the token ran out, and does not show it' {
        # A token that expires in a few seconds, signed the way the emulator signs its own (HS256 with its key).
        $dir = Join-Path ([IO.Path]::GetTempPath()) ('rv-expiry-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        $own = Start-RecoveryVaultEmulator -DataDirectory $dir
        try {
            $key = [Convert]::FromBase64String((Get-Content (Join-Path $dir 'signing.key') -Raw).Trim())
            $real = Get-EmulatorToken -Emulator $own
            $claims = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String((($real -split '\.')[1].Replace('-', '+').Replace('_', '/')).PadRight([math]::Ceiling(($real -split '\.')[1].Length / 4) * 4, '='))) | ConvertFrom-Json
            $claims.exp = [DateTimeOffset]::UtcNow.AddSeconds(6).ToUnixTimeSeconds()
            function ConvertTo-B64Url([byte[]] $b) { [Convert]::ToBase64String($b).TrimEnd('=').Replace('+', '-').Replace('/', '_') }
            $signingInput = ($real -split '\.')[0] + '.' + (ConvertTo-B64Url ([Text.Encoding]::UTF8.GetBytes(($claims | ConvertTo-Json -Compress))))
            $short = $signingInput + '.' + (ConvertTo-B64Url ([Security.Cryptography.HMACSHA256]::HashData($key, [Text.Encoding]::ASCII.GetBytes($signingInput))))
            $vars = @{ RV_MANIFEST = $manifest; RV_TOKEN = $short; RV_ENDPOINT = $own.Endpoint; RV_THUMBPRINT = $own.Thumbprint }
            # No -Debug here: with it PowerShell asks whether to continue after every warning, and a token this
            # short-lived is warned about.
            $result = Invoke-Runbook -Environment $vars -Script (($prelude -replace ' -Verbose -Debug', ' -Verbose') + @'
'BEFORE ' + @(Get-RecoveryVault).Count
'EXPIRES ' + (Get-RecoveryVaultContext).TokenExpiresOn.ToUnixTimeSeconds()
Start-Sleep -Seconds 8
try { Get-RecoveryVault; 'NOT REFUSED' } catch { 'REFUSED ' + $_.FullyQualifiedErrorId + ' | ' + $_ }
'@)
            $result.ExitCode | Should -Be 0 -Because $result.Output
            $result.Output | Should -Match 'BEFORE 0'
            $result.Output | Should -Match ('EXPIRES ' + $claims.exp)
            $result.Output | Should -Match 'REFUSED AuthenticationFailed,RecoveryVault\.Commands\.GetRecoveryVaultCommand \| The access token given to Connect-RecoveryVault -AccessToken expired at'
            $result.Output | Should -Not -Match ([regex]::Escape($short))
        }
        finally {
            $own | Stop-RecoveryVaultEmulator
            Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}
