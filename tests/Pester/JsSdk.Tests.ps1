# A second, independent client: the official Azure SDK for JavaScript (@azure/arm-recoveryservices 7.2.0,
# @azure/arm-recoveryservicesbackup 12.0.0, pinned in tests/js/package-lock.json) runs tests/js/scenario.mjs against
# the emulator. Microsoft's code builds every request and parses every response, so a status code, LRO header or body
# the official SDK cannot read fails here even where this module's own client copes. Each scenario step is one test.
# Needs node >= 20 and `npm ci --prefix tests/js` (build.ps1 -Task Test does it); without them these tests fail.
BeforeDiscovery {
    $script:jsDir = Join-Path $PSScriptRoot '../js'
    $node = Get-Command node -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $node) { throw 'node is not on PATH: the official Azure SDK for JavaScript tests (tests/js) need node >= 20.' }
    $list = & $node.Source (Join-Path $jsDir 'scenario.mjs') --list
    if ($LASTEXITCODE -ne 0) { throw "node scenario.mjs --list failed (exit $LASTEXITCODE)." }
    $script:steps = @($list | ConvertFrom-Json | ForEach-Object { @{ Step = $_ } })
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-RecoveryVaultUnderTest
    $jsDir = Join-Path $PSScriptRoot '../js'
    foreach ($package in '@azure/arm-recoveryservices', '@azure/arm-recoveryservicesbackup') {
        if (-not (Test-Path (Join-Path $jsDir "node_modules/$package/package.json"))) {
            throw "$package is not installed: run 'npm ci --prefix tests/js' (build.ps1 -Task Test does)."
        }
    }

    $script:emu = Start-TestEmulator
    Initialize-TestState -Emulator $emu
    Add-RecoveryVaultEmulatorData -ResourceGroupName rg-js -Location westeurope | Out-Null
    Add-RecoveryVaultEmulatorData -ResourceGroupName rg-js -VirtualMachineName vm-js -Location westeurope -OsType Windows | Out-Null
    Add-RecoveryVaultEmulatorData -ResourceGroupName rg-js -StorageAccountName sajs01 -Location westeurope | Out-Null

    $extra = @{ RV_VM_NAME = 'vm-js'; RV_STORAGE_ACCOUNT = 'sajs01'; RV_LOCATION = 'westeurope'; RV_VAULT_NAME = 'js-sdk-vault' }
    $stderr = Join-Path ([IO.Path]::GetTempPath()) "rv-js-sdk-$PID.err"
    $lines = Invoke-WithJsSdkEnvironment -Emulator $emu -ResourceGroupName rg-js -Extra $extra { & node (Join-Path $jsDir 'scenario.mjs') 2> $stderr }
    $script:exitCode = $LASTEXITCODE
    $script:stderrText = if (Test-Path $stderr) { Get-Content $stderr -Raw; Remove-Item $stderr } else { '' }
    $script:results = @{}
    foreach ($line in @($lines)) {
        if ($line -match '^\{') { $r = $line | ConvertFrom-Json; $results[$r.step] = $r }
    }
}
AfterAll { Stop-RecoveryVaultEmulator }

Describe 'Official Azure SDK for JavaScript against the emulator' {
    It '<Step>' -ForEach $steps {
        $r = $results[$Step]
        $r | Should -Not -BeNullOrEmpty -Because "the scenario printed no result for this step (exit $exitCode; stderr: $stderrText)"
        $r.ok | Should -BeTrue -Because $r.error
    }

    It 'ran to the end, and every request came from the official SDK packages' {
        $exitCode | Should -Be 0 -Because $stderrText
        $log = (Invoke-Curl -Emulator $emu -PathAndQuery '/_emulator/requests?last=1000').Body | ConvertFrom-Json
        $agents = @($log | Where-Object { $_.path -like '*/js-sdk-vault*' -or $_.path -like '/providers/Microsoft.RecoveryServices/operations*' } | ForEach-Object userAgent | Sort-Object -Unique)
        $agents.Count | Should -Be 2
        $agents[0] | Should -Match '^azsdk-js-arm-recoveryservices/7\.2\.0 '
        $agents[1] | Should -Match '^azsdk-js-arm-recoveryservicesbackup/12\.0\.0 '
    }
}
