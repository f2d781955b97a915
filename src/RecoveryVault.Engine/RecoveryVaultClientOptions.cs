// Copyright (c) RecoveryVault contributors. MIT License.
using Azure.Core;

namespace RecoveryVault.Engine;

/// <summary>Options for <see cref="RecoveryVaultClient"/>: endpoint, api-versions, retry and diagnostics.</summary>
public sealed class RecoveryVaultClientOptions : ClientOptions
{
    /// <summary>Default api-version of the vaults API (CONTRACT.md §2).</summary>
    public const string DefaultVaultsApiVersion = "2026-07-01";

    /// <summary>Default api-version of the backup API (CONTRACT.md §3).</summary>
    public const string DefaultBackupApiVersion = "2023-06-01";

    /// <summary>Creates options with Azure Core's retry rules: 3 retries, exponential from 0.8 s, at most 60 s.</summary>
    public RecoveryVaultClientOptions()
    {
        Retry.MaxRetries = 3;
        Retry.Delay = TimeSpan.FromSeconds(0.8);
        Retry.MaxDelay = TimeSpan.FromSeconds(60);
        Retry.Mode = RetryMode.Exponential;
        // The module sends its own User-Agent; Azure's telemetry string would hide it.
        Diagnostics.IsTelemetryEnabled = false;
    }

    /// <summary>The cloud or custom endpoint.</summary>
    public RecoveryVaultEnvironment Environment { get; set; } = RecoveryVaultEnvironment.AzureCloud;

    /// <summary>api-version for Microsoft.RecoveryServices/vaults.</summary>
    public string VaultsApiVersion { get; set; } = DefaultVaultsApiVersion;

    /// <summary>api-version for the backup API.</summary>
    public string BackupApiVersion { get; set; } = DefaultBackupApiVersion;

    /// <summary>api-version for Microsoft.Resources.</summary>
    public string ResourcesApiVersion { get; set; } = "2021-04-01";

    /// <summary>api-version of the classic Backup vault surface (Microsoft.Backup/classicVaults) the upgrade reads.</summary>
    public string ClassicApiVersion { get; set; } = "2015-03-15";

    /// <summary>api-version for Microsoft.Authorization.</summary>
    public string AuthorizationApiVersion { get; set; } = "2022-04-01";

    /// <summary>api-version for Microsoft.DataProtection resource guards.</summary>
    public string DataProtectionApiVersion { get; set; } = "2026-06-01";

    /// <summary>api-version for Azure Resource Graph (resourcegraph.json).</summary>
    public string ResourceGraphApiVersion { get; set; } = "2024-04-01";

    /// <summary>
    /// SHA-1 thumbprint of the one server certificate this client trusts besides the system store (the emulator's).
    /// Validation is only relaxed for a certificate with exactly this thumbprint and only for this client.
    /// </summary>
    public string? PinnedCertificateThumbprint { get; set; }

    /// <summary>The product part of the User-Agent after RecoveryVault/version, e.g. "PowerShell/7.6.9".</summary>
    public string? UserAgentSuffix { get; set; }

    /// <summary>Called for every HTTP exchange (after each attempt). Never carries the Authorization header.</summary>
    public Action<RequestLogEntry>? RequestLog { get; set; }

    /// <summary>
    /// How long one request may wait out throttling (429, or 503 with Retry-After) in all before the failure is
    /// shown; default 2 minutes. Waits follow the service's Retry-After and are shared by every call of the client.
    /// </summary>
    public TimeSpan RetryBudget { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The shortest wait between LRO polls when the service gives no Retry-After (tests lower it).</summary>
    public TimeSpan MinimumPollInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>One HTTP exchange as the module's -Verbose/-Debug output shows it.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Uri">Full request URI.</param>
/// <param name="Status">Status code, or 0 for a network failure.</param>
/// <param name="RequestId">x-ms-request-id of the response.</param>
/// <param name="ClientRequestId">x-ms-client-request-id sent.</param>
/// <param name="Elapsed">Time for this attempt.</param>
/// <param name="RequestHeaders">Request headers with Authorization redacted.</param>
/// <param name="Error">Network failure text, if any.</param>
public sealed record RequestLogEntry(string Method, string Uri, int Status, string? RequestId, string? ClientRequestId,
    TimeSpan Elapsed, IReadOnlyList<KeyValuePair<string, string>> RequestHeaders, string? Error);
