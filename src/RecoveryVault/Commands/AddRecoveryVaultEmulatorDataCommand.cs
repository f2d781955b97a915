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
[OutputType(typeof(PSObject), ParameterSetName = [TenantSet, GuestSet, ResourceGroupSet, SubscriptionSet, FaultSet, RoleAssignmentSet, VirtualMachineSet, StorageAccountSet, SqlServerSet, MarsServerSet, MarsCredentialSet, BackupServerCredentialSet, ClockSet, ClassicVaultSet])]
public sealed class AddRecoveryVaultEmulatorDataCommand : RecoveryVaultCmdletBase
{
    private const string ResourceGroupSet = "ResourceGroup";
    private const string PrincipalSet = "Principal";
    private const string SubscriptionSet = "Subscription";
    private const string FaultSet = "Fault";
    private const string RoleAssignmentSet = "RoleAssignment";
    private const string VirtualMachineSet = "VirtualMachine";
    private const string StorageAccountSet = "StorageAccount";
    private const string SqlServerSet = "SqlServer";
    private const string MarsServerSet = "MarsServer";
    private const string MarsCredentialSet = "MarsServerFromCredential";
    private const string BackupServerCredentialSet = "BackupServerFromCredential";
    private const string ClockSet = "Clock";
    private const string ClassicVaultSet = "ClassicVault";
    private const string TenantSet = "Tenant";
    private const string GuestSet = "Guest";

    /// <summary>Resource group to create (or, for VMs, storage accounts and SQL servers, the one they are in).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ResourceGroupSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(Mandatory = true, ParameterSetName = VirtualMachineSet)]
    [Parameter(Mandatory = true, ParameterSetName = StorageAccountSet)]
    [Parameter(Mandatory = true, ParameterSetName = SqlServerSet)]
    [ValidateNotNullOrEmpty]
    public string ResourceGroupName { get; set; } = string.Empty;

    /// <summary>Its region.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ResourceGroupSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = VirtualMachineSet)]
    [Parameter(ParameterSetName = StorageAccountSet)]
    [Parameter(ParameterSetName = ClassicVaultSet)]
    [ValidateNotNullOrEmpty]
    public string Location { get; set; } = string.Empty;

    /// <summary>Subscription for the resource group or VM (default: the connected one), or the new subscription's id.</summary>
    [Parameter(ParameterSetName = ResourceGroupSet)]
    [Parameter(ParameterSetName = VirtualMachineSet)]
    [Parameter(Mandatory = true, ParameterSetName = SubscriptionSet)]
    [ValidateNotNullOrEmpty]
    public string? SubscriptionId { get; set; }

    /// <summary>
    /// Another Entra tenant (multi-user authorization across tenants): with -TenantName, creates it; with -PrincipalName
    /// or -SubscriptionId, puts the new principal or subscription in it; with -GuestClientId, invites that principal
    /// into it as a guest so it can get tokens there.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = TenantSet)]
    [Parameter(Mandatory = true, ParameterSetName = GuestSet)]
    [Parameter(ParameterSetName = PrincipalSet)]
    [Parameter(ParameterSetName = SubscriptionSet)]
    [ValidateNotNullOrEmpty]
    public string? TenantId { get; set; }

    /// <summary>Display name of a new tenant.</summary>
    [Parameter(Mandatory = true, ParameterSetName = TenantSet)]
    [ValidateNotNullOrEmpty]
    public string TenantName { get; set; } = string.Empty;

    /// <summary>Client id of the principal to invite into -TenantId as a guest.</summary>
    [Parameter(Mandatory = true, ParameterSetName = GuestSet)]
    [ValidateNotNullOrEmpty]
    public string GuestClientId { get; set; } = string.Empty;

    /// <summary>Display name of a new principal (returns its client id, secret and object id).</summary>
    [Parameter(Mandatory = true, ParameterSetName = PrincipalSet)]
    [ValidateNotNullOrEmpty]
    public string PrincipalName { get; set; } = string.Empty;

