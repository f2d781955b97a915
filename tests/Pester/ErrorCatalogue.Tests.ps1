BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-RecoveryVaultUnderTest
}

Describe 'Error id catalogue' {
    It 'documents every id of ErrorIds in docs/ARCHITECTURE.md' {
        $architecture = Get-Content (Join-Path $PSScriptRoot '../../docs/ARCHITECTURE.md') -Raw
        $ids = [RecoveryVault.Internal.ErrorIds].GetFields('Public,Static') | Where-Object IsLiteral | ForEach-Object { $_.GetRawConstantValue() }
        $ids.Count | Should -BeGreaterThan 30
        $missing = $ids | Where-Object { $architecture -notmatch [regex]::Escape("``$_``") }
        $missing | Should -BeNullOrEmpty -Because 'each error id a script can catch must be in the catalogue table'
    }

    It 'chooses the id of a refused request by its reason code, never by its message' {
        [RecoveryVault.Internal.ErrorIds]::ForRequestProblem('InvalidRetention') | Should -Be 'InvalidRetention'
        [RecoveryVault.Internal.ErrorIds]::ForRequestProblem('InvalidSchedule') | Should -Be 'InvalidSchedule'
        [RecoveryVault.Internal.ErrorIds]::ForRequestProblem('UnsupportedForKind') | Should -Be 'UnsupportedForKind'
        [RecoveryVault.Internal.ErrorIds]::ForRequestProblem('InvalidParameterCombination') | Should -Be 'InvalidParameterCombination'
    }
}
