// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.RegularExpressions;

namespace RecoveryVault.Emulator.Domain.Backup;

/// <summary>
/// Azure's naming rules for the resources the admin surface seeds (learn.microsoft.com, "Naming rules and
/// restrictions for Azure resources"): a seeded name Azure could never hold would let tests pass against the emulator
/// that can never run against Azure, and a '/' in a name would silently change every id built from it.
/// </summary>
internal static partial class SeedNames
{
    /// <summary>resourcegroups: 1-90; letters, digits, underscores, hyphens, periods, parentheses; not ending in a period.</summary>
    public static string ResourceGroup(string? name) =>
        Check("resource group", name, 90, ResourceGroupPattern(), "letters, digits, underscores, hyphens, periods and parentheses, and not end with a period");

    /// <summary>
    /// virtualMachines: 1-64 (the 15-character Windows limit is the computer name, which the emulator does not model);
    /// no spaces, control characters or <c>~ ! @ # $ % ^ &amp; * ( ) = + [ ] { } \ | ; : ' " , &lt; &gt; / ?</c>, not
    /// starting with '_' nor ending with '.' or '-'.
    /// </summary>
    public static string VirtualMachine(string? name) =>
        Check("virtual machine", name, 64, VirtualMachinePattern(), "not contain spaces or ~!@#$%^&*()=+[]{}\\|;:'\",<>/?, not start with '_' and not end with '.' or '-'");

    /// <summary>
    /// storageAccounts: 3-24 letters and digits. Azure wants them lower case, but the official examples under Contract
    /// name accounts <c>testAccount</c>, and ARM matches ids case-insensitively, so case is not enforced.
    /// </summary>
    public static string StorageAccount(string? name)
    {
        var checkedName = Check("storage account", name, 24, StorageAccountPattern(), "only letters and digits");
        return checkedName.Length >= 3 ? checkedName : throw new ArgumentException($"The storage account name '{checkedName}' must be between 3 and 24 characters long.");
    }

    /// <summary>
    /// fileServices/shares: at most 63 letters, digits and single hyphens, starting and ending with a letter or digit
    /// (Azure's 3-character minimum and lower case are not enforced, for the same reason as storage accounts).
    /// </summary>
    public static string FileShare(string? name) =>
        Check("file share", name, 63, FileSharePattern(), "only letters, digits and single hyphens, and start and end with a letter or digit");

    private static string Check(string what, string? name, int max, Regex pattern, string rule)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException($"A {what} name is required.");
        }

        if (name.Length > max)
        {
            throw new ArgumentException($"The {what} name '{name[..Math.Min(name.Length, 40)]}…' has {name.Length} characters; Azure allows at most {max}.");
        }

        return pattern.IsMatch(name) ? name : throw new ArgumentException($"The {what} name '{name}' is not valid in Azure: it must contain {rule}.");
    }

    [GeneratedRegex(@"^[\p{L}\p{Nd}_\-\.\(\)]*[\p{L}\p{Nd}_\-\(\)]$")]
    private static partial Regex ResourceGroupPattern();

    [GeneratedRegex(@"^(?!_)[^\s\p{C}~!@#$%^&*()=+\[\]{}\\|;:'"",<>/?]*[^\s\p{C}~!@#$%^&*()=+\[\]{}\\|;:'"",<>/?.\-]$")]
    private static partial Regex VirtualMachinePattern();

    [GeneratedRegex(@"^[A-Za-z0-9]+$")]
    private static partial Regex StorageAccountPattern();

    [GeneratedRegex(@"^[A-Za-z0-9](?:-?[A-Za-z0-9])*$")]
    private static partial Regex FileSharePattern();
}