    /// <summary>Display name of a new subscription.</summary>
    [Parameter(ParameterSetName = SubscriptionSet)]
    [ValidateNotNullOrEmpty]
    public string SubscriptionName { get; set; } = "Emulator Subscription";

    /// <summary>Fault the next ARM requests get: 429, 500, 503, drop, dropResponse (served, then the answer is lost) or latency; upgradeFailure fails the next classic upgrade, jobFailure the next backup or restore jobs (-Count) to complete.</summary>
    [Parameter(Mandatory = true, ParameterSetName = FaultSet)]
    [ValidateSet("429", "500", "503", "drop", "dropResponse", "latency", "upgradeFailure", "jobFailure")]
    public string Fault { get; set; } = string.Empty;

    /// <summary>With -Fault upgradeFailure: the phase in which the next classic vault upgrade fails.</summary>
    [Parameter(ParameterSetName = FaultSet)]
    [ValidateSet("Validating", "MovingPolicies", "MovingServers", "MovingItems", "MovingRecoveryPoints", "Finalizing")]
    public string? UpgradePhase { get; set; }

    /// <summary>How many requests get the fault.</summary>
    [Parameter(ParameterSetName = FaultSet)]
    [ValidateRange(1, 1000)]
    public int Count { get; set; } = 1;

    /// <summary>Only requests whose path contains this text; with -Fault jobFailure, only on-demand backups and restores of an item whose id contains it.</summary>
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

    /// <summary>Name of a VM to seed.</summary>
    [Parameter(Mandatory = true, ParameterSetName = VirtualMachineSet)]
    [ValidateNotNullOrEmpty]
    public string VirtualMachineName { get; set; } = string.Empty;

    /// <summary>Windows or Linux.</summary>
    [Parameter(ParameterSetName = VirtualMachineSet)]
    [ValidateSet("Windows", "Linux")]
    public string OsType { get; set; } = "Windows";

    /// <summary>Number of data disks (LUN 0..N-1, 128 GB each).</summary>
    [Parameter(ParameterSetName = VirtualMachineSet)]
    [ValidateRange(0, 64)]
    public int DataDiskCount { get; set; } = 1;

    /// <summary>Premium disks.</summary>
    [Parameter(ParameterSetName = VirtualMachineSet)]
    public SwitchParameter Premium { get; set; }

    /// <summary>Encrypted disks.</summary>
    [Parameter(ParameterSetName = VirtualMachineSet)]
    public SwitchParameter Encrypted { get; set; }

    /// <summary>Name of a storage account to seed.</summary>
    [Parameter(Mandatory = true, ParameterSetName = StorageAccountSet)]
    [ValidateNotNullOrEmpty]
    public string StorageAccountName { get; set; } = string.Empty;

    /// <summary>File shares in it.</summary>
    [Parameter(ParameterSetName = StorageAccountSet)]
    [ValidateNotNullOrEmpty]
    public string[] FileShareName { get; set; } = [];

    /// <summary>Existing seeded VM that runs SQL Server.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SqlServerSet)]
    [ValidateNotNullOrEmpty]
    public string SqlVirtualMachineName { get; set; } = string.Empty;

    /// <summary>SQL instance name.</summary>
    [Parameter(ParameterSetName = SqlServerSet)]
    [ValidateNotNullOrEmpty]
    public string SqlInstance { get; set; } = "MSSQLSERVER";

    /// <summary>Databases of the instance.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SqlServerSet)]
    [ValidateNotNullOrEmpty]
    public string[] DatabaseName { get; set; } = [];

    /// <summary>On-premises server with the MARS agent, registered to -VaultId.</summary>
    [Parameter(Mandatory = true, ParameterSetName = MarsServerSet)]
    [Parameter(Mandatory = true, ParameterSetName = MarsCredentialSet)]
    [ValidateNotNullOrEmpty]
    public string MarsServerName { get; set; } = string.Empty;

