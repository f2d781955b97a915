// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using RecoveryVault.Engine.Models;

namespace RecoveryVault.Engine;

public partial class RecoveryVaultClient
{
    /// <summary>Lists the subscriptions the caller can see.</summary>
    public virtual AsyncPageable<SubscriptionData> GetSubscriptionsAsync(CancellationToken cancellationToken = default) =>
        GetAsyncPageable(BuildUri("/subscriptions", _options.ResourcesApiVersion), o => new SubscriptionData(o), cancellationToken);

    /// <summary>Lists the subscriptions the caller can see.</summary>
    public virtual Pageable<SubscriptionData> GetSubscriptions(CancellationToken cancellationToken = default) =>
        GetPageable(BuildUri("/subscriptions", _options.ResourcesApiVersion), o => new SubscriptionData(o), cancellationToken);

    /// <summary>
    /// The regions of a subscription (Subscriptions - List Locations, Microsoft.Resources): physical ones are where
    /// vaults, and so deleted vaults, can be.
    /// </summary>
    public virtual AsyncPageable<LocationData> GetLocationsAsync(string subscriptionId, CancellationToken cancellationToken = default) =>
        GetAsyncPageable(BuildUri($"/subscriptions/{Uri.EscapeDataString(subscriptionId)}/locations", _options.ResourcesApiVersion), o => new LocationData(o), cancellationToken);

    private Uri GroupUri(string sub, string? rg) => BuildUri(
        $"/subscriptions/{Uri.EscapeDataString(sub)}/resourcegroups" + (rg is null ? string.Empty : "/" + Uri.EscapeDataString(rg)),
        _options.ResourcesApiVersion);

    /// <summary>Gets a resource group.</summary>
    public virtual async Task<Response<ResourceGroupData>> GetResourceGroupAsync(string subscriptionId, string resourceGroupName, CancellationToken cancellationToken = default) =>
        await GetAsync(true, GroupUri(subscriptionId, resourceGroupName), o => new ResourceGroupData(o), cancellationToken).ConfigureAwait(false);

    /// <summary>Gets a resource group.</summary>
    public virtual Response<ResourceGroupData> GetResourceGroup(string subscriptionId, string resourceGroupName, CancellationToken cancellationToken = default) =>
        GetAsync(false, GroupUri(subscriptionId, resourceGroupName), o => new ResourceGroupData(o), cancellationToken).AsTask().GetAwaiter().GetResult();

    /// <summary>Lists resource groups.</summary>
    public virtual AsyncPageable<ResourceGroupData> GetResourceGroupsAsync(string subscriptionId, CancellationToken cancellationToken = default) =>
        GetAsyncPageable(GroupUri(subscriptionId, null), o => new ResourceGroupData(o), cancellationToken);

    /// <summary>Lists resource groups.</summary>
    public virtual Pageable<ResourceGroupData> GetResourceGroups(string subscriptionId, CancellationToken cancellationToken = default) =>
        GetPageable(GroupUri(subscriptionId, null), o => new ResourceGroupData(o), cancellationToken);

    /// <summary>Creates or updates a resource group.</summary>
    public virtual async Task<Response<ResourceGroupData>> CreateOrUpdateResourceGroupAsync(string subscriptionId, string resourceGroupName, string location, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(true, RequestMethod.Put, GroupUri(subscriptionId, resourceGroupName), new JsonObject { ["location"] = location }, cancellationToken, safeToResend: true).ConfigureAwait(false);
        return Response.FromValue(new ResourceGroupData(ArmResourceData.ParseObject(response.Content)), response);
    }

    private Uri AuthzUri(string scope, string suffix, params (string, string?)[] query) =>
        BuildUri(scope.TrimEnd('/') + "/providers/Microsoft.Authorization/" + suffix, _options.AuthorizationApiVersion, query);

    /// <summary>Lists role definitions visible at a scope, optionally by role name.</summary>
    public virtual AsyncPageable<RoleDefinitionData> GetRoleDefinitionsAsync(string scope, string? roleName = null, CancellationToken cancellationToken = default) =>
        GetAsyncPageable(AuthzUri(scope, "roleDefinitions", ("$filter", roleName is null ? null : $"roleName eq '{roleName.Replace("'", "''", StringComparison.Ordinal)}'")),
            o => new RoleDefinitionData(o), cancellationToken);

    /// <summary>Lists role assignments that apply at a scope (at or above it), or those of one principal.</summary>
    public virtual AsyncPageable<RoleAssignmentData> GetRoleAssignmentsAsync(string scope, string? principalId = null, CancellationToken cancellationToken = default) =>
        GetAsyncPageable(AuthzUri(scope, "roleAssignments", ("$filter", principalId is null ? "atScope()" : $"principalId eq '{principalId}'")),
            o => new RoleAssignmentData(o), cancellationToken);

    /// <summary>The caller's own effective permissions at a scope (one entry per role assigned to it there or above).</summary>
    public virtual AsyncPageable<PermissionData> GetPermissionsAsync(string scope, CancellationToken cancellationToken = default) =>
        GetAsyncPageable(AuthzUri(scope, "permissions"), o => new PermissionData(o), cancellationToken);

    /// <summary>Creates a role assignment at a scope.</summary>
    public virtual async Task<Response<RoleAssignmentData>> CreateRoleAssignmentAsync(string scope, string assignmentName, string roleDefinitionId, string principalId, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["properties"] = new JsonObject { ["roleDefinitionId"] = roleDefinitionId, ["principalId"] = principalId } };
        var response = await SendAsync(true, RequestMethod.Put, AuthzUri(scope, "roleAssignments/" + Uri.EscapeDataString(assignmentName)), body, cancellationToken, safeToResend: true).ConfigureAwait(false);
        return Response.FromValue(new RoleAssignmentData(ArmResourceData.ParseObject(response.Content)), response);
    }

    /// <summary>Deletes a role assignment by its full id.</summary>
    public virtual async Task<Response> DeleteRoleAssignmentAsync(string roleAssignmentId, CancellationToken cancellationToken = default) =>
        await SendAsync(true, RequestMethod.Delete, BuildUri(roleAssignmentId, _options.AuthorizationApiVersion), null, cancellationToken, safeToResend: true).ConfigureAwait(false);
}
