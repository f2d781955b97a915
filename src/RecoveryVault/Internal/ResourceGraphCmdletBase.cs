// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using System.Text.Json.Nodes;
using RecoveryVault.Engine.Hosting;

namespace RecoveryVault.Internal;

/// <summary>
/// Base of cmdlets that read the estate through Azure Resource Graph: the scope (-SubscriptionId, -ManagementGroup;
/// neither: every subscription the credential can see), the query, and how its failures are named.
/// </summary>
public abstract class ResourceGraphCmdletBase : RecoveryVaultCmdletBase
{
    /// <summary>Subscriptions to query (default: every subscription the credential can see).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? SubscriptionId { get; set; }

    /// <summary>Management groups to query (their subscriptions and below).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ManagementGroup { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => RequireSession();

    /// <summary>Every -SubscriptionId is one (a bad one is a non-terminating error).</summary>
    protected bool CheckSubscriptions() => SubscriptionId is null || SubscriptionId.All(s => CheckScope(s, null, s));

    /// <summary>The rows of <paramref name="kql"/> over this cmdlet's scope.</summary>
    protected IAsyncEnumerable<JsonObject> QueryAsync(string kql, int? pageSize, CancellationToken ct) =>
        Session.QueryResourceGraphAsync(kql, SubscriptionId, ManagementGroup, pageSize, ct);

    /// <summary>A query Resource Graph refused as invalid is named so; other failures as the per-vault cmdlets name them.</summary>
    protected static ErrorRecord QueryError(RecoveryVaultServiceException ex)
    {
        var record = ServiceErrorRecord(ex, null, null);
        return ex.Status == 400 && ex.Details.Any(d => d.StartsWith("InvalidQuery:", StringComparison.Ordinal))
            ? new ErrorRecord(record.Exception, ErrorIds.InvalidQuery, ErrorCategory.InvalidArgument, null) { ErrorDetails = record.ErrorDetails }
            : record;
    }
}
