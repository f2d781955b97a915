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
        return Completion.Collect(ct => session.ListVaultsAsync(null, rg, ct).Select(v => v.Name ?? string.Empty), wordToComplete);
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
        return session is null ? [] : Completion.Collect(ct => session.ListResourceGroupsAsync(null, ct).Select(g => g.Name ?? string.Empty), wordToComplete);
    }
}

internal static class Completion
{
    // Completion has no pipeline to pump and must not hang the prompt: a short, bounded wait is the right trade.
    public static IEnumerable<CompletionResult> Collect(Func<CancellationToken, IAsyncEnumerable<string>> source, string word)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var pattern = new WildcardPattern((word ?? string.Empty).Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        var task = Task.Run(async () =>
        {
            var names = new List<string>();
            await foreach (var n in source(cts.Token).ConfigureAwait(false))
            {
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
