// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using System.Net;
using RecoveryVault.Engine.Hosting;
using RecoveryVault.Internal;
using RecoveryVault.Models;

namespace RecoveryVault.Commands;

/// <summary>Signs in to Azure (or the local emulator) and sets the session's default subscription.</summary>
[Cmdlet(VerbsCommunications.Connect, "RecoveryVault", DefaultParameterSetName = DefaultSet)]
[OutputType(typeof(ConnectionContext))]
public sealed class ConnectRecoveryVaultCommand : RecoveryVaultCmdletBase
{
    private const string DefaultSet = "Default";
    private const string IdentitySet = "ManagedIdentity";
    private const string SecretSet = "ServicePrincipalSecret";
    private const string CertificateSet = "ServicePrincipalCertificate";
    private const string DeviceCodeSet = "DeviceCode";
    private const string EmulatorSet = "Emulator";
    private const string EmulatorInstanceSet = "EmulatorInstance";
    private const string AccessTokenSet = "AccessToken";

    // Below this, a runbook step that starts now may well outlive the token: worth a warning, not a refusal.
    private static readonly TimeSpan s_shortLifetime = TimeSpan.FromMinutes(5);

    /// <summary>Use a managed identity (runbooks, Azure VMs).</summary>
    [Parameter(Mandatory = true, ParameterSetName = IdentitySet)]
    public SwitchParameter Identity { get; set; }

    /// <summary>Sign in as a service principal.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SecretSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
    public SwitchParameter ServicePrincipal { get; set; }

    /// <summary>Use the device code flow.</summary>
    [Parameter(Mandatory = true, ParameterSetName = DeviceCodeSet)]
    public SwitchParameter UseDeviceAuthentication { get; set; }

    /// <summary>A bearer token for ARM obtained elsewhere (e.g. Get-AzAccessToken); used as is until it expires.</summary>
    [Parameter(Mandatory = true, ParameterSetName = AccessTokenSet)]
    [ValidateNotNull]
    public System.Security.SecureString? AccessToken { get; set; }

    /// <summary>The account to show for -AccessToken (default: read from the token's claims).</summary>
    [Parameter(ParameterSetName = AccessTokenSet)]
    [ValidateNotNullOrEmpty]
    public string? AccountId { get; set; }

    /// <summary>Connect to the local emulator.</summary>
    [Parameter(Mandatory = true, ParameterSetName = EmulatorSet)]
    public SwitchParameter Emulator { get; set; }

    /// <summary>The emulator endpoint, e.g. https://127.0.0.1:5443 (with -AccessToken: any custom ARM endpoint).</summary>
    [Parameter(Mandatory = true, ParameterSetName = EmulatorSet)]
    [Parameter(ParameterSetName = AccessTokenSet)]
    [ValidateNotNull]
    public Uri? Endpoint { get; set; }

    /// <summary>The emulator certificate thumbprint to pin.</summary>
    [Parameter(ParameterSetName = EmulatorSet)]
    [Parameter(ParameterSetName = AccessTokenSet)]
    [ValidateNotNullOrEmpty]
    public string? Thumbprint { get; set; }

