# Shared set-up for the Pester suite: one emulator process per test file, a clean state per test.
$ErrorActionPreference = 'Stop'

function Import-RecoveryVaultUnderTest {
    $path = $env:RV_MODULE_PATH
    if (-not $path) { $path = Join-Path $PSScriptRoot '../../out/RecoveryVault' }
    Import-Module (Join-Path $path 'RecoveryVault.psd1') -Force:$false -Global
}

function Start-TestEmulator {
    param([int] $LroDurationMs = 100, [int] $PageSize = 100)
    # -Strict: an answer that departs from the vendored specs is a 500 the test sees (issue 9).
    $emulator = Start-RecoveryVaultEmulator -InMemory -Strict -LroDurationMs $LroDurationMs -PageSize $PageSize
    $emulator | Connect-RecoveryVault | Out-Null
    $emulator
}

function Initialize-TestState {
    <# Back to the seed, then the resource groups most tests use. #>
    param([Parameter(Mandatory)] $Emulator)
    $Emulator | Connect-RecoveryVault | Out-Null
    Reset-RecoveryVaultEmulator -Force
    Add-RecoveryVaultEmulatorData -ResourceGroupName rg-prod -Location westeurope | Out-Null
    Add-RecoveryVaultEmulatorData -ResourceGroupName rg-test -Location westeurope | Out-Null
    Add-RecoveryVaultEmulatorData -ResourceGroupName rg-restore -Location westeurope | Out-Null
}

function Connect-AsPrincipal {
    param([Parameter(Mandatory)] $Emulator, [Parameter(Mandatory)] $Principal)
    $Emulator | Connect-RecoveryVault -Credential $Principal.Credential | Out-Null
}

function Invoke-Curl {
    <# curl trusting the emulator's PEM: proves other clients can talk to it without switching validation off. #>
    param([Parameter(Mandatory)] $Emulator, [Parameter(Mandatory)] [string] $PathAndQuery, [string] $Token, [string] $Method = 'GET')
    $args = @('-s', '-i', '--cacert', $Emulator.CertificatePath, '-X', $Method)
    if ($Token) { $args += @('-H', "Authorization: Bearer $Token") }
    $raw = (& curl @args ($Emulator.Endpoint + $PathAndQuery)) -join "`n"
    $split = $raw -split "`r?`n`r?`n", 2
    $status = [int](($split[0] -split "`n")[0] -split ' ')[1]
    [pscustomobject]@{ Status = $status; Headers = $split[0]; Body = if ($split.Count -gt 1) { $split[1] } else { '' } }
}

function Get-EmulatorToken {
    param([Parameter(Mandatory)] $Emulator, [string] $ClientId = $Emulator.ClientId, [string] $Secret = $Emulator.ClientSecret)
    $raw = & curl -s --cacert $Emulator.CertificatePath -X POST "$($Emulator.Endpoint)/$($Emulator.TenantId)/oauth2/v2.0/token" `
        -d "grant_type=client_credentials&client_id=$ClientId&client_secret=$Secret&scope=https%3A%2F%2Fmanagement.azure.com%2F.default"
    ($raw | ConvertFrom-Json).access_token
}

Export-ModuleMember -Function *
