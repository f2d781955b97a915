<#
.SYNOPSIS
    Publishes a built module folder with Publish-PSResource to a local file repository (a folder of .nupkg files).

.DESCRIPTION
    The package is made by the same command that publishes to the PowerShell Gallery, so what lands in the folder is
    exactly what the gallery would receive. PSResourceGet keeps its repository list under the user's local
    application data; this script points that at a throw-away folder first, so the user's own list is never changed.
    Run it in a process of its own (build.ps1 does): PSResourceGet reads that location once per process.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $RepositoryPath,
    [string] $RepositoryName = 'RecoveryVaultLocal'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$settings = Join-Path ([IO.Path]::GetTempPath()) ('rv-psresourceget-' + [guid]::NewGuid().ToString('N'))
$null = New-Item -ItemType Directory -Force $settings
# LOCALAPPDATA on Windows, XDG_DATA_HOME elsewhere: where .NET (and so PSResourceGet) finds local application data.
# Publishing installs nothing, so the home folder (where CurrentUser modules go) can stay as it is.
$env:LOCALAPPDATA = $settings
$env:XDG_DATA_HOME = $settings
try {
    Import-Module Microsoft.PowerShell.PSResourceGet
    $repository = (New-Item -ItemType Directory -Force $RepositoryPath).FullName
    Register-PSResourceRepository -Name $RepositoryName -Uri $repository -Trusted
    Publish-PSResource -Path (Resolve-Path $ModulePath).Path -Repository $RepositoryName
}
finally {
    Remove-Item $settings -Recurse -Force -ErrorAction SilentlyContinue
}
