// Copyright (c) RecoveryVault contributors. MIT License.

using System.Xml.Linq;

namespace RecoveryVault.HelpCompiler.Tests;

public sealed class MamlOutputTests : IDisposable
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    private readonly TempDirectory output = new();
    private readonly XElement command;

    public MamlOutputTests()
    {
        var exit = Program.Run(
            ["--source", TempDirectory.ValidSamples, "--module-assembly", "RecoveryVault.dll", "--output", this.output.Path],
            TextWriter.Null,
            TextWriter.Null);
        Assert.Equal(0, exit);

        var document = XDocument.Load(Path.Combine(this.output.Path, "RecoveryVault.dll-Help.xml"));
        Assert.Equal(Msh + "helpItems", document.Root!.Name);
        Assert.Equal("maml", (string?)document.Root.Attribute("schema"));
        this.command = Assert.Single(document.Root.Elements(Command + "command"));
    }

    public void Dispose() => this.output.Dispose();

    [Fact]
    public void Details_carry_name_verb_noun_and_plain_text_synopsis()
    {
        var details = this.command.Element(Command + "details")!;
        Assert.Equal("Get-Widget", details.Element(Command + "name")!.Value);
        Assert.Equal("Get", details.Element(Command + "verb")!.Value);
        Assert.Equal("Widget", details.Element(Command + "noun")!.Value);
        Assert.Equal("Gets widgets from the vault.", Paras(details.Element(Maml + "description")!).Single());
    }

    [Fact]
    public void Description_is_stripped_of_markdown_and_keeps_list_items()
    {
        var paras = Paras(this.command.Element(Maml + "description")!);
        Assert.Equal(
            ["The Get-Widget cmdlet gets widgets from a vault. It reads either a path or a piped widget.", "- Widgets are cached.", "- Widgets are read-only."],
            paras);
    }

    [Fact]
    public void Syntax_has_one_item_per_set_in_syntax_section_order_with_code_block_parameter_order()
    {
        var items = this.command.Element(Command + "syntax")!.Elements(Command + "syntaxItem").ToList();
        Assert.Equal(2, items.Count);
        Assert.All(items, i => Assert.Equal("Get-Widget", i.Element(Maml + "name")!.Value));

        Assert.Equal(["Path", "Kind", "Recurse"], ParameterNames(items[0]));
        Assert.Equal(["InputObject", "Kind", "Recurse"], ParameterNames(items[1]));
    }

    [Fact]
    public void Syntax_uses_the_yaml_block_for_each_parameter_set()
    {
        var items = this.command.Element(Command + "syntax")!.Elements(Command + "syntaxItem").ToList();
        Assert.Equal("false", (string?)Parameter(items[0], "Kind").Attribute("required"));
        Assert.Equal("true", (string?)Parameter(items[1], "Kind").Attribute("required"));
    }

    [Fact]
    public void Syntax_renders_switches_without_value_and_accepted_values_as_a_group()
    {
        var byPath = this.command.Element(Command + "syntax")!.Elements(Command + "syntaxItem").First();

        Assert.Null(Parameter(byPath, "Recurse").Element(Command + "parameterValue"));

        var kind = Parameter(byPath, "Kind");
        Assert.Null(kind.Element(Command + "parameterValue"));
        Assert.Equal(
            ["Small", "Large"],
            kind.Element(Command + "parameterValueGroup")!.Elements(Command + "parameterValue").Select(v => v.Value));

        var path = Parameter(byPath, "Path");
        Assert.Equal("String[]", path.Element(Command + "parameterValue")!.Value);
        Assert.Equal("0", (string?)path.Attribute("position"));
    }

    [Fact]
    public void Parameters_carry_pipeline_alias_globbing_position_type_and_default()
    {
        var parameters = this.command.Element(Command + "parameters")!;
        Assert.Equal(["Path", "InputObject", "Kind", "Recurse"], ParameterNames(parameters));

        var path = Parameter(parameters, "Path");
        Assert.Equal("true", (string?)path.Attribute("required"));
        Assert.Equal("true", (string?)path.Attribute("globbing"));
        Assert.Equal("True (ByPropertyName)", (string?)path.Attribute("pipelineInput"));
        Assert.Equal("0", (string?)path.Attribute("position"));
        Assert.Equal("PSPath, LiteralPath", (string?)path.Attribute("aliases"));
        Assert.Equal("String[]", path.Element(Dev + "type")!.Element(Maml + "name")!.Value);
        Assert.Equal("One or more widget paths.", Paras(path.Element(Maml + "description")!).Single());

        var input = Parameter(parameters, "InputObject");
        Assert.Equal("True (ByValue)", (string?)input.Attribute("pipelineInput"));
        Assert.Equal("named", (string?)input.Attribute("position"));
        Assert.Equal("none", (string?)input.Attribute("aliases"));
        Assert.Equal("false", (string?)input.Attribute("globbing"));

        var kind = Parameter(parameters, "Kind");
        Assert.Equal("Small", kind.Element(Dev + "defaultValue")!.Value);
        Assert.Equal("k", (string?)kind.Attribute("aliases"));

        var recurse = Parameter(parameters, "Recurse");
        Assert.Equal("SwitchParameter", recurse.Element(Command + "parameterValue")!.Value);
        Assert.Equal("false", (string?)recurse.Element(Command + "parameterValue")!.Attribute("required"));
    }

    [Fact]
    public void Inputs_outputs_and_notes_are_emitted()
    {
        var inputs = this.command.Element(Command + "inputTypes")!.Elements(Command + "inputType").ToList();
        Assert.Equal(["RecoveryVault.Widget", "System.String"], inputs.Select(TypeName));
        Assert.Equal("You can pipe a widget to this cmdlet.", Paras(inputs[0].Element(Maml + "description")!).Single());

        var output = Assert.Single(this.command.Element(Command + "returnValues")!.Elements(Command + "returnValue"));
        Assert.Equal("RecoveryVault.Widget", TypeName(output));

        var alert = this.command.Element(Maml + "alertSet")!.Element(Maml + "alert")!;
        Assert.Equal("Widgets are cached for five minutes.", Paras(alert).Single());
    }

    [Fact]
    public void Examples_have_title_code_and_remarks()
    {
        var examples = this.command.Element(Command + "examples")!.Elements(Command + "example").ToList();
        Assert.Equal(2, examples.Count);

        Assert.Contains("Example 1: Get widgets by path", examples[0].Element(Maml + "title")!.Value, StringComparison.Ordinal);
        Assert.Equal("Get-Widget -Path ./a, ./b", examples[0].Element(Dev + "code")!.Value);
        Assert.Equal("This command gets the widgets at two paths.", Paras(examples[0].Element(Dev + "remarks")!).First());

        Assert.Equal("$w = Get-Widget -Path ./a\n$w | Get-Widget -Recurse", examples[1].Element(Dev + "code")!.Value);
        Assert.Equal(
            ["The first widget is piped back in.", "Children are included because of -Recurse."],
            Paras(examples[1].Element(Dev + "remarks")!).Where(p => p.Length > 0));
    }

    [Fact]
    public void Related_links_start_with_online_version()
    {
        var links = this.command.Element(Command + "relatedLinks")!.Elements(Maml + "navigationLink")
            .Select(l => (Text: l.Element(Maml + "linkText")!.Value, Uri: l.Element(Maml + "uri")!.Value))
            .ToList();
        Assert.Equal(
            [
                ("Online Version:", "https://example.invalid/recoveryvault/Get-Widget"),
                ("about_Widget", string.Empty),
                ("Widget guide", "https://example.invalid/recoveryvault/widgets"),
            ],
            links);
    }

    [Fact]
    public void Non_command_markdown_is_skipped_and_about_topics_are_written_alongside()
    {
        var files = Directory.GetFiles(this.output.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(["RecoveryVault.dll-Help.xml", "about_Widget.help.txt"], files);
    }

    private static List<string> Paras(XElement parent) =>
        [.. parent.Elements(Maml + "para").Select(p => p.Value)];

    private static List<string> ParameterNames(XElement parent) =>
        [.. parent.Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value)];

    private static XElement Parameter(XElement parent, string name) =>
        parent.Elements(Command + "parameter").Single(p => p.Element(Maml + "name")!.Value == name);

    private static string TypeName(XElement typed) => typed.Element(Dev + "type")!.Element(Maml + "name")!.Value;
}
