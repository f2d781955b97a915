// Copyright (c) RecoveryVault contributors. MIT License.

namespace RecoveryVault.HelpCompiler.Tests;

public sealed class MalformedDocTests : IDisposable
{
    private readonly TempDirectory source = new();
    private readonly TempDirectory output = new();

    public void Dispose()
    {
        this.source.Dispose();
        this.output.Dispose();
    }

    [Fact]
    public void Missing_synopsis_is_reported_at_the_title_and_nothing_is_written()
    {
        var markdown = Sample().Replace("## SYNOPSIS\nGets **widgets** from the `vault`.\n\n", string.Empty, StringComparison.Ordinal);
        var path = this.source.Write("Get-Widget.md", markdown);

        var (exit, errors) = this.Build();

        Assert.Equal(1, exit);
        Assert.Contains($"{path}:{LineOf(markdown, "# Get-Widget")}: error: missing '## SYNOPSIS' section", errors, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(this.output.Path));
    }

    [Fact]
    public void Empty_code_fence_is_reported_not_a_crash()
    {
        var markdown = Sample().Replace(
            "```powershell\nGet-Widget -Path ./a, ./b\n```\n",
            "```powershell\n```\n",
            StringComparison.Ordinal);
        this.source.Write("Get-Widget.md", markdown);

        var (exit, errors) = this.Build();

        Assert.Equal(1, exit);
        Assert.Contains("error:", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_synopsis_is_reported_at_the_section()
    {
        var markdown = Sample().Replace("Gets **widgets** from the `vault`.\n", string.Empty, StringComparison.Ordinal);
        var path = this.source.Write("Get-Widget.md", markdown);

        var (exit, errors) = this.Build();

        Assert.Equal(1, exit);
        Assert.Contains($"{path}:{LineOf(markdown, "## SYNOPSIS")}: error: '## SYNOPSIS' section is empty", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Parameter_without_yaml_is_reported_at_its_heading()
    {
        var markdown = RemoveYamlAfter(Sample(), "### -InputObject");
        var path = this.source.Write("Get-Widget.md", markdown);

        var (exit, errors) = this.Build();

        Assert.Equal(1, exit);
        Assert.Contains($"{path}:{LineOf(markdown, "### -InputObject")}: error: parameter -InputObject has no ```yaml block", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Example_without_code_is_reported_at_its_heading()
    {
        var markdown = Sample().Replace(
            "```powershell\nGet-Widget -Path ./a, ./b\n```\n",
            string.Empty,
            StringComparison.Ordinal);
        var path = this.source.Write("Get-Widget.md", markdown);

        var (exit, errors) = this.Build();

        Assert.Equal(1, exit);
        Assert.Contains(
            $"{path}:{LineOf(markdown, "### Example 1")}: error: example 'Example 1: Get widgets by path' has no fenced code block",
            errors,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_errors_point_at_the_offending_line()
    {
        var markdown = Sample().Replace("Accept wildcard characters: True", "Accept wildcard characters: Maybe", StringComparison.Ordinal);
        var path = this.source.Write("Get-Widget.md", markdown);

        var (exit, errors) = this.Build();

        Assert.Equal(1, exit);
        Assert.Contains(
            $"{path}:{LineOf(markdown, "Accept wildcard characters: Maybe")}: error: parameter -Path: 'Accept wildcard characters: Maybe' must be True or False",
            errors,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Parameter_set_missing_from_syntax_is_an_error()
    {
        var markdown = Sample().Replace("Parameter Sets: ByInputObject\nAliases:\n", "Parameter Sets: ByObject\nAliases:\n", StringComparison.Ordinal);
        this.source.Write("Get-Widget.md", markdown);

        var (exit, errors) = this.Build();

        Assert.Equal(1, exit);
        Assert.Contains(
            $":{LineOf(markdown, "Type: Widget") - 1}: error: parameter -InputObject names parameter set 'ByObject', which has no '### ByObject' in SYNTAX",
            errors,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Syntax_code_block_must_list_every_parameter_of_its_set()
    {
        var markdown = Sample().Replace("Get-Widget -InputObject <Widget> [-Kind <String>] [-Recurse]", "Get-Widget -InputObject <Widget> [-Recurse]", StringComparison.Ordinal);
        var path = this.source.Write("Get-Widget.md", markdown);

        var (exit, errors) = this.Build();

        Assert.Equal(1, exit);
        Assert.Contains(
            $"{path}:{LineOf(markdown, "### ByInputObject")}: error: parameter -Kind belongs to set 'ByInputObject' per its yaml, but the SYNTAX code block for 'ByInputObject' does not list it",
            errors,
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_parameter_missing_its_yaml_is_reported_once()
    {
        this.source.Write("Get-Widget.md", RemoveYamlAfter(Sample(), "### -Recurse"));

        var (exit, errors) = this.Build();

        Assert.Equal(1, exit);
        Assert.Contains("1 error(s)", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_from_every_file_are_reported_in_one_run()
    {
        this.source.Write("Get-Widget.md", RemoveYamlAfter(Sample(), "### -Path"));
        this.source.Write("Set-Widget.md", Sample().Replace("# Get-Widget", "# Set-Widget", StringComparison.Ordinal).Replace("## SYNOPSIS", "## SYNOPSYS", StringComparison.Ordinal));

        var (exit, errors) = this.Build();

        Assert.Equal(1, exit);
        Assert.Contains("Get-Widget.md", errors, StringComparison.Ordinal);
        Assert.Contains("unknown section '## SYNOPSYS'", errors, StringComparison.Ordinal);
        Assert.Contains("Set-Widget.md", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_mode_validates_without_writing()
    {
        this.source.Write("Get-Widget.md", Sample());
        var stdout = new StringWriter();

        var exit = Program.Run(["--source", this.source.Path, "--check"], stdout, TextWriter.Null);

        Assert.Equal(0, exit);
        Assert.Contains("ok: 1 command(s)", stdout.ToString(), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(this.output.Path));
    }

    [Fact]
    public void Check_mode_fails_on_a_broken_doc()
    {
        this.source.Write("Get-Widget.md", RemoveYamlAfter(Sample(), "### -Path"));
        var stderr = new StringWriter();

        var exit = Program.Run(["--source", this.source.Path, "--check"], TextWriter.Null, stderr);

        Assert.Equal(1, exit);
        Assert.Contains("parameter -Path has no ```yaml block", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void External_help_file_must_match_the_module_assembly()
    {
        this.source.Write("Get-Widget.md", Sample());

        var stderr = new StringWriter();
        var exit = Program.Run(["--source", this.source.Path, "--module-assembly", "Other.dll", "--check"], TextWriter.Null, stderr);

        Assert.Equal(1, exit);
        Assert.Contains("'external help file: RecoveryVault.dll-Help.xml' does not match the help file being built, 'Other.dll-Help.xml'", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_arguments_are_a_usage_error()
    {
        var exit = Program.Run(["--source", this.source.Path], TextWriter.Null, TextWriter.Null);
        Assert.Equal(2, exit);
    }

    private static string Sample() => TempDirectory.ReadSample("Get-Widget.md").ReplaceLineEndings("\n");

    private static int LineOf(string markdown, string lineStart)
    {
        var lines = markdown.Split('\n');
        return Array.FindIndex(lines, l => l.StartsWith(lineStart, StringComparison.Ordinal)) + 1;
    }

    private static string RemoveYamlAfter(string markdown, string heading)
    {
        var headingAt = markdown.IndexOf(heading, StringComparison.Ordinal);
        var yamlStart = markdown.IndexOf("```yaml", headingAt, StringComparison.Ordinal);
        var yamlEnd = markdown.IndexOf("```\n", yamlStart + 7, StringComparison.Ordinal) + 4;
        return markdown[..yamlStart] + markdown[yamlEnd..];
    }

    private (int Exit, string Errors) Build()
    {
        var stderr = new StringWriter();
        var exit = Program.Run(
            ["--source", this.source.Path, "--module-assembly", "RecoveryVault.dll", "--output", this.output.Path],
            TextWriter.Null,
            stderr);
        return (exit, stderr.ToString());
    }
}
