// Copyright (c) RecoveryVault contributors. MIT License.

using System.Text.RegularExpressions;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace RecoveryVault.HelpCompiler;

/// <summary>
/// Reads one platyPS v1 (schema 2.0.0) command page. Problems are reported to the bag rather than thrown so that
/// a single run lists every broken page; the returned model is null whenever the page had an error.
/// </summary>
internal static partial class CommandDocParser
{
    private static readonly string[] KnownSections =
        ["SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS"];

    /// <param name="expectedHelpFile">When set, the page's 'external help file' must name it, so a page copied from
    /// another module cannot silently end up in this module's help.</param>
    public static CommandHelp? Parse(string markdown, string file, DiagnosticBag diagnostics, string? expectedHelpFile = null)
    {
        var errorsBefore = diagnostics.Items.Count;
        var document = MarkdownText.Parse(markdown);
        var frontMatter = ParseFrontMatter(document, file, diagnostics);
        if (expectedHelpFile is not null
            && frontMatter.TryGetValue("external help file", out var helpFile)
            && !helpFile.Equals(expectedHelpFile, StringComparison.OrdinalIgnoreCase))
        {
            var line = document.OfType<YamlFrontMatterBlock>().First().Line;
            diagnostics.Error(file, line, $"'external help file: {helpFile}' does not match the help file being built, '{expectedHelpFile}'");
        }

        var title = document.OfType<HeadingBlock>().FirstOrDefault(h => h.Level == 1);
        if (title is null)
        {
            diagnostics.Error(file, 0, "missing '# Verb-Noun' title heading");
            return null;
        }

        var name = MarkdownText.InlineText(title.Inline);
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || dash == name.Length - 1 || name.Contains(' ', StringComparison.Ordinal))
        {
            diagnostics.Error(file, title.Line, $"title '{name}' is not a Verb-Noun command name");
            return null;
        }

        var expectedName = Path.GetFileNameWithoutExtension(file);
        if (!string.Equals(expectedName, name, StringComparison.OrdinalIgnoreCase))
        {
            diagnostics.Error(file, title.Line, $"title '{name}' does not match the file name '{expectedName}'");
        }

        var sections = SplitSections(document, title, file, diagnostics);

        var synopsis = RequireText(sections, "SYNOPSIS", title.Line, file, diagnostics);
        var syntax = sections.TryGetValue("SYNTAX", out var syntaxSection)
            ? ParseSyntax(syntaxSection, file, diagnostics)
            : [];
        if (syntaxSection is null)
        {
            diagnostics.Error(file, title.Line, "missing '## SYNTAX' section");
        }

        var description = sections.TryGetValue("DESCRIPTION", out var descriptionSection)
            ? MarkdownText.ToTextBlocks(descriptionSection.Blocks)
            : [];

        var supportsCommon = false;
        var parameters = sections.TryGetValue("PARAMETERS", out var parameterSection)
            ? ParseParameters(parameterSection, file, diagnostics, out supportsCommon)
            : [];

        var examples = sections.TryGetValue("EXAMPLES", out var exampleSection)
            ? ParseExamples(exampleSection, file, diagnostics)
            : [];

        var inputs = sections.TryGetValue("INPUTS", out var inputSection) ? ParseTypes(inputSection, file, diagnostics) : [];
        var outputs = sections.TryGetValue("OUTPUTS", out var outputSection) ? ParseTypes(outputSection, file, diagnostics) : [];
        var notes = sections.TryGetValue("NOTES", out var noteSection) ? MarkdownText.ToTextBlocks(noteSection.Blocks) : [];
        var links = sections.TryGetValue("RELATED LINKS", out var linkSection) ? ParseLinks(linkSection) : [];

        CrossCheckParameterSets(syntax, parameters, syntaxSection, file, diagnostics);

        if (diagnostics.Items.Count > errorsBefore)
        {
            return null;
        }

