// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;

namespace RecoveryVault.Internal;

/// <summary>
/// The one catalogue of error ids. Scripts match them with
/// <c>Should -Throw -ErrorId 'VaultNotFound,RecoveryVault.Commands.GetRecoveryVaultCommand'</c>, so they never change.
/// </summary>
public static class ErrorIds
{
    /// <summary>No Connect-RecoveryVault yet.</summary>
    public const string NotConnected = "NotConnected";
    /// <summary>Sign-in failed or token refused.</summary>
    public const string AuthenticationFailed = "AuthenticationFailed";
    /// <summary>RBAC said no.</summary>
    public const string PermissionDenied = "PermissionDenied";
    /// <summary>No vault of that name/id.</summary>
    public const string VaultNotFound = "VaultNotFound";
    /// <summary>No soft-deleted vault of that name.</summary>
    public const string DeletedVaultNotFound = "DeletedVaultNotFound";
    /// <summary>The resource group does not exist.</summary>
    public const string ResourceGroupNotFound = "ResourceGroupNotFound";
    /// <summary>The subscription is unknown or the account has no access to it.</summary>
    public const string SubscriptionNotFound = "SubscriptionNotFound";
    /// <summary>Some other resource is missing.</summary>
    public const string ResourceNotFound = "ResourceNotFound";
    /// <summary>New-RecoveryVault on a name already taken.</summary>
    public const string VaultAlreadyExists = "VaultAlreadyExists";
    /// <summary>A malformed resource id.</summary>
    public const string InvalidResourceId = "InvalidResourceId";
    /// <summary>The service rejected the request as invalid.</summary>
    public const string InvalidRequest = "InvalidRequest";
    /// <summary>Azure Resource Graph refused the query (syntax, or an operator or function it does not offer).</summary>
    public const string InvalidQuery = "InvalidQuery";
    /// <summary>A conflict (state does not allow it).</summary>
    public const string Conflict = "Conflict";
    /// <summary>429 after all retries.</summary>
    public const string RequestThrottled = "RequestThrottled";
    /// <summary>5xx or network failure after all retries.</summary>
    public const string ServiceUnavailable = "ServiceUnavailable";
    /// <summary>A write's answer was lost and checking whether it was done failed too (the message says how to check).</summary>
    public const string OutcomeUnknown = "OutcomeUnknown";
    /// <summary>Ctrl+C or timeout.</summary>
    public const string OperationCancelled = "OperationCancelled";
    /// <summary>Role name unknown at that scope.</summary>
    public const string RoleNotFound = "RoleNotFound";
    /// <summary>The principal has no such assignment.</summary>
    public const string RoleAssignmentNotFound = "RoleAssignmentNotFound";
    /// <summary>The emulator could not start.</summary>
    public const string EmulatorStartFailed = "EmulatorStartFailed";
    /// <summary>The emulator admin call failed.</summary>
    public const string EmulatorRequestFailed = "EmulatorRequestFailed";
    /// <summary>Parameters contradict each other.</summary>
    public const string InvalidParameterCombination = "InvalidParameterCombination";
    /// <summary>A schedule that Azure Backup would refuse.</summary>
    public const string InvalidSchedule = "InvalidSchedule";
    /// <summary>Retention rules that Azure Backup would refuse.</summary>
    public const string InvalidRetention = "InvalidRetention";
    /// <summary>No backup policy of that name.</summary>
    public const string PolicyNotFound = "PolicyNotFound";
    /// <summary>No backup item / protectable item of that name.</summary>
    public const string ItemNotFound = "ItemNotFound";
    /// <summary>No such job.</summary>
    public const string JobNotFound = "JobNotFound";
    /// <summary>No Azure Backup Server / DPM server of that name is registered with the vault.</summary>
    public const string BackupServerNotFound = "BackupServerNotFound";
    /// <summary>No Azure Monitor alert of that id.</summary>
    public const string AlertNotFound = "AlertNotFound";
    /// <summary>No such recovery point.</summary>
    public const string RecoveryPointNotFound = "RecoveryPointNotFound";
    /// <summary>The kind does not support what was asked.</summary>
    public const string UnsupportedForKind = "UnsupportedForKind";
    /// <summary>A job failed while being waited for.</summary>
    public const string JobFailed = "JobFailed";
    /// <summary>Wait-RecoveryVaultJob ran out of time.</summary>
    public const string WaitTimedOut = "WaitTimedOut";
    /// <summary>No vault given to a vault-scoped cmdlet.</summary>
    public const string VaultRequired = "VaultRequired";
    /// <summary>Unclassified service error (the ARM code is in the message).</summary>
    public const string ServiceError = "ServiceError";

    /// <summary>No classic Backup vault of that name in the subscription.</summary>
    public const string ClassicVaultNotFound = "ClassicVaultNotFound";

