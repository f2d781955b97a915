// Copyright (c) RecoveryVault contributors. MIT License.

namespace RecoveryVault.HelpCompiler;

/// <summary>Plain-text paragraph ready for MAML or about text; Kind decides how it is laid out.</summary>
internal sealed record TextBlock(TextBlockKind Kind, string Text, int Depth = 0, string Marker = "");

internal enum TextBlockKind
{
    Paragraph,
    Code,
    ListItem,
    Heading,
}

internal sealed record CommandHelp(
    string Name,
    string Verb,
    string Noun,
    string? OnlineVersion,
    IReadOnlyList<TextBlock> Synopsis,
    IReadOnlyList<TextBlock> Description,
    IReadOnlyList<SyntaxSet> ParameterSets,
    IReadOnlyList<ParameterHelp> Parameters,
    bool SupportsCommonParameters,
    IReadOnlyList<TypeHelp> Inputs,
    IReadOnlyList<TypeHelp> Outputs,
    IReadOnlyList<TextBlock> Notes,
    IReadOnlyList<ExampleHelp> Examples,
    IReadOnlyList<RelatedLink> RelatedLinks);

/// <param name="ParameterOrder">Parameter names in the order the SYNTAX code block lists them.</param>
/// <param name="Line">0-based line of the set's heading, kept so cross-checks can point at the right set.</param>
internal sealed record SyntaxSet(string Name, bool IsDefault, IReadOnlyList<string> ParameterOrder, int Line);

internal sealed record ParameterHelp(string Name, IReadOnlyList<TextBlock> Description, IReadOnlyList<ParameterMetadata> Metadata)
{
    /// <summary>
    /// platyPS allows one yaml block per group of parameter sets when Required/Position differ between sets,
    /// so the block that applies depends on the set being rendered.
    /// </summary>
    public ParameterMetadata? ForSet(string setName) =>
        this.Metadata.FirstOrDefault(m => m.AllSets || m.ParameterSets.Contains(setName, StringComparer.OrdinalIgnoreCase));
}

internal sealed record ParameterMetadata(
    string Type,
    bool AllSets,
    IReadOnlyList<string> ParameterSets,
    IReadOnlyList<string> Aliases,
    IReadOnlyList<string> AcceptedValues,
    bool Required,
    string Position,
    string DefaultValue,
    string PipelineInput,
    bool Globbing,
    int Line)
{
    public bool IsSwitch =>
        this.Type.Equals("SwitchParameter", StringComparison.OrdinalIgnoreCase)
        || this.Type.Equals("System.Management.Automation.SwitchParameter", StringComparison.OrdinalIgnoreCase);
}

internal sealed record TypeHelp(string TypeName, IReadOnlyList<TextBlock> Description);

internal sealed record ExampleHelp(string Title, string Code, IReadOnlyList<TextBlock> Remarks);

internal sealed record RelatedLink(string Text, string Uri);
