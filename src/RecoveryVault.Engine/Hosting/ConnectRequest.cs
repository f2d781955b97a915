// Copyright (c) RecoveryVault contributors. MIT License.
namespace RecoveryVault.Engine.Hosting;

/// <summary>How to authenticate.</summary>
public enum AuthKind
{
    /// <summary>DefaultAzureCredential.</summary>
    Default,
    /// <summary>Managed identity (runbooks, VMs).</summary>
    ManagedIdentity,
    /// <summary>Service principal with a secret.</summary>
    ClientSecret,
    /// <summary>Service principal with a certificate.</summary>
    ClientCertificate,
    /// <summary>Device code flow.</summary>
    DeviceCode,
    /// <summary>The local emulator's client-credentials endpoint.</summary>
    Emulator,
    /// <summary>A bearer token obtained elsewhere (Get-AzAccessToken in a runbook); used until it expires.</summary>
    AccessToken,
}

/// <summary>Everything Connect-RecoveryVault collects, in plain types.</summary>
public sealed class ConnectRequest
{
    /// <summary>Auth kind.</summary>
    public AuthKind Kind { get; init; }

    /// <summary>AzureCloud, AzureChinaCloud, AzureUSGovernment (ignored with <see cref="Endpoint"/>).</summary>
    public string EnvironmentName { get; init; } = "AzureCloud";

    /// <summary>Custom ARM endpoint (the emulator's).</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>Certificate thumbprint to pin (emulator).</summary>
    public string? Thumbprint { get; init; }

    /// <summary>Tenant.</summary>
    public string? TenantId { get; init; }

    /// <summary>Default subscription.</summary>
    public string? SubscriptionId { get; init; }

    /// <summary>Client (application) id, or the managed identity's client id.</summary>
    public string? ClientId { get; init; }

    /// <summary>Client secret.</summary>
    public string? ClientSecret { get; init; }

    /// <summary>Path of a PEM/PFX certificate for a service principal.</summary>
    public string? CertificatePath { get; init; }

    /// <summary>Password of the certificate file.</summary>
    public string? CertificatePassword { get; init; }

    /// <summary>The bearer token for <see cref="AuthKind.AccessToken"/>; a SecureString so it is never shown.</summary>
    public System.Security.SecureString? AccessToken { get; init; }

    /// <summary>The account name to show for <see cref="AuthKind.AccessToken"/> (else read from the token).</summary>
    public string? AccountId { get; init; }

    /// <summary>Shows the device code prompt.</summary>
    public Action<string>? DeviceCodePrompt { get; init; }

    /// <summary>"PowerShell/x.y.z" for the User-Agent.</summary>
    public string? UserAgentSuffix { get; init; }

    /// <summary>Lower bound between LRO polls when the service gives no Retry-After.</summary>
    public TimeSpan? MinimumPollInterval { get; init; }

    /// <summary>How long one request may wait out throttling in all (default: the client's 2 minutes).</summary>
    public TimeSpan? RetryBudget { get; set; }

    /// <summary>Retry delay base (tests lower it; default 0.8 s).</summary>
    public TimeSpan? RetryDelay { get; init; }
}
