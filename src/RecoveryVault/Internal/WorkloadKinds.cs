// Copyright (c) RecoveryVault contributors. MIT License.
using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using RecoveryVault.Engine.Backup;

namespace RecoveryVault.Internal;

/// <summary>
/// -Kind accepts the names of the Engine's workload catalogue (all kinds, or only those Azure can protect), so a new
/// kind needs no edit here. A ValidateSet would copy the list into every cmdlet.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateWorkloadKindAttribute : ValidateArgumentsAttribute
{
    /// <summary>Only kinds that can be protected from Azure (not MARS).</summary>
    public bool ProtectableOnly { get; set; }

    /// <summary>The accepted names (as a ValidateSet would list them; help and tests read them).</summary>
    public IReadOnlyList<string> ValidValues => Allowed(ProtectableOnly).Select(k => k.Name).ToArray();

    internal static IEnumerable<WorkloadDescriptor> Allowed(bool protectableOnly) =>
        WorkloadCatalogue.All.Where(k => !protectableOnly || k.Protectable);

    /// <inheritdoc />
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var value = arguments?.ToString();
        if (!Allowed(ProtectableOnly).Any(k => string.Equals(k.Name, value, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ValidationMetadataException($"'{value}' is not a workload kind here; use one of: {string.Join(", ", Allowed(ProtectableOnly).Select(k => k.Name))}.");
        }
    }
}

/// <summary>Completes -Kind from the workload catalogue.</summary>
public sealed class WorkloadKindCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        WorkloadCatalogue.Names.Where(n => n.StartsWith(wordToComplete ?? string.Empty, StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
}