        frontMatter.TryGetValue("online version", out var online);
        return new CommandHelp(
            name,
            name[..dash],
            name[(dash + 1)..],
            string.IsNullOrWhiteSpace(online) ? null : online,
            synopsis,
            description,
            syntax,
            parameters,
            supportsCommon,
            inputs,
            outputs,
            notes,
            examples,
            links);
    }

    public static Dictionary<string, string> ParseFrontMatter(MarkdownDocument document, string file, DiagnosticBag diagnostics)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var block = document.OfType<YamlFrontMatterBlock>().FirstOrDefault();
        if (block is null)
        {
            diagnostics.Error(file, 0, "missing YAML front matter (--- block with 'schema: 2.0.0')");
            return values;
        }

        foreach (var (key, value, _) in ReadYamlLines(block))
        {
            values[key] = value;
        }

        if (!values.TryGetValue("schema", out var schema) || schema != "2.0.0")
        {
            diagnostics.Error(file, block.Line, "front matter must declare 'schema: 2.0.0' (platyPS v1 format)");
        }

        return values;
    }

    /// <summary>platyPS yaml is flat 'Key: Value' pairs, so a full YAML parser would add a dependency for nothing.</summary>
    internal static IEnumerable<(string Key, string Value, int Line)> ReadYamlLines(LeafBlock block)
    {
        // Front matter blocks include their --- fences; fenced code blocks start one line after the ``` line.
        var firstLine = block is FencedCodeBlock ? block.Line + 1 : block.Line;
        for (var i = 0; i < block.Lines.Count; i++)
        {
            var text = block.Lines.Lines[i].Slice.ToString();
            var trimmed = text.Trim();
            if (trimmed.Length == 0 || trimmed == "---" || trimmed.StartsWith('#'))
            {
                continue;
            }

            var colon = trimmed.IndexOf(':', StringComparison.Ordinal);
            var key = colon < 0 ? trimmed : trimmed[..colon].Trim();
            var value = colon < 0 ? string.Empty : trimmed[(colon + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '\'' || value[0] == '"') && value[^1] == value[0])
            {
                value = value[1..^1];
            }

            yield return (colon < 0 ? string.Empty : key, colon < 0 ? trimmed : value, firstLine + i);
        }
    }

    private sealed record Section(string Name, HeadingBlock Heading, List<Block> Blocks);

    private sealed record SubSection(HeadingBlock Heading, string Title, List<Block> Blocks);

    private static Dictionary<string, Section> SplitSections(MarkdownDocument document, HeadingBlock title, string file, DiagnosticBag diagnostics)
    {
        var sections = new Dictionary<string, Section>(StringComparer.OrdinalIgnoreCase);
        Section? current = null;
        var seenTitle = false;
        foreach (var block in document)
        {
            if (block is YamlFrontMatterBlock)
            {
                continue;
            }

            if (block == title)
            {
                seenTitle = true;
                continue;
            }

            if (block is HeadingBlock { Level: 1 } extraTitle)
            {
                diagnostics.Error(file, extraTitle.Line, "a command page may have only one '#' title heading");
                continue;
            }

            if (block is HeadingBlock { Level: 2 } heading)
            {
                var name = MarkdownText.InlineText(heading.Inline).ToUpperInvariant();
                if (!KnownSections.Contains(name))
                {
                    diagnostics.Error(file, heading.Line, $"unknown section '## {name}'; expected one of {string.Join(", ", KnownSections)}");
                    current = null;
                    continue;
                }

                if (sections.ContainsKey(name))
                {
                    diagnostics.Error(file, heading.Line, $"section '## {name}' appears more than once");
                    current = null;
                    continue;
                }

                current = new Section(name, heading, []);
                sections[name] = current;
                continue;
            }

            if (current is null)
            {
                if (seenTitle && block is not HtmlBlock)
                {
                    diagnostics.Error(file, block.Line, "content outside a '##' section would be dropped from help");
                }

                continue;
            }

            current.Blocks.Add(block);
        }

        return sections;
    }

    private static List<SubSection> SplitSubSections(Section section, string file, DiagnosticBag diagnostics)
    {
        var result = new List<SubSection>();
        foreach (var block in section.Blocks)
        {
            if (block is HeadingBlock { Level: 3 } heading)
            {
                result.Add(new SubSection(heading, MarkdownText.InlineText(heading.Inline), []));
            }
            else if (result.Count > 0)
            {
                result[^1].Blocks.Add(block);
            }
            else if (block is not HtmlBlock)
            {
                diagnostics.Error(file, block.Line, $"content in '## {section.Name}' must be under a '###' heading");
            }
        }

        return result;
    }

    private static List<TextBlock> RequireText(Dictionary<string, Section> sections, string name, int titleLine, string file, DiagnosticBag diagnostics)
    {
        if (!sections.TryGetValue(name, out var section))
        {
            diagnostics.Error(file, titleLine, $"missing '## {name}' section");
            return [];
        }

        var blocks = MarkdownText.ToTextBlocks(section.Blocks);
        if (blocks.All(b => string.IsNullOrWhiteSpace(b.Text)))
        {
            diagnostics.Error(file, section.Heading.Line, $"'## {name}' section is empty");
        }

        return blocks;
    }

    private static List<SyntaxSet> ParseSyntax(Section section, string file, DiagnosticBag diagnostics)
    {
        var sets = new List<SyntaxSet>();
        foreach (var sub in SplitSubSections(section, file, diagnostics))
        {
            var match = SetHeadingRegex().Match(sub.Title);
            var setName = match.Groups["name"].Value.Trim();
            var isDefault = match.Groups["default"].Success;
            var code = sub.Blocks.OfType<FencedCodeBlock>().FirstOrDefault(c => MarkdownText.CodeText(c).Trim().Length > 0);
            if (code is null)
            {
                diagnostics.Error(file, sub.Heading.Line, $"syntax for parameter set '{setName}' has no fenced code block");
                continue;
            }

            if (sets.Any(s => s.Name.Equals(setName, StringComparison.OrdinalIgnoreCase)))
            {
                diagnostics.Error(file, sub.Heading.Line, $"parameter set '{setName}' is listed twice in SYNTAX");
                continue;
            }

            var order = SyntaxParameterRegex().Matches(MarkdownText.CodeText(code))
                .Select(m => m.Groups["name"].Value)
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .ToList();
            sets.Add(new SyntaxSet(setName, isDefault, order, sub.Heading.Line));
        }

        if (sets.Count == 0)
        {
            diagnostics.Error(file, section.Heading.Line, "'## SYNTAX' needs at least one '### ParameterSetName' with a code block");
        }

        if (sets.Count(s => s.IsDefault) > 1)
        {
            diagnostics.Error(file, section.Heading.Line, "more than one parameter set is marked (Default)");
        }

        return sets;
    }

    private static List<ParameterHelp> ParseParameters(Section section, string file, DiagnosticBag diagnostics, out bool supportsCommon)
    {
        supportsCommon = false;
        var parameters = new List<ParameterHelp>();
        foreach (var sub in SplitSubSections(section, file, diagnostics))
        {
            if (sub.Title.Equals("CommonParameters", StringComparison.OrdinalIgnoreCase))
            {
                supportsCommon = true;
                continue;
            }

            if (!sub.Title.StartsWith('-') || sub.Title.Length < 2)
            {
                diagnostics.Error(file, sub.Heading.Line, $"parameter heading '### {sub.Title}' must be '### -Name' or '### CommonParameters'");
                continue;
            }

            var name = sub.Title[1..].Trim();
            if (parameters.Any(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)))
            {
                diagnostics.Error(file, sub.Heading.Line, $"parameter -{name} is documented twice");
                continue;
            }

            var yamlBlocks = sub.Blocks.OfType<FencedCodeBlock>().Where(IsYaml).ToList();
            if (yamlBlocks.Count == 0)
            {
                diagnostics.Error(file, sub.Heading.Line, $"parameter -{name} has no ```yaml block (Type, Parameter Sets, Required, Position, ...)");

                // Still recorded so the SYNTAX cross-check does not also claim the parameter is undocumented.
                parameters.Add(new ParameterHelp(name, [], []));
                continue;
            }

            var metadata = yamlBlocks
                .Select(y => ParseParameterYaml(y, name, file, diagnostics))
                .OfType<ParameterMetadata>()
                .ToList();
            var description = MarkdownText.ToTextBlocks(sub.Blocks.Where(b => !(b is FencedCodeBlock f && IsYaml(f))));
            parameters.Add(new ParameterHelp(name, description, metadata));
        }

        return parameters;
    }

    private static bool IsYaml(FencedCodeBlock block) =>
        string.Equals(block.Info?.Trim(), "yaml", StringComparison.OrdinalIgnoreCase);

    private static ParameterMetadata? ParseParameterYaml(FencedCodeBlock yaml, string parameter, string file, DiagnosticBag diagnostics)
    {
        var values = new Dictionary<string, (string Value, int Line)>(StringComparer.OrdinalIgnoreCase);
        var ok = true;
        foreach (var (key, value, line) in ReadYamlLines(yaml))
        {
            if (key.Length == 0)
            {
                diagnostics.Error(file, line, $"parameter -{parameter}: yaml line '{value}' is not 'Key: Value'");
                ok = false;
            }
            else if (!ParameterYamlKeys.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                diagnostics.Error(file, line, $"parameter -{parameter}: unknown yaml key '{key}'; expected {string.Join(", ", ParameterYamlKeys)}");
                ok = false;
            }
            else
            {
                values[key] = (value, line);
            }
        }

        string Get(string key, string fallback) => values.TryGetValue(key, out var v) ? v.Value : fallback;

        foreach (var required in new[] { "Type", "Parameter Sets", "Required", "Position" })
        {
            if (!values.TryGetValue(required, out var v) || v.Value.Length == 0)
            {
                diagnostics.Error(file, yaml.Line, $"parameter -{parameter}: yaml block is missing '{required}:'");
                ok = false;
            }
        }

        bool ParseBool(string key)
        {
            var text = Get(key, "False");
            if (bool.TryParse(text, out var result))
            {
                return result;
            }

            diagnostics.Error(file, values[key].Line, $"parameter -{parameter}: '{key}: {text}' must be True or False");
            ok = false;
            return false;
        }

        var isRequired = ParseBool("Required");
        var globbing = ParseBool("Accept wildcard characters");

        var position = Get("Position", "Named");
        if (position.Equals("Named", StringComparison.OrdinalIgnoreCase))
        {
            position = "named";
        }
        else if (!int.TryParse(position, out var index) || index < 0)
        {
            diagnostics.Error(file, values["Position"].Line, $"parameter -{parameter}: 'Position: {position}' must be Named or a non-negative number");
            ok = false;
        }

        var pipeline = Get("Accept pipeline input", "False");
        if (!PipelineRegex().IsMatch(pipeline))
        {
            diagnostics.Error(file, values["Accept pipeline input"].Line, $"parameter -{parameter}: 'Accept pipeline input: {pipeline}' must be False or True (ByValue|ByPropertyName|ByValue, ByPropertyName)");
            ok = false;
        }

        var sets = SplitList(Get("Parameter Sets", string.Empty));
        var allSets = sets.Count == 1 && sets[0].Equals("(All)", StringComparison.OrdinalIgnoreCase);
        var aliases = SplitList(Get("Aliases", string.Empty));
        if (aliases.Count == 1 && aliases[0].Equals("None", StringComparison.OrdinalIgnoreCase))
        {
            aliases = [];
        }

        if (!ok)
        {
            return null;
        }

        return new ParameterMetadata(
            Get("Type", string.Empty),
            allSets,
            allSets ? [] : sets,
            aliases,
            SplitList(Get("Accepted values", string.Empty)),
            isRequired,
            position,
            Get("Default value", "None"),
            pipeline,
            globbing,
            yaml.Line);
    }

    private static readonly string[] ParameterYamlKeys =
    [
        "Type", "Parameter Sets", "Aliases", "Accepted values", "Required", "Position", "Default value",
        "Accept pipeline input", "Accept wildcard characters",

        // Emitted by some platyPS versions for docs.microsoft.com applicability; carries nothing Get-Help shows.
        "Applicable",
    ];

    private static List<string> SplitList(string value) =>
        [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static List<ExampleHelp> ParseExamples(Section section, string file, DiagnosticBag diagnostics)
    {
        var examples = new List<ExampleHelp>();
        foreach (var sub in SplitSubSections(section, file, diagnostics))
        {
            // An empty fence is no example either.
            var codeBlocks = sub.Blocks.OfType<FencedCodeBlock>().Where(c => MarkdownText.CodeText(c).Trim().Length > 0).ToList();
            if (codeBlocks.Count == 0)
            {
                diagnostics.Error(file, sub.Heading.Line, $"example '{sub.Title}' has no fenced code block");
                continue;
            }

            // dev:code is one block, so several code fences become one script separated by blank lines,
            // and all prose becomes the remarks that Get-Help prints after the code.
            var code = string.Join("\n\n", codeBlocks.Select(MarkdownText.CodeText));
            var remarks = MarkdownText.ToTextBlocks(sub.Blocks.Where(b => b is not FencedCodeBlock));
            examples.Add(new ExampleHelp(sub.Title, code, remarks));
        }

        return examples;
    }

    private static List<TypeHelp> ParseTypes(Section section, string file, DiagnosticBag diagnostics) =>
        [.. SplitSubSections(section, file, diagnostics).Select(s => new TypeHelp(s.Title, MarkdownText.ToTextBlocks(s.Blocks)))];

    private static List<RelatedLink> ParseLinks(Section section)
    {
        var links = new List<RelatedLink>();
        foreach (var leaf in section.Blocks.SelectMany(Descendants).OfType<LeafBlock>())
        {
            if (leaf.Inline is null)
            {
                continue;
            }

            var found = leaf.Inline.Descendants<LinkInline>().Where(l => !l.IsImage).ToList();
            if (found.Count == 0)
            {
                // Plain text is a topic name such as about_Foo, which Get-Help resolves by name.
                var text = MarkdownText.InlineText(leaf.Inline);
                if (text.Length > 0)
                {
                    links.Add(new RelatedLink(text, string.Empty));
                }

                continue;
            }

            foreach (var link in found)
            {
                var text = MarkdownText.LinkText(link);
                var url = link.Url ?? string.Empty;

                // Relative links point at sibling .md pages, which mean nothing once compiled; the topic name does.
                if (!url.Contains("://", StringComparison.Ordinal))
                {
                    url = string.Empty;
                }

                links.Add(new RelatedLink(text.Length > 0 ? text : url, url));
            }
        }

        return links;
    }

    private static IEnumerable<Block> Descendants(Block block) =>
        block is ContainerBlock container ? container.SelectMany(Descendants) : [block];

    private static void CrossCheckParameterSets(
        List<SyntaxSet> syntax, List<ParameterHelp> parameters, Section? syntaxSection, string file, DiagnosticBag diagnostics)
    {
        if (syntaxSection is null || syntax.Count == 0)
        {
            return;
        }

        var setNames = syntax.Select(s => s.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in parameters)
        {
            foreach (var (set, line) in parameter.Metadata.SelectMany(m => m.ParameterSets.Select(s => (Set: s, m.Line))).Where(x => !setNames.Contains(x.Set)))
            {
                diagnostics.Error(file, line, $"parameter -{parameter.Name} names parameter set '{set}', which has no '### {set}' in SYNTAX");
            }
        }

        foreach (var set in syntax)
        {
            foreach (var parameter in parameters.Where(p => p.ForSet(set.Name) is not null))
            {
                if (!set.ParameterOrder.Contains(parameter.Name, StringComparer.OrdinalIgnoreCase))
                {
                    diagnostics.Error(file, set.Line, $"parameter -{parameter.Name} belongs to set '{set.Name}' per its yaml, but the SYNTAX code block for '{set.Name}' does not list it");
                }
            }

            foreach (var name in set.ParameterOrder)
            {
                var parameter = parameters.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
                if (parameter is null)
                {
                    diagnostics.Error(file, set.Line, $"SYNTAX set '{set.Name}' uses -{name}, which has no '### -{name}' in PARAMETERS");
                }
                else if (parameter.Metadata.Count > 0 && parameter.ForSet(set.Name) is null)
                {
                    diagnostics.Error(file, set.Line, $"SYNTAX set '{set.Name}' uses -{name}, but its yaml 'Parameter Sets' does not include '{set.Name}'");
                }
            }
        }
    }

    [GeneratedRegex(@"^(?<name>.+?)(?:\s*\((?<default>Default)\))?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex SetHeadingRegex();

    // The lookbehind skips the dash inside the command name (Get-Thing) and inside values like 2024-01-01.
    [GeneratedRegex(@"(?<![\w-])-(?<name>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex SyntaxParameterRegex();

    [GeneratedRegex(@"^(False|True \((ByValue|ByPropertyName|ByValue, ByPropertyName|ByPropertyName, ByValue)\))$", RegexOptions.IgnoreCase)]
    private static partial Regex PipelineRegex();
}
