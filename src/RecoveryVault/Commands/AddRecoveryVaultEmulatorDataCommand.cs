// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using System.Text.Json.Nodes;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>
/// Seeds the connected emulator for tests and demos: resource groups, principals, subscriptions, and queued faults.
/// It only works against the emulator (through its /_emulator admin surface).
/// </summary>
[Cmdlet(VerbsCommon.Add, "RecoveryVaultEmulatorData", SupportsShouldProcess = true, DefaultParameterSetName = ResourceGroupSet)]
[OutputType(typeof(EmulatorPrincipal), ParameterSetName = [PrincipalSet])]
[OutputType(typeof(PSObject), ParameterSetName = [ResourceGroupSet, SubscriptionSet, FaultSet, RoleAssignmentSet])]
public sealed class AddRecoveryVaultEmulatorDataCommand : RecoveryVaultCmdletBase
{
    private const string ResourceGroupSet = "ResourceGroup";
    private const string PrincipalSet = "Principal";
    private const string SubscriptionSet = "Subscription";
    private const string FaultSet = "Fault";
    private const string RoleAssignmentSet = "RoleAssignment";

    /// <summary>Resource group to create.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ResourceGroupSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string ResourceGroupName { get; set; } = string.Empty;

    /// <summary>Its region.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ResourceGroupSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Location { get; set; } = string.Empty;

    /// <summary>Subscription for the resource group (default: the connected one), or the new subscription's id.</summary>
    [Parameter(ParameterSetName = ResourceGroupSet)]
    [Parameter(Mandatory = true, ParameterSetName = SubscriptionSet)]
    [ValidateNotNullOrEmpty]
    public string? SubscriptionId { get; set; }

    /// <summary>Display name of a new principal (returns its client id, secret and object id).</summary>
    [Parameter(Mandatory = true, ParameterSetName = PrincipalSet)]
    [ValidateNotNullOrEmpty]
    public string PrincipalName { get; set; } = string.Empty;

    /// <summary>Display name of a new subscription.</summary>
    [Parameter(ParameterSetName = SubscriptionSet)]
    [ValidateNotNullOrEmpty]
    public string SubscriptionName { get; set; } = "Emulator Subscription";

    /// <summary>Fault the next ARM requests get: 429, 500, 503, drop or latency.</summary>
    [Parameter(Mandatory = true, ParameterSetName = FaultSet)]
    [ValidateSet("429", "500", "503", "drop", "latency")]
    public string Fault { get; set; } = string.Empty;

    /// <summary>How many requests get the fault.</summary>
    [Parameter(ParameterSetName = FaultSet)]
    [ValidateRange(1, 1000)]
    public int Count { get; set; } = 1;

    /// <summary>Only requests whose path contains this text.</summary>
    [Parameter(ParameterSetName = FaultSet)]
    [ValidateNotNullOrEmpty]
    public string? PathContains { get; set; }

    /// <summary>Only requests with this method.</summary>
    [Parameter(ParameterSetName = FaultSet)]
    [ValidateSet("GET", "PUT", "PATCH", "POST", "DELETE")]
    public string? Method { get; set; }

    /// <summary>Retry-After the fault sends (seconds).</summary>
    [Parameter(ParameterSetName = FaultSet)]
    [ValidateRange(0, 3600)]
    public int RetryAfterSeconds { get; set; }

    /// <summary>Principal object id to give a role to (any scope, no RBAC check: seeding).</summary>
    [Parameter(Mandatory = true, ParameterSetName = RoleAssignmentSet)]
    [ValidateNotNullOrEmpty]
    public string PrincipalId { get; set; } = string.Empty;

    /// <summary>Built-in role name, e.g. 'Backup Reader', 'Contributor'.</summary>
    [Parameter(Mandatory = true, ParameterSetName = RoleAssignmentSet)]
    [ValidateNotNullOrEmpty]
    public string RoleName { get; set; } = string.Empty;

    /// <summary>Scope: subscription, resource group or resource id.</summary>
    [Parameter(Mandatory = true, ParameterSetName = RoleAssignmentSet)]
    [ValidateNotNullOrEmpty]
    public string Scope { get; set; } = string.Empty;

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        RequireSession();
        if (Session.Request.Kind != AuthKind.Emulator)
        {
            ThrowTerminatingError(new ErrorRecord(new PSInvalidOperationException("Add-RecoveryVaultEmulatorData works only when connected to the emulator (Connect-RecoveryVault -Emulator)."),
                ErrorIds.InvalidParameterCombination, ErrorCategory.InvalidOperation, Session.Endpoint.ToString()));
        }
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var session = Session;
        var (path, body, what) = ParameterSetName switch
        {
            PrincipalSet => ("/_emulator/principals", new JsonObject { ["displayName"] = PrincipalName }, $"principal '{PrincipalName}'"),
            SubscriptionSet => ("/_emulator/subscriptions", new JsonObject { ["subscriptionId"] = SubscriptionId, ["displayName"] = SubscriptionName }, $"subscription {SubscriptionId}"),
            FaultSet => ("/_emulator/faults/next", new JsonObject
            {
                ["kind"] = Fault, ["count"] = Count, ["retryAfterSeconds"] = RetryAfterSeconds, ["method"] = Method, ["pathContains"] = PathContains,
            }, $"{Count} x fault {Fault}"),
            RoleAssignmentSet => ("/_emulator/roleAssignments", new JsonObject { ["principalId"] = PrincipalId, ["roleName"] = RoleName, ["scope"] = Scope },
                $"role '{RoleName}' for {PrincipalId} at {Scope}"),
            _ => ("/_emulator/resourceGroups", new JsonObject
            {
                ["subscriptionId"] = SubscriptionId ?? session.SubscriptionId, ["name"] = ResourceGroupName, ["location"] = Location,
            }, $"resource group '{ResourceGroupName}'"),
        };
        if (!ShouldProcess(session.Endpoint.ToString(), $"Add {what}"))
        {
            return;
        }
        Run(async ct =>
        {
            using var admin = new EmulatorAdmin(session.Endpoint, session.Request.Thumbprint);
            try
            {
                var result = await admin.SendAsync(HttpMethod.Post, path, body, ct).ConfigureAwait(false);
                if (ParameterSetName == PrincipalSet && result is not null)
                {
                    string S(string n) => result[n]?.GetValue<string>() ?? string.Empty;
                    Emit(new EmulatorPrincipal(S("displayName"), S("clientId"), S("clientSecret"), S("objectId")));
                }
                else if (result is JsonObject o)
                {
                    var ps = new PSObject();
                    foreach (var (k, v) in o)
                    {
                        ps.Properties.Add(new PSNoteProperty(k, v is JsonValue jv ? jv.ToString() : v?.ToJsonString()));
                    }
                    Emit(ps);
                }
            }
            catch (RecoveryVaultServiceException ex)
            {
                EmitError(new ErrorRecord(new InvalidOperationException($"The emulator refused to add {what}: {ex.Message}"), ErrorIds.EmulatorRequestFailed,
                    ErrorIds.CategoryFor(ex.Status), path));
            }
        });
    }
}
