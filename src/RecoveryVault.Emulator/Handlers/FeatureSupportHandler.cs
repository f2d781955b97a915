// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;

namespace RecoveryVault.Emulator.Handlers;

/// <summary>
/// FeatureSupport_Validate (POST locations/{azureRegion}/backupValidateFeatures, 2023-06-01; example
/// AzureIaasVm/BackupFeature_Validate.json). The request is a FeatureSupportRequest whose featureType discriminates
/// AzureVMResourceBackup (vmSize, vmSku) and AzureBackupGoals. Azure VM backup supports every VM size and disk SKU the
/// emulator can seed (backup-support-matrix-iaas), so a VM request with a size answers Supported.
/// </summary>
internal static class FeatureSupportHandler
{
    public static void Register(ArmRouter router) =>
        router.Map("POST", "/subscriptions/{subscriptionId}/providers/Microsoft.RecoveryServices/locations/{azureRegion}/backupValidateFeatures",
            ApiFamily.Backup, "Microsoft.RecoveryServices/locations/backupValidateFeatures", Validate);

    private static ArmResponse Validate(ArmContext ctx)
    {
        var body = ctx.RequireBodyObject();
        switch (Json.Str(body, "featureType"))
        {
            case "AzureVMResourceBackup":
                if (string.IsNullOrWhiteSpace(Json.Str(body, "vmSize")))
                {
                    throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", "vmSize is required for featureType AzureVMResourceBackup.", "vmSize");
                }

                return ArmResponse.Ok(new JsonObject { ["supportStatus"] = "Supported" });
            case "AzureBackupGoals":
                return ArmResponse.Ok(new JsonObject { ["supportStatus"] = "Supported" });
            case var other:
                throw ArmErrors.BadRequest("BMSUserErrorInvalidInput", $"featureType '{other}' is not AzureVMResourceBackup or AzureBackupGoals.", "featureType");
        }
    }
}
