// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using RecoveryVault.Engine.Hosting;

namespace RecoveryVault.Internal;

/// <summary>
/// The connection, per runspace. The module's assembly is loaded once per process, but each runspace (a thread job, a
/// ForEach-Object -Parallel iteration, another host tab) must act as whom it signed in as, never as whom another
/// runspace connected (issue 14). <c>Connect-RecoveryVault -Scope Process</c> is the explicit way to share one: it
/// serves every runspace that has no connection of its own.
/// </summary>
internal static class ModuleState
{
    private static readonly ConditionalWeakTable<Runspace, RecoveryVaultSession> s_byRunspace = new();
    private static volatile RecoveryVaultSession? s_process;

    /// <summary>The current runspace's connection (or the process-wide one); set replaces the current runspace's.</summary>
    public static RecoveryVaultSession? Session
    {
        get => For(Runspace.DefaultRunspace);
        set => Set(Runspace.DefaultRunspace, value, processWide: false);
    }

    /// <summary>The connection <paramref name="runspace"/> acts with: its own, else the process-wide one.</summary>
    public static RecoveryVaultSession? For(Runspace? runspace) =>
        runspace is not null && s_byRunspace.TryGetValue(runspace, out var own) ? own : s_process;

    /// <summary>Sets <paramref name="runspace"/>'s connection; with <paramref name="processWide"/> it also becomes the one runspaces without their own use.</summary>
    public static void Set(Runspace? runspace, RecoveryVaultSession? session, bool processWide)
    {
        if (processWide)
        {
            s_process = session;
        }

        if (runspace is null)
        {
            return;
        }

        if (session is null)
        {
            s_byRunspace.Remove(runspace);
        }
        else
        {
            s_byRunspace.AddOrUpdate(runspace, session);
        }
    }

    /// <summary>Forgets <paramref name="runspace"/>'s connection, and the process-wide one when that is what it was using.</summary>
    public static void Disconnect(Runspace? runspace)
    {
        var current = For(runspace);
        if (runspace is not null)
        {
            s_byRunspace.Remove(runspace);
        }

        if (current is not null && ReferenceEquals(current, s_process))
        {
            s_process = null;
        }
    }

    /// <summary>Whether the process-wide connection is the one <paramref name="runspace"/> acts with.</summary>
    public static bool IsProcessWide(Runspace? runspace) => For(runspace) is { } s && ReferenceEquals(s, s_process);
}
