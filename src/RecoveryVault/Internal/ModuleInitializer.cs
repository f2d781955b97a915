// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace RecoveryVault.Internal;

/// <summary>
/// Loads the Engine (and through it Azure.Core, Azure.Identity, MSAL…) from <c>Dependencies/</c> into the module's
/// own <see cref="AssemblyLoadContext"/>, so another module's Azure.Core in the same session cannot clash with ours.
/// Only the Engine's name is resolved from the default context; everything else follows from the Engine's context.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    internal const string EngineAssemblyName = "RecoveryVault.Engine";

    /// <inheritdoc />
    public void OnImport()
    {
        // Every runspace that imports the module (ForEach-Object -Parallel, thread jobs) calls this in the same
        // process; one handler is enough, and a stack of them would each be asked on every failed resolution.
        AssemblyLoadContext.Default.Resolving -= ResolveEngine;
        AssemblyLoadContext.Default.Resolving += ResolveEngine;
    }

    /// <inheritdoc />
    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        AssemblyLoadContext.Default.Resolving -= ResolveEngine;
        EmulatorProcesses.StopAll();
    }

    private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
        name.Name == EngineAssemblyName ? Dependencies.Context.LoadFromAssemblyName(name) : null;

    // A nested holder so the load context is made when the Engine is first asked for, not at import.
    private static class Dependencies
    {
        public static readonly DependencyLoadContext Context =
            new(Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "Dependencies"));
    }
}

/// <summary>The module's private load context over <c>Dependencies/</c>.</summary>
internal sealed class DependencyLoadContext : AssemblyLoadContext
{
    private readonly string _directory;

    public DependencyLoadContext(string directory) : base("RecoveryVault", isCollectible: false) => _directory = directory;

    protected override Assembly? Load(AssemblyName name)
    {
        var path = Path.Combine(_directory, name.Name + ".dll");
        // Missing here means the shared framework has it: let the default context answer.
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = Path.Combine(_directory, unmanagedDllName);
        return File.Exists(path) ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
    }
}
