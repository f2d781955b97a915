// Copyright (c) RecoveryVault contributors. MIT License.
using RecoveryVault.Engine.Models;

namespace RecoveryVault.Engine.Backup;

/// <summary>
/// Which item a job is about. A job names its item only by friendly name, which repeats (two VMs called web01 in
/// two resource groups of one vault), so the job's own container facts decide: AzureIaaSVMJob.containerName
/// (spec AzureIaaSVMJob; "iaasvmcontainer;iaasvmcontainerv2;rg;vm" in the cross-region-restore job examples, with or without a
/// type prefix) and AzureStorageJob.storageAccountName. Only where a job type carries neither is
/// the friendly name all there is.
/// </summary>
public static class JobMatch
{
    /// <summary>Whether <paramref name="job"/> is about the protected item <paramref name="itemId"/> (named <paramref name="friendlyName"/>).</summary>
    public static bool IsForItem(BackupResourceData job, string itemId, string friendlyName)
    {
        if (!string.Equals(job.Read("entityFriendlyName"), friendlyName, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var (_, container, _) = BackupPath.ItemParts(itemId);
        if (job.Read("containerName") is { Length: > 0 } jobContainer)
        {
            return string.Equals(Tail(jobContainer, 2), Tail(container, 2), StringComparison.OrdinalIgnoreCase);
        }
        if (job.Read("storageAccountName") is { Length: > 0 } account)
        {
            return string.Equals(account, Tail(container, 1), StringComparison.OrdinalIgnoreCase);
        }
        return true;
    }

    // The last parts of a ';'-separated container name: "rg;vm" of any spelling of a VM container.
    private static string Tail(string containerName, int parts)
    {
        var split = containerName.Split(';');
        return string.Join(';', split.Skip(Math.Max(0, split.Length - parts)));
    }
}
