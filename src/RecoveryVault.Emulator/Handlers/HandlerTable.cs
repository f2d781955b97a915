// Copyright (c) RecoveryVault contributors. MIT License.
using RecoveryVault.Emulator.Arm;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>
/// Every ARM handler of the emulator, one per resource type (one per file). A new resource type adds its handler
/// here and nowhere else; the router takes its routes from this table.
/// </summary>
internal static class HandlerTable
{
    public static IReadOnlyList<Action<ArmRouter>> All { get; } =
    [
        VaultHandler.Register,
        OperationStatusHandler.Register,
        VaultExtendedInfoHandler.Register,
        ProviderHandler.Register,
        DeletedVaultHandler.Register,
        BackupConfigHandler.Register,
        SubscriptionHandler.Register,
        ResourceGroupHandler.Register,
        AuthorizationHandler.Register,
        BackupPolicyHandler.Register,
        BackupMonitorHandler.Register,
        ContainerHandler.Register,
        ProtectedItemHandler.Register,
        BackupJobHandler.Register,
        ClassicVaultHandler.Register,
        BackupEngineHandler.Register,
        RegisteredIdentityHandler.Register,
        BackupSecurityPinHandler.Register,
        BackupUsageSummaryHandler.Register,
        BackupStatusHandler.Register,
        JobsExportHandler.Register,
        ValidateOperationHandler.Register,
        FeatureSupportHandler.Register,
        BackupEncryptionConfigHandler.Register,
        ProtectionIntentHandler.Register,
        VaultCertificateHandler.Register,
        PermissionsHandler.Register,
        SourceHandler.Register,
        ResourceGuardHandler.Register,
        ResourceGuardProxyHandler.Register,
        ResourceGraphHandler.Register,
        AlertHandler.Register,
    ];
}
