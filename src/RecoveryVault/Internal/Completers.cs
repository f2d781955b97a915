// Copyright (c) RecoveryVault contributors. MIT License.
using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace RecoveryVault.Internal;

/// <summary>Completes vault names (of the -ResourceGroupName given, if any).</summary>
public sealed class VaultNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var session = ModuleState.Session;
        if (session is null)
        {
            return [];
        }
        var rg = fakeBoundParameters["ResourceGroupName"] as string;
        return Completion.Collect(ct => session.ListVaultsAsync(null, rg, ct), v => v.Name, wordToComplete);
    }
}

/// <summary>Completes resource group names.</summary>
public sealed class ResourceGroupCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var session = ModuleState.Session;
        return session is null ? [] : Completion.Collect(ct => session.ListResourceGroupsAsync(null, ct), g => g.Name, wordToComplete);
    }
}

internal static class Completion
{
    // Completion has no pipeline to pump and must not hang the prompt: a short, bounded wait is the right trade.
    // The name selector is applied here rather than with LINQ: async LINQ is built into .NET 10 only, and the module
    // targets .NET 8 (PowerShell 7.4).
    public static IEnumerable<CompletionResult> Collect<T>(Func<CancellationToken, IAsyncEnumerable<T>> source, Func<T, string?> name, string word)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var pattern = new WildcardPattern((word ?? string.Empty).Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        var task = Task.Run(async () =>
        {
            var names = new List<string>();
            await foreach (var item in source(cts.Token).ConfigureAwait(false))
            {
                var n = name(item) ?? string.Empty;
                if (pattern.IsMatch(n))
                {
                    names.Add(n);
                }
            }
            return names;
        });
        try
        {
            if (!task.Wait(TimeSpan.FromSeconds(3)))
            {
                return [];
            }
        }
        catch (AggregateException)
        {
            return [];
        }
        return task.Result.Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
            .Select(n => new CompletionResult(n.Contains(' ', StringComparison.Ordinal) ? $"'{n}'" : n));
    }
}
