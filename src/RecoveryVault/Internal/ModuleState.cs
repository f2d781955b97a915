// Copyright (c) RecoveryVault contributors. MIT License.
using RecoveryVault.Engine.Hosting;

namespace RecoveryVault.Internal;

/// <summary>Per-process module state: the current connection.</summary>
internal static class ModuleState
{
    private static volatile RecoveryVaultSession? s_session;

    public static RecoveryVaultSession? Session
    {
        get => s_session;
        set => s_session = value;
    }
}
