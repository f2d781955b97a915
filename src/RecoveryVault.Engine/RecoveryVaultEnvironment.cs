// Copyright (c) RecoveryVault contributors. MIT License.
namespace RecoveryVault.Engine;

/// <summary>An Azure cloud (or a custom ARM endpoint such as the emulator): where ARM is and which token audience it wants.</summary>
public sealed class RecoveryVaultEnvironment
{
    /// <summary>Creates an environment.</summary>
    public RecoveryVaultEnvironment(string name, Uri resourceManagerEndpoint, string audience, Uri authorityHost)
    {
        Name = name;
        ResourceManagerEndpoint = resourceManagerEndpoint;
        Audience = audience;
        AuthorityHost = authorityHost;
    }

    /// <summary>Environment name.</summary>
    public string Name { get; }

    /// <summary>ARM endpoint.</summary>
    public Uri ResourceManagerEndpoint { get; }

    /// <summary>Token audience (the scope is audience + "/.default").</summary>
    public string Audience { get; }

    /// <summary>Entra ID authority host.</summary>
    public Uri AuthorityHost { get; }

    /// <summary>The token scope for ARM.</summary>
    public string DefaultScope => Audience.TrimEnd('/') + "/.default";

    /// <summary>Global Azure.</summary>
    public static RecoveryVaultEnvironment AzureCloud { get; } = new("AzureCloud",
        new Uri("https://management.azure.com"), "https://management.azure.com", new Uri("https://login.microsoftonline.com"));

    /// <summary>Azure operated by 21Vianet.</summary>
    public static RecoveryVaultEnvironment AzureChinaCloud { get; } = new("AzureChinaCloud",
        new Uri("https://management.chinacloudapi.cn"), "https://management.chinacloudapi.cn", new Uri("https://login.chinacloudapi.cn"));

    /// <summary>Azure Government.</summary>
    public static RecoveryVaultEnvironment AzureUSGovernment { get; } = new("AzureUSGovernment",
        new Uri("https://management.usgovcloudapi.net"), "https://management.usgovcloudapi.net", new Uri("https://login.microsoftonline.us"));

    /// <summary>The known cloud names.</summary>
    public static IReadOnlyList<RecoveryVaultEnvironment> KnownEnvironments { get; } = [AzureCloud, AzureChinaCloud, AzureUSGovernment];

    /// <summary>Finds a known environment by name (case-insensitive).</summary>
    public static RecoveryVaultEnvironment FromName(string name) =>
        KnownEnvironments.FirstOrDefault(e => e.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown Azure environment '{name}'. Known: {string.Join(", ", KnownEnvironments.Select(e => e.Name))}.", nameof(name));

    /// <summary>A custom ARM endpoint whose tokens are issued by the same host (the emulator's layout).</summary>
    public static RecoveryVaultEnvironment Custom(Uri endpoint) => new("Custom", endpoint, endpoint.GetLeftPart(UriPartial.Authority), endpoint);
}
