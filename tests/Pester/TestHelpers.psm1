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


function Protect-TestVm {
    <# Seeds an Azure VM and protects it in $Vault with DefaultPolicy, waiting for the job; returns the seeded VM. #>
    param([Parameter(Mandatory)] $Vault, [Parameter(Mandatory)] [string] $VmName, [string] $ResourceGroupName = 'rg-prod')
    $vm = Add-RecoveryVaultEmulatorData -ResourceGroupName $ResourceGroupName -VirtualMachineName $VmName
    $Vault | Get-RecoveryVaultProtectableItem -Refresh -Kind AzureVM -Name $VmName |
        Enable-RecoveryVaultProtection -Policy ($Vault | Get-RecoveryVaultPolicy -Name DefaultPolicy) -Wait | Out-Null
    $vm
}

function Invoke-WithJsSdkEnvironment {
    <#
    Runs $ScriptBlock (node on a tests/js script) with the environment tests/js/emulator-sdk.mjs reads, pointed at
    $Emulator, and puts the process environment back after. NODE_EXTRA_CA_CERTS trusts the emulator's certificate
    (its exported PEM) instead of switching TLS checks off. $LASTEXITCODE is node's when it returns.
    #>
    [CmdletBinding(PositionalBinding = $false)]
    param([Parameter(Mandatory)] $Emulator, [Parameter(Mandatory)] [string] $ResourceGroupName, [hashtable] $Extra = @{},
        [Parameter(Mandatory, Position = 0)] [scriptblock] $ScriptBlock)
    $vars = @{
        NODE_EXTRA_CA_CERTS = $Emulator.CertificatePath
        RV_ENDPOINT = $Emulator.Endpoint.TrimEnd('/')
        RV_TENANT_ID = $Emulator.TenantId
        RV_SUBSCRIPTION_ID = $Emulator.SubscriptionId
        RV_CLIENT_ID = $Emulator.ClientId
        RV_CLIENT_SECRET = $Emulator.ClientSecret
        RV_RESOURCE_GROUP = $ResourceGroupName
    }
    foreach ($k in $Extra.Keys) { $vars[$k] = $Extra[$k] }
    $saved = @{}
    foreach ($k in $vars.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $vars[$k]) }
    try {
        & $ScriptBlock
    }
    finally {
        foreach ($k in $vars.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
    }
}

function Add-VaultsWithItems {
    <#
    $Count vaults named $Prefix-001… in $ResourceGroupName, each with a MARS server registered through /_emulator with
    $ItemsPerVault folders already protected: the cheapest way to get many items (the benches' estate).
    #>
    param([Parameter(Mandatory)] [string] $ResourceGroupName, [Parameter(Mandatory)] [string] $Prefix, [int] $Count,
        [int] $ItemsPerVault, [string] $Location = 'westeurope')
    $paths = 1..$ItemsPerVault | ForEach-Object { "D:\Data\folder$_" }
    foreach ($i in 1..$Count) {
        $v = New-RecoveryVault -Name ('{0}-{1:d3}' -f $Prefix, $i) -ResourceGroupName $ResourceGroupName -Location $Location
        Add-RecoveryVaultEmulatorData -MarsServerName "server$i" -VaultId $v.Id -ItemPath $paths | Out-Null
    }
}

Export-ModuleMember -Function *
