// Copyright (c) RecoveryVault contributors. MIT License.

using System.Xml;
using System.Xml.Linq;

namespace RecoveryVault.HelpCompiler;

/// <summary>
/// Writes the MAML dialect that PowerShell's CommandHelpProvider loads for &lt;assembly&gt;-Help.xml files.
/// Element and attribute spellings follow what platyPS v1 emits, because that is the shape Get-Help is tested against.
/// </summary>
internal static class MamlWriter
{
    public static readonly XNamespace Msh = "http://msh";
    public static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    public static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    public static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
    public static readonly XNamespace MsHelp = "http://msdn.microsoft.com/mshelp";

    private const int ExampleTitleWidth = 64;

    public static XDocument Build(IEnumerable<CommandHelp> commands) =>
        new(
            new XDeclaration("1.0", "utf-8", null),
            new XElement(
                Msh + "helpItems",
                new XAttribute("schema", "maml"),
                commands.Select(BuildCommand)));

    public static void Save(XDocument document, string path)
    {
        var settings = new XmlWriterSettings
        {
            Indent = true,
            IndentChars = "  ",
            Encoding = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            NewLineChars = "\n",
        };
        using var writer = XmlWriter.Create(path, settings);
        document.Save(writer);
    }

    private static XElement BuildCommand(CommandHelp help) =>
        new(
            Command + "command",
            new XAttribute(XNamespace.Xmlns + "maml", Maml),
            new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev),
            new XAttribute(XNamespace.Xmlns + "MSHelp", MsHelp),
            new XElement(
                Command + "details",
                new XElement(Command + "name", help.Name),
                new XElement(Command + "verb", help.Verb),
                new XElement(Command + "noun", help.Noun),
                Description(help.Synopsis)),
            Description(help.Description),
            new XElement(Command + "syntax", help.ParameterSets.Select(set => SyntaxItem(help, set))),
            new XElement(Command + "parameters", help.Parameters.Select(p => Parameter(p, p.Metadata[0], isSyntax: false))),
            new XElement(Command + "inputTypes", help.Inputs.Select(t => TypeEntry("inputType", t))),
            new XElement(Command + "returnValues", help.Outputs.Select(t => TypeEntry("returnValue", t))),
            new XElement(Maml + "alertSet", new XElement(Maml + "alert", Paragraphs(help.Notes))),
            new XElement(Command + "examples", help.Examples.Select(Example)),
            new XElement(Command + "relatedLinks", RelatedLinks(help)));

    private static XElement SyntaxItem(CommandHelp help, SyntaxSet set)
    {
        // Parameters not mentioned in the code block are rejected by the parser, so the code block order is complete;
        // the fallback index only keeps the sort total.
        var members = help.Parameters
            .Select(p => (Parameter: p, Metadata: p.ForSet(set.Name)))
            .Where(x => x.Metadata is not null)
            .OrderBy(x =>
            {
                var index = set.ParameterOrder
                    .Select((name, i) => (Name: name, Index: i))
                    .FirstOrDefault(n => n.Name.Equals(x.Parameter.Name, StringComparison.OrdinalIgnoreCase), (Name: string.Empty, Index: -1)).Index;
                return index < 0 ? int.MaxValue : index;
            });

        return new XElement(
            Command + "syntaxItem",
            new XElement(Maml + "name", help.Name),
            members.Select(x => Parameter(x.Parameter, x.Metadata!, isSyntax: true)));
    }

    private static XElement Parameter(ParameterHelp parameter, ParameterMetadata metadata, bool isSyntax)
    {
        var hasValueGroup = metadata.AcceptedValues.Count > 0;

        // Get-Help renders [-Force] for a parameter without parameterValue and [-Name <String>] otherwise,
        // so a switch must not carry one in syntax; in the parameter list the type line is still wanted.
        XElement? value = null;
        if (!(isSyntax && (metadata.IsSwitch || hasValueGroup)))
        {
            value = new XElement(
                Command + "parameterValue",
                new XAttribute("required", Bool(!metadata.IsSwitch)),
                new XAttribute("variableLength", Bool(IsArray(metadata.Type))),
                metadata.Type);
        }

        return new XElement(
            Command + "parameter",
            new XAttribute("required", Bool(metadata.Required)),
            new XAttribute("variableLength", "true"),
            new XAttribute("globbing", Bool(metadata.Globbing)),
            new XAttribute("pipelineInput", metadata.PipelineInput),
            new XAttribute("position", metadata.Position),
            new XAttribute("aliases", metadata.Aliases.Count > 0 ? string.Join(", ", metadata.Aliases) : "none"),
            new XElement(Maml + "name", parameter.Name),
            Description(parameter.Description),
            isSyntax && hasValueGroup
                ? new XElement(
                    Command + "parameterValueGroup",
                    metadata.AcceptedValues.Select(v => new XElement(
                        Command + "parameterValue",
                        new XAttribute("required", "false"),
                        new XAttribute(Command + "variableLength", "false"),
                        v)))
                : null,
            value,
            new XElement(Dev + "type", new XElement(Maml + "name", metadata.Type), new XElement(Maml + "uri")),
            new XElement(Dev + "defaultValue", metadata.DefaultValue));
    }

    private static XElement TypeEntry(string elementName, TypeHelp type) =>
        new(
            Command + elementName,
            new XElement(Dev + "type", new XElement(Maml + "name", type.TypeName)),
            Description(type.Description));

    private static XElement Example(ExampleHelp example) =>
        new(
            Command + "example",
            new XElement(Maml + "title", PadTitle(example.Title)),
            new XElement(Dev + "code", example.Code),
            // Get-Help prints the next example's title right under the last remark; a trailing empty para is the
            // blank line that keeps examples visually apart.
            new XElement(Dev + "remarks", Paragraphs(example.Remarks), new XElement(Maml + "para", string.Empty)));

    private static IEnumerable<XElement> RelatedLinks(CommandHelp help)
    {
        // Get-Help -Online opens the first navigationLink with a uri, which platyPS makes the page's online version.
        if (help.OnlineVersion is not null)
        {
            yield return NavigationLink("Online Version:", help.OnlineVersion);
        }

        foreach (var link in help.RelatedLinks)
        {
            yield return NavigationLink(link.Text, link.Uri);
        }
    }

    private static XElement NavigationLink(string text, string uri) =>
        new(Maml + "navigationLink", new XElement(Maml + "linkText", text), new XElement(Maml + "uri", uri));

    private static XElement Description(IEnumerable<TextBlock> blocks) =>
        new(Maml + "description", Paragraphs(blocks));

    private static IEnumerable<XElement> Paragraphs(IEnumerable<TextBlock> blocks) =>
        blocks.Where(b => b.Text.Length > 0 || b.Kind == TextBlockKind.ListItem)
            .Select(b => new XElement(Maml + "para", ParagraphText(b)));

    private static string ParagraphText(TextBlock block)
    {
        var indent = new string(' ', block.Depth * 2);
        return block.Kind switch
        {
            TextBlockKind.ListItem => $"{indent}{block.Marker} {block.Text}",
            // Get-Help trims the start of a para, so indenting code would only shift lines after the first;
            // verbatim lines keep their relative layout.
            TextBlockKind.Code => string.Join("\n", block.Text.Split('\n').Select(l => indent + l)),
            _ => indent + block.Text,
        };
    }

    private static string PadTitle(string title)
    {
        var dashes = Math.Max(2, (ExampleTitleWidth - title.Length - 2) / 2);
        var side = new string('-', dashes);
        return $"{side} {title} {side}";
    }

    private static bool IsArray(string type) => type.EndsWith("[]", StringComparison.Ordinal);

    private static string Bool(bool value) => value ? "true" : "false";
}