    /// <summary>
    /// A vault credentials file (Get-RecoveryVaultCredential): the server registers as its MARS agent would, to the
    /// file's vault, after the emulator checked the file against the uploaded certificate and its validity window.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = MarsCredentialSet)]
    [Parameter(Mandatory = true, ParameterSetName = BackupServerCredentialSet)]
    [ValidateNotNullOrEmpty]
    public string VaultCredentialPath { get; set; } = string.Empty;

    /// <summary>
    /// An Azure Backup Server (MABS) or DPM server that registers with a vault credentials file
    /// (Get-RecoveryVaultCredential -Kind BackupServer), as its setup would; it protects -ItemPath on a server of its own name.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = BackupServerCredentialSet)]
    [ValidateNotNullOrEmpty]
    public string BackupServerName { get; set; } = string.Empty;

    /// <summary>AzureBackupServer (MABS) or DPM.</summary>
    [Parameter(ParameterSetName = BackupServerCredentialSet)]
    [ValidateSet("AzureBackupServer", "DPM")]
    public string BackupServerType { get; set; } = "AzureBackupServer";

    /// <summary>Vault the MARS server registers to.</summary>
    [Parameter(Mandatory = true, ParameterSetName = MarsServerSet, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [ValidateNotNullOrEmpty]
    public string VaultId { get; set; } = string.Empty;

    /// <summary>MARS agent version (on a backup server too: it sends its data to Azure with the MARS agent).</summary>
    [Parameter(ParameterSetName = MarsServerSet)]
    [Parameter(ParameterSetName = MarsCredentialSet)]
    [Parameter(ParameterSetName = BackupServerCredentialSet)]
    [Parameter(ParameterSetName = ClassicVaultSet)]
    [ValidateNotNullOrEmpty]
    public string AgentVersion { get; set; } = "2.0.9250.0";

    /// <summary>Folders the agent backs up (data sources of a backup server).</summary>
    [Parameter(ParameterSetName = MarsServerSet)]
    [Parameter(ParameterSetName = MarsCredentialSet)]
    [Parameter(ParameterSetName = BackupServerCredentialSet)]
    [Alias("ProtectedPath")]
    [Parameter(ParameterSetName = ClassicVaultSet)]
    [ValidateNotNullOrEmpty]
    public string[] ItemPath { get; set; } = [@"C:\Data"];

    /// <summary>Classic (Service Manager) Backup vault to create, or to change when it exists.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ClassicVaultSet)]
    [ValidateNotNullOrEmpty]
    public string ClassicVaultName { get; set; } = string.Empty;

    /// <summary>Servers registered to the classic vault (added, or changed by -AgentVersion / -LastSeenDaysAgo when they exist).</summary>
    [Parameter(ParameterSetName = ClassicVaultSet)]
    [ValidateNotNullOrEmpty]
    public string[] ClassicServerName { get; set; } = [];

    /// <summary>Days since the servers last contacted the vault.</summary>
    [Parameter(ParameterSetName = ClassicVaultSet)]
    [ValidateRange(0, 3650)]
    public double? LastSeenDaysAgo { get; set; }

    /// <summary>Days of daily recovery points each new item gets (within its policy's retention).</summary>
    [Parameter(ParameterSetName = ClassicVaultSet)]
    [ValidateRange(0, 3650)]
    public int RecoveryPointDays { get; set; } = 90;

    /// <summary>The classic vault bills by storage (the upgrade must convert it).</summary>
    [Parameter(ParameterSetName = ClassicVaultSet)]
    public SwitchParameter StorageBasedBilling { get; set; }

    /// <summary>The classic vault belongs to a CSP subscription (it cannot be upgraded).</summary>
    [Parameter(ParameterSetName = ClassicVaultSet)]
    public SwitchParameter CspManaged { get; set; }

    /// <summary>Starts a job on the first -ClassicServerName (a Backup of its first -ItemPath).</summary>
    [Parameter(ParameterSetName = ClassicVaultSet)]
    [ValidateSet("Backup", "ConfigureBackup", "Register")]
    public string? RunningJob { get; set; }

    /// <summary>Simulated minutes the -RunningJob takes.</summary>
    [Parameter(ParameterSetName = ClassicVaultSet)]
    [ValidateRange(1, 10080)]
    public int JobMinutes { get; set; } = 30;

    /// <summary>Moves the emulator's simulated clock forward (scheduled backups, retention, jobs run for that span).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ClockSet)]
    public TimeSpan AdvanceClock { get; set; }

    private JsonObject ClassicVaultBody()
    {
        var bound = MyInvocation.BoundParameters;
        var servers = new JsonArray();
        foreach (var server in ClassicServerName)
        {
            var s = new JsonObject { ["name"] = server };
            if (bound.ContainsKey(nameof(AgentVersion)))
            {
                s["agentVersion"] = AgentVersion;
            }
            if (LastSeenDaysAgo is { } days)
            {
                s["lastSeenDaysAgo"] = days;
            }
            if (bound.ContainsKey(nameof(ItemPath)))
            {
                s["items"] = new JsonArray(ItemPath.Select(f => (JsonNode)f).ToArray());
            }
            servers.Add(s);
        }
        var body = new JsonObject { ["name"] = ClassicVaultName, ["servers"] = servers, ["recoveryPointDays"] = RecoveryPointDays };
        if (Location.Length > 0)
        {
            body["location"] = Location;
        }
        if (bound.ContainsKey(nameof(StorageBasedBilling)))
        {
            body["billingModel"] = StorageBasedBilling ? "StorageBased" : "InstanceBased";
        }
        if (bound.ContainsKey(nameof(CspManaged)))
        {
            body["managedByCsp"] = CspManaged.IsPresent;
        }
        if (RunningJob is not null)
        {
            body["runningJobs"] = new JsonArray(new JsonObject
            {
                ["operation"] = RunningJob,
                ["server"] = ClassicServerName.FirstOrDefault(),
                ["item"] = RunningJob == "Backup" && bound.ContainsKey(nameof(ItemPath)) ? ItemPath.FirstOrDefault() : null,
                ["minutes"] = JobMinutes,
            });
        }
        return body;
    }

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
        string? credential = null;
        if (ParameterSetName is MarsCredentialSet or BackupServerCredentialSet)
        {
            var file = GetUnresolvedProviderPathFromPSPath(VaultCredentialPath);
            try
            {
                credential = File.ReadAllText(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(new IOException($"The vault credentials file '{file}' cannot be read: {ex.Message}", ex), ErrorIds.InvalidRequest,
                    ErrorCategory.ReadError, file));
                return;
            }
        }
        var (path, body, what) = ParameterSetName switch
        {
            PrincipalSet => ("/_emulator/principals", new JsonObject { ["displayName"] = PrincipalName, ["tenantId"] = TenantId }, $"principal '{PrincipalName}'"),
            SubscriptionSet => ("/_emulator/subscriptions", new JsonObject { ["subscriptionId"] = SubscriptionId, ["displayName"] = SubscriptionName, ["tenantId"] = TenantId }, $"subscription {SubscriptionId}"),
            TenantSet => ("/_emulator/tenants", new JsonObject { ["tenantId"] = TenantId, ["displayName"] = TenantName }, $"tenant '{TenantName}'"),
            GuestSet => ("/_emulator/guests", new JsonObject { ["clientId"] = GuestClientId, ["tenantId"] = TenantId }, $"guest '{GuestClientId}' in tenant {TenantId}"),
            FaultSet => ("/_emulator/faults/next", new JsonObject
            {
                ["kind"] = Fault, ["count"] = Count, ["retryAfterSeconds"] = RetryAfterSeconds, ["method"] = Method, ["pathContains"] = PathContains, ["phase"] = UpgradePhase,
            }, $"{Count} x fault {Fault}"),
            ClassicVaultSet => ("/_emulator/classicVaults", ClassicVaultBody(), $"classic vault '{ClassicVaultName}'"),
            VirtualMachineSet => ("/_emulator/virtualMachines", new JsonObject
            {
                ["subscriptionId"] = SubscriptionId ?? session.SubscriptionId, ["resourceGroup"] = ResourceGroupName, ["name"] = VirtualMachineName,
                ["location"] = Location.Length == 0 ? null : Location, ["osType"] = OsType, ["premium"] = Premium.IsPresent, ["encrypted"] = Encrypted.IsPresent,
                ["disks"] = new JsonArray(Enumerable.Range(0, DataDiskCount).Select(i => (JsonNode)new JsonObject { ["lun"] = i, ["name"] = $"{VirtualMachineName}-data{i}", ["sizeGB"] = 128 }).ToArray()),
            }, $"virtual machine '{VirtualMachineName}'"),
            StorageAccountSet => ("/_emulator/storageAccounts", new JsonObject
            {
                ["subscriptionId"] = SubscriptionId ?? session.SubscriptionId, ["resourceGroup"] = ResourceGroupName, ["name"] = StorageAccountName,
                ["location"] = Location.Length == 0 ? null : Location, ["fileShares"] = new JsonArray(FileShareName.Select(f => (JsonNode)f).ToArray()),
            }, $"storage account '{StorageAccountName}'"),
            SqlServerSet => ("/_emulator/sqlServers", new JsonObject
            {
                ["subscriptionId"] = SubscriptionId ?? session.SubscriptionId, ["resourceGroup"] = ResourceGroupName, ["vmName"] = SqlVirtualMachineName,
                ["instance"] = SqlInstance, ["databases"] = new JsonArray(DatabaseName.Select(f => (JsonNode)f).ToArray()),
            }, $"SQL Server on '{SqlVirtualMachineName}'"),
            MarsServerSet => ("/_emulator/marsServers", new JsonObject
            {
                ["vaultId"] = VaultId, ["name"] = MarsServerName, ["agentVersion"] = AgentVersion, ["items"] = new JsonArray(ItemPath.Select(f => (JsonNode)f).ToArray()),
            }, $"MARS server '{MarsServerName}'"),
            MarsCredentialSet => ("/_emulator/marsServers", new JsonObject
            {
                ["vaultCredential"] = credential, ["name"] = MarsServerName, ["agentVersion"] = AgentVersion, ["items"] = new JsonArray(ItemPath.Select(f => (JsonNode)f).ToArray()),
            }, $"MARS server '{MarsServerName}' registered with a vault credentials file"),
            BackupServerCredentialSet => ("/_emulator/backupServers", new JsonObject
            {
                ["vaultCredential"] = credential, ["name"] = BackupServerName, ["type"] = BackupServerType, ["agentVersion"] = AgentVersion,
                ["servers"] = new JsonArray(new JsonObject
                {
                    ["name"] = BackupServerName,
                    ["items"] = new JsonArray(ItemPath.Select(f => (JsonNode)new JsonObject { ["name"] = f, ["workloadType"] = "FileFolder" }).ToArray()),
                }),
            }, $"backup server '{BackupServerName}' registered with a vault credentials file"),
            ClockSet => ("/_emulator/clock/advance", new JsonObject
            {
                ["days"] = AdvanceClock.Days, ["hours"] = AdvanceClock.Hours, ["minutes"] = AdvanceClock.Minutes, ["seconds"] = AdvanceClock.Seconds,
            }, $"{AdvanceClock} to the simulated clock"),
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
            using var admin = new EmulatorAdmin(session.Endpoint, session.Request.Thumbprint, session.Client.ServiceClock);
            try
            {
                var result = await admin.SendAsync(HttpMethod.Post, path, body, ct).ConfigureAwait(false);
                if (ParameterSetName == PrincipalSet && result is not null)
                {
                    string S(string n) => result[n]?.GetValue<string>() ?? string.Empty;
                    var secret = new System.Security.SecureString();
                    foreach (var c in S("clientSecret"))
                    {
                        secret.AppendChar(c);
                    }

                    secret.MakeReadOnly();
                    Emit(new EmulatorPrincipal(S("displayName"), S("clientId"), secret, S("objectId")));
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