    /// <summary>The upgrade check found errors; nothing was started.</summary>
    public const string UpgradeBlocked = "UpgradeBlocked";

    /// <summary>The upgrade operation failed (the result says whether the classic vault is untouched or the upgrade resumable).</summary>
    public const string UpgradeFailed = "UpgradeFailed";

    /// <summary>The classic vault has no upgrade to show.</summary>
    public const string UpgradeNotFound = "UpgradeNotFound";

    /// <summary>The upgrade succeeded but the new vault lacks (or duplicates) something of the classic vault.</summary>
    public const string UpgradeVerificationFailed = "UpgradeVerificationFailed";

    /// <summary>An irreversible change needs confirmation and the host cannot ask (-Force or -Confirm:$false says yes).</summary>
    public const string ConfirmationRequired = "ConfirmationRequired";

    /// <summary>New-RecoveryVaultPolicy on a name the vault already has.</summary>
    public const string PolicyAlreadyExists = "PolicyAlreadyExists";

    /// <summary>New-RecoveryVaultResourceGuard on a name that exists (New never replaces; Set changes).</summary>
    public const string ResourceGuardAlreadyExists = "ResourceGuardAlreadyExists";

    /// <summary>Azure no longer exposes classic Backup vaults (retired; upgrade them in the portal or by support).</summary>
    public const string ClassicVaultsRetired = "ClassicVaultsRetired";

    /// <summary>A resource group or vault name that breaks Azure's naming rules (refused before any request).</summary>
    public const string InvalidName = "InvalidName";

    /// <summary>A -Location that is not an Azure region name, or not one of the subscription's regions.</summary>
    public const string InvalidLocation = "InvalidLocation";

    /// <summary>Tags beyond ARM's tag limits (count, name or value length, characters, $null values).</summary>
    public const string InvalidTag = "InvalidTag";

    /// <summary>
    /// A critical operation on a vault protected by a resource guard (MUA) could not be authorized: no identity could be
    /// shown to the guard (no token for its tenant was given or could be acquired).
    /// </summary>
    public const string ResourceGuardAuthorizationRequired = "ResourceGuardAuthorizationRequired";

    /// <summary>The resource guard refused the identity presented to it: it lacks the role the operation needs on the guard.</summary>
    public const string ResourceGuardAccessDenied = "ResourceGuardAccessDenied";

    /// <summary>A -Path that is not an existing file-system folder, or a file that could not be written there.</summary>
    public const string FolderNotFound = "FolderNotFound";

    /// <summary>The error id of a request the Engine refused to build, chosen by its reason code, never by its message.</summary>
    public static string ForRequestProblem(string code) => code switch
    {
        "InvalidRetention" => InvalidRetention,
        "InvalidSchedule" => InvalidSchedule,
        "UnsupportedForKind" => UnsupportedForKind,
        _ => InvalidParameterCombination,
    };

    /// <summary>The one map from HTTP status to PowerShell's error category.</summary>
    public static ErrorCategory CategoryFor(int status) => status switch
    {
        400 => ErrorCategory.InvalidArgument,
        401 => ErrorCategory.AuthenticationError,
        403 => ErrorCategory.PermissionDenied,
        404 => ErrorCategory.ObjectNotFound,
        409 => ErrorCategory.ResourceExists,
        412 => ErrorCategory.InvalidOperation,
        429 => ErrorCategory.LimitsExceeded,
        >= 500 => ErrorCategory.ResourceUnavailable,
        0 => ErrorCategory.ConnectionError,
        _ => ErrorCategory.InvalidResult,
    };

    /// <summary>The error id for a service failure: by ARM code first, then by status.</summary>
    public static string IdFor(int status, string? armCode, string? notFoundId) => armCode switch
    {
        "ResourceGuardAuthorizationRequired" => ResourceGuardAuthorizationRequired,
        "ResourceGuardAccessDenied" => ResourceGuardAccessDenied,
        "AuthorizationFailed" or "LinkedAuthorizationFailed" => PermissionDenied,
        "AuthenticationFailed" or "InvalidAuthenticationToken" or "ExpiredAuthenticationToken" or "CredentialUnavailable" => AuthenticationFailed,
        "ResourceGroupNotFound" => ResourceGroupNotFound,
        "SubscriptionNotFound" => SubscriptionNotFound,
        "TooManyRequests" => RequestThrottled,
        "OutcomeUnknown" => OutcomeUnknown,
        _ => status switch
        {
            400 => InvalidRequest,
            401 => AuthenticationFailed,
            403 => PermissionDenied,
            404 => notFoundId ?? ResourceNotFound,
            409 => Conflict,
            429 => RequestThrottled,
            0 or >= 500 => ServiceUnavailable,
            _ => ServiceError,
        },
    };
}
