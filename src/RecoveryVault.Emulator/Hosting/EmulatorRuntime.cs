// Copyright (c) RecoveryVault contributors. MIT License.
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using RecoveryVault.Emulator.Arm;
using RecoveryVault.Emulator.Auth;
using RecoveryVault.Emulator.Store;
using RecoveryVault.Emulator.Domain;

namespace RecoveryVault.Emulator.Hosting;

/// <summary>Shared state of one running emulator: store, settings that can change at run time, faults, log, tokens.</summary>
internal sealed class EmulatorRuntime
{
    private int _lroDurationMs;
    private int _pageSize;
    private int _retryAfterSeconds;

    public EmulatorRuntime(IResourceStore store, TokenService tokens, EmulatorOptions options)
    {
        Store = store;
        Tokens = tokens;
        Faults = new FaultInjector(options);
        _lroDurationMs = options.LroDurationMs;
        _pageSize = options.PageSize;
        _retryAfterSeconds = options.RetryAfterSeconds;
        Backup = new Domain.Backup.BackupRuntime(options.ClockRate, options.Seed, options.ClockStart);
        ResourceGraph = new Domain.ResourceGraph.ResourceGraphState(options.ResourceGraphLagSeconds, options.ResourceGraphQuota, TimeSpan.FromSeconds(5));
    }

    /// <summary>Backup simulation: clock, seed, queued job failures.</summary>
    public Domain.Backup.BackupRuntime Backup { get; }

    /// <summary>Resource Graph: freshness lag, index snapshots, per-user quota.</summary>
    public Domain.ResourceGraph.ResourceGraphState ResourceGraph { get; }

    public IResourceStore Store { get; }

    public TokenService Tokens { get; }

    public FaultInjector Faults { get; }

    public RequestLog Requests { get; } = new();

    public ArmRouter Router { get; } = new();

    /// <summary>The spec check of request bodies and answers (set once the host's logging exists).</summary>
    public Validation.ContractGate Contract { get; set; } = null!;

    public string Endpoint { get; set; } = "https://127.0.0.1";

    public string Thumbprint { get; set; } = string.Empty;

    public int LroDurationMs { get => Volatile.Read(ref _lroDurationMs); set => Volatile.Write(ref _lroDurationMs, Math.Max(0, value)); }

    public int PageSize { get => Volatile.Read(ref _pageSize); set => Volatile.Write(ref _pageSize, Math.Max(1, value)); }

    public int RetryAfterSeconds { get => Volatile.Read(ref _retryAfterSeconds); set => Volatile.Write(ref _retryAfterSeconds, Math.Max(0, value)); }

    /// <summary>Puts the fixed seed in place; idempotent so a restart on an existing database keeps its data.</summary>
    public void EnsureSeed()
    {
        Store.Transaction(Seed);
        if (Store.Transaction(global::RecoveryVault.Emulator.Domain.Backup.BackupEngine.LastRun) is { } last)
        {
            Backup.Clock.EnsureNotBefore(last);
        }
    }

    public void Reset()
    {
        Store.Transaction(s =>
        {
            s.Clear();
            Seed(s);
        });
        Faults.Clear();
        Requests.Clear();
        Backup.Reset();
        ResourceGraph.Reset();
    }

    private static void Seed(IStoreSession s)
    {
        Principals.Put(s, EmulatorConstants.OwnerClientId, EmulatorConstants.OwnerClientSecret, EmulatorConstants.OwnerObjectId, EmulatorConstants.OwnerDisplayName, onlyIfMissing: true);
        Subscriptions.Ensure(s, EmulatorConstants.SubscriptionId, EmulatorConstants.SubscriptionDisplayName);
    }
}
