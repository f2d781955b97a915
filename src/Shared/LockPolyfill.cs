// Copyright (c) RecoveryVault contributors. MIT License.
#if !NET9_0_OR_GREATER
namespace System.Threading;

/// <summary>
/// .NET 9's <c>System.Threading.Lock</c> does not exist on net8.0, which the shipped assemblies target so that
/// PowerShell 7.4 can load them. The C# compiler turns <c>lock</c> on a type of this name into
/// <c>using (x.EnterScope())</c>, so this stand-in gives the same mutual exclusion through <see cref="Monitor"/>,
/// which is what <c>lock</c> on a plain object used before .NET 9. The code that uses it stays unchanged.
/// </summary>
internal sealed class Lock
{
    // Monitor is taken on a separate object: the compiler rightly warns when a Lock itself is used as a monitor.
    private readonly object _monitor = new();

    public Scope EnterScope()
    {
        Monitor.Enter(_monitor);
        return new Scope(_monitor);
    }

    public ref struct Scope
    {
        private readonly object _monitor;

        internal Scope(object monitor) => _monitor = monitor;

        public readonly void Dispose() => Monitor.Exit(_monitor);
    }
}
#endif
