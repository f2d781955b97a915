// Copyright (c) RecoveryVault contributors. MIT License.
using System.Collections;
using System.Management.Automation;
using System.Text.RegularExpressions;

namespace RecoveryVault.Internal;

/// <summary>
/// Azure's own rules for names, regions and tags, checked before any request: a name that Azure would refuse, or that
/// would change the request path (<c>..</c>, <c>/</c>, <c>/providers/</c>), must never reach the wire. Each method
/// answers the problem in words, or null when the value is fine.
/// </summary>
internal static partial class InputRules
{
    /// <summary>ARM tag limits ("Use tags to organize your Azure resources", Limitations): 50 pairs per resource.</summary>
    public const int MaxTags = 50;
    /// <summary>ARM tag limits: tag names at most 512 characters.</summary>
    public const int MaxTagNameLength = 512;
    /// <summary>ARM tag limits: tag values at most 256 characters.</summary>
    public const int MaxTagValueLength = 256;
    /// <summary>ARM tag limits: tag names cannot contain these.</summary>
    public const string ForbiddenTagNameCharacters = "<>%&\\?/";

    /// <summary>Subscription ids are GUIDs (ARM: Subscriptions - Get, subscriptionId "The ID of the target subscription", a UUID).</summary>
    public static string? SubscriptionIdProblem(string value) =>
        Guid.TryParseExact(value, "D", out _) ? null
            : $"The subscription id '{value}' is not valid: a subscription id is a GUID such as 00000000-0000-0000-0000-000000000000.";

    /// <summary>
    /// "Naming rules and restrictions for Azure resources", Microsoft.Resources/resourcegroups: 1-90 characters of
    /// underscores, hyphens, periods, parentheses, letters or digits (Unicode ones too), not ending in a period.
    /// </summary>
    public static string? ResourceGroupNameProblem(string value)
    {
        if (value.Length is < 1 or > 90)
        {
            return $"The resource group name '{value}' is not valid: it must be 1-90 characters long (got {value.Length}).";
        }
        foreach (var c in value)
        {
            if (!(char.IsLetterOrDigit(c) || c is '_' or '-' or '.' or '(' or ')'))
            {
                return $"The resource group name '{value}' is not valid: '{c}' is not allowed (only letters, digits, '_', '-', '.', '(' and ')').";
            }
        }
        return value.EndsWith('.') ? $"The resource group name '{value}' is not valid: it cannot end with a period." : null;
    }

    /// <summary>"Naming rules and restrictions for Azure resources", Microsoft.RecoveryServices/vaults: 2-50 alphanumerics and hyphens, starting with a letter.</summary>
    public const string VaultNamePattern = "^[a-zA-Z][a-zA-Z0-9-]{1,49}$";

    /// <summary>What a binding error says of a vault name that breaks the rule ({0}: the name), instead of the bare regex.</summary>
    public const string VaultNameRuleMessage = "The vault name '{0}' is not valid: a Recovery Services vault name has 2 to 50 letters, digits and hyphens and starts with a letter.";

    /// <summary>The message of a vault name that breaks <see cref="VaultNamePattern"/>.</summary>
    public const string VaultNameMessage = "The vault name '{0}' is not valid: a Recovery Services vault name is 2-50 letters, digits and hyphens, and starts with a letter.";

    /// <summary>The vault naming rule, for vaults named by -Name/-VaultName (a '/' or '..' would otherwise change the request path).</summary>
    public static string? VaultNameProblem(string value) =>
        VaultName().IsMatch(value) ? null : string.Format(System.Globalization.CultureInfo.InvariantCulture, VaultNameMessage, value);

    [GeneratedRegex(VaultNamePattern, RegexOptions.CultureInvariant)]
    private static partial Regex VaultName();

    /// <summary>
    /// A user-assigned identity's resource id, the form the vaults spec gives the keys of
    /// <c>identity.userAssignedIdentities</c> (and a key's <c>kekIdentity.userAssignedIdentity</c>).
    /// </summary>
    public static string? UserAssignedIdentityProblem(string value) =>
        UserAssignedIdentity().IsMatch(value) ? null
            : $"'{value}' is not a user-assigned identity's resource id (/subscriptions/{{guid}}/resourceGroups/{{group}}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{{name}}).";

    [GeneratedRegex(@"^/subscriptions/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/resourceGroups/[^/]+/providers/Microsoft\.ManagedIdentity/userAssignedIdentities/[^/]+$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex UserAssignedIdentity();

    /// <summary>
    /// A region name as Subscriptions - List Locations spells it (<c>westeurope</c>, <c>eastus2</c>): after removing
    /// spaces and lower-casing (as <c>RecoveryVaultClient.NormalizeLocation</c> does, so 'West Europe' is accepted),
    /// a letter followed by letters and digits.
    /// </summary>
    public static string? LocationProblem(string value) =>
        RegionShape().IsMatch(Engine.RecoveryVaultClient.NormalizeLocation(value)) ? null
            : $"The location '{value}' is not an Azure region name (such as 'westeurope' or 'West Europe'): Get-AzLocation or 'az account list-locations' lists them.";

    [GeneratedRegex("^[a-z][a-z0-9]{1,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex RegionShape();

    /// <summary>ARM tag limits ("Use tags to organize your Azure resources", Limitations), checked tag by tag.</summary>
    public static string? TagsProblem(Hashtable tags)
    {
        if (tags.Count > MaxTags)
        {
            return $"A resource can have at most {MaxTags} tags (got {tags.Count}).";
        }
        foreach (DictionaryEntry e in tags)
        {
            var name = e.Key?.ToString() ?? string.Empty;
            if (name.Trim().Length == 0)
            {
                return "A tag name cannot be empty.";
            }
            if (name.Length > MaxTagNameLength)
            {
                return $"The tag name '{name[..40]}…' is {name.Length} characters long; Azure allows at most {MaxTagNameLength}.";
            }
            if (name.IndexOfAny(ForbiddenTagNameCharacters.ToCharArray()) is var at and >= 0)
            {
                return $"The tag name '{name}' contains '{name[at]}'; Azure tag names cannot contain any of {ForbiddenTagNameCharacters}.";
            }
            if (e.Value is null)
            {
                return $"The tag '{name}' has no value ($null); give it a value, or the empty string ''.";
            }
            var value = e.Value.ToString() ?? string.Empty;
            if (value.Length > MaxTagValueLength)
            {
                return $"The value of tag '{name}' is {value.Length} characters long; Azure allows at most {MaxTagValueLength}.";
            }
        }
        return null;
    }
}

/// <summary>
/// A naming rule checked at binding, whose error says the rule in words ({0}: the value) instead of the bare regex a
/// ValidatePattern prints (the ErrorMessage of ValidatePattern is not in the PowerShell 7.4 reference assemblies).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateNamePatternAttribute(string pattern, string message) : ValidateArgumentsAttribute
{
    /// <summary>The rule, as a regular expression (help and tests read it).</summary>
    public string RegexPattern { get; } = pattern;

    /// <inheritdoc />
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var value = arguments?.ToString() ?? string.Empty;
        if (!System.Text.RegularExpressions.Regex.IsMatch(value, RegexPattern, System.Text.RegularExpressions.RegexOptions.CultureInvariant))
        {
            throw new ValidationMetadataException(string.Format(System.Globalization.CultureInfo.InvariantCulture, message, value));
        }
    }
}