    /// <summary>The object Start-RecoveryVaultEmulator returned.</summary>
    [Parameter(Mandatory = true, ParameterSetName = EmulatorInstanceSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public EmulatorInstance? EmulatorInstance { get; set; }

    /// <summary>Service principal (user name = client id, password = secret); for the emulator, another principal.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SecretSet)]
    [Parameter(ParameterSetName = EmulatorSet)]
    [Parameter(ParameterSetName = EmulatorInstanceSet)]
    [Credential]
    [ValidateNotNull]
    public PSCredential? Credential { get; set; }

    /// <summary>Client id (certificate sign-in, or a user-assigned managed identity).</summary>
    [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
    [Parameter(ParameterSetName = IdentitySet)]
    [Parameter(ParameterSetName = DeviceCodeSet)]
    [ValidateNotNullOrEmpty]
    public string? ClientId { get; set; }

    /// <summary>PEM or PFX file of the service principal's certificate.</summary>
    [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
    [ValidateNotNullOrEmpty]
    public string? CertificatePath { get; set; }

    /// <summary>Password of a PFX file.</summary>
    [Parameter(ParameterSetName = CertificateSet)]
    public System.Security.SecureString? CertificatePassword { get; set; }

    /// <summary>Tenant id: the tenant to sign in to, which for a multi-tenant service principal is the customer's.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [Parameter(Mandatory = true, ParameterSetName = SecretSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
    [Parameter(ParameterSetName = DeviceCodeSet)]
    [Parameter(ParameterSetName = AccessTokenSet)]
    [Parameter(ParameterSetName = EmulatorSet)]
    [Parameter(ParameterSetName = EmulatorInstanceSet)]
    [Alias("Tenant")]
    [ValidateNotNullOrEmpty]
    public string? TenantId { get; set; }

    /// <summary>Default subscription for later cmdlets.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SubscriptionId { get; set; }

    /// <summary>Azure cloud.</summary>
    [Parameter(ParameterSetName = DefaultSet)]
    [Parameter(ParameterSetName = IdentitySet)]
    [Parameter(ParameterSetName = SecretSet)]
    [Parameter(ParameterSetName = CertificateSet)]
    [Parameter(ParameterSetName = DeviceCodeSet)]
    [Parameter(ParameterSetName = AccessTokenSet)]
    [ValidateSet("AzureCloud", "AzureChinaCloud", "AzureUSGovernment")]
    public string Environment { get; set; } = "AzureCloud";

    /// <summary>
    /// Runspace (default): the connection serves this runspace only, so thread jobs and ForEach-Object -Parallel
    /// iterations each act as whom they signed in as. Process: it also serves every runspace of this process that has
    /// no connection of its own (the explicit way to share one with thread jobs and parallel iterations).
    /// </summary>
    [Parameter]
    [ValidateSet("Runspace", "Process")]
    public string Scope { get; set; } = "Runspace";

    /// <summary>
    /// How long one request may wait when the service throttles (429, or 503 with Retry-After) before the failure
    /// is shown, e.g. <c>(New-TimeSpan -Minutes 5)</c> or <c>'00:05:00'</c>; default 2 minutes, <c>0</c> shows it at once.
    /// The waits are shared by every call of the connection, so a fan-out slows down together.
    /// </summary>
    [Parameter]
    public TimeSpan? RetryBudget { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        // A bare number binds as ticks ('-RetryBudget 300' is 30 microseconds): refuse what cannot have been meant.
        if (RetryBudget is { } budget && (budget < TimeSpan.Zero || (budget > TimeSpan.Zero && budget < TimeSpan.FromSeconds(1)) || budget > TimeSpan.FromDays(1)))
        {
            ThrowTerminatingError(InputError($"-RetryBudget {budget} is not between 1 second and 1 day (or 0). Give a TimeSpan such as (New-TimeSpan -Minutes 5) or '00:05:00'.",
                ErrorIds.InvalidRequest, budget));
        }
        base.BeginProcessing();
    }

    /// <inheritdoc />
    protected override void ProcessRecord() => Run(async ct =>
    {
        var request = await BuildRequestAsync(ct).ConfigureAwait(false);
        request.RetryBudget = RetryBudget;
        var session = await RecoveryVaultSession.ConnectAsync(request, ct).ConfigureAwait(false);
        ModuleState.Set(CurrentRunspace, session, processWide: Scope == "Process");
        if (session.TokenExpiresOn is { } expires)
        {
            var left = expires - DateTimeOffset.UtcNow;
            var text = $"The access token expires at {expires.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC; it cannot be renewed, so connect again with a new token after that.";
            if (left < s_shortLifetime)
            {
                EmitWarning(text);
            }
            else
            {
                EmitVerbose(text);
            }
        }
        Emit(new ConnectionContext(session));
    });

    private async Task<ConnectRequest> BuildRequestAsync(CancellationToken ct)
    {
        var ua = $"PowerShell/{PSVersion()}";
        string? secret = Credential is null ? null : new NetworkCredential(string.Empty, Credential.Password).Password;
        switch (ParameterSetName)
        {
            case EmulatorSet:
            case EmulatorInstanceSet:
                var endpoint = EmulatorInstance is not null ? new Uri(EmulatorInstance.Endpoint) : Endpoint!;
                var thumbprint = EmulatorInstance?.Thumbprint ?? Thumbprint;
                // -TenantId: a principal of another emulator tenant (the Security admin of a cross-tenant resource guard).
                string? tenant = TenantId ?? EmulatorInstance?.TenantId;
                string? subscription = SubscriptionId ?? EmulatorInstance?.SubscriptionId;
                if (tenant is null)
                {
                    // Only the endpoint was given: the emulator tells its tenant and subscription.
                    using var admin = new EmulatorAdmin(endpoint, thumbprint);
                    var health = await admin.SendAsync(HttpMethod.Get, "/_emulator/health", null, ct).ConfigureAwait(false);
                    tenant = health?["tenantId"]?.GetValue<string>();
                    subscription ??= health?["subscriptionId"]?.GetValue<string>();
                    thumbprint ??= health?["thumbprint"]?.GetValue<string>();
                }
                return new ConnectRequest
                {
                    Kind = AuthKind.Emulator,
                    Endpoint = endpoint,
                    Thumbprint = thumbprint,
                    TenantId = tenant,
                    SubscriptionId = subscription,
                    ClientId = Credential?.UserName ?? EmulatorInstance?.ClientId ?? "rv-owner",
                    ClientSecret = secret ?? EmulatorInstance?.ClientSecret ?? "rv-owner-secret",
                    UserAgentSuffix = ua,
                    // The emulator answers LROs in well under a second; poll it briskly when it gives no hint.
                    MinimumPollInterval = TimeSpan.FromMilliseconds(200),
                };
            case AccessTokenSet:
                return new ConnectRequest
                {
                    Kind = AuthKind.AccessToken, AccessToken = AccessToken, AccountId = AccountId, TenantId = TenantId,
                    SubscriptionId = SubscriptionId, EnvironmentName = Environment, Endpoint = Endpoint, Thumbprint = Thumbprint,
                    UserAgentSuffix = ua,
                };
            case IdentitySet:
                return new ConnectRequest { Kind = AuthKind.ManagedIdentity, ClientId = ClientId, SubscriptionId = SubscriptionId, EnvironmentName = Environment, UserAgentSuffix = ua };
            case SecretSet:
                return new ConnectRequest
                {
                    Kind = AuthKind.ClientSecret, TenantId = TenantId, ClientId = Credential!.UserName, ClientSecret = secret,
                    SubscriptionId = SubscriptionId, EnvironmentName = Environment, UserAgentSuffix = ua,
                };
            case CertificateSet:
                return new ConnectRequest
                {
                    Kind = AuthKind.ClientCertificate, TenantId = TenantId, ClientId = ClientId,
                    CertificatePath = GetUnresolvedProviderPathFromPSPath(CertificatePath),
                    CertificatePassword = CertificatePassword is null ? null : new NetworkCredential(string.Empty, CertificatePassword).Password,
                    SubscriptionId = SubscriptionId, EnvironmentName = Environment, UserAgentSuffix = ua,
                };
            case DeviceCodeSet:
                return new ConnectRequest
                {
                    Kind = AuthKind.DeviceCode, TenantId = TenantId, ClientId = ClientId, SubscriptionId = SubscriptionId,
                    EnvironmentName = Environment, UserAgentSuffix = ua, DeviceCodePrompt = m => EmitWarning(m),
                };
            default:
                return new ConnectRequest { Kind = AuthKind.Default, TenantId = TenantId, SubscriptionId = SubscriptionId, EnvironmentName = Environment, UserAgentSuffix = ua };
        }
    }

    private string PSVersion()
    {
        // $PSVersionTable lives in the session; the host version is the console's, not PowerShell's.
        var table = SessionState.PSVariable.GetValue("PSVersionTable") as System.Collections.Hashtable;
        return table?["PSVersion"]?.ToString() ?? "7";
    }
}
