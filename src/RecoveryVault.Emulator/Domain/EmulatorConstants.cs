// Copyright (c) RecoveryVault contributors. MIT License.
namespace RecoveryVault.Emulator.Domain;

/// <summary>The fixed seed from docs/EMULATOR.md.</summary>
public static class EmulatorConstants
{
    public const string TenantId = "7a1f0f3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
    public const string SubscriptionId = "5b3c2d1e-0f9a-4b8c-9d7e-6f5a4b3c2d1e";
    public const string SubscriptionDisplayName = "Emulator Subscription";
    public const string OwnerClientId = "rv-owner";
    public const string OwnerClientSecret = "rv-owner-secret";
    public const string OwnerObjectId = "0e0e0e0e-0000-4000-8000-000000000001";
    public const string OwnerDisplayName = "RecoveryVault emulator owner";
}
