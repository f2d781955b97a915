// Copyright (c) RecoveryVault contributors. MIT License.

namespace RecoveryVault.HelpCompiler.Tests;

public sealed class AboutTopicTests
{
    [Fact]
    public void Converts_markdown_to_classic_about_layout()
    {
        var diagnostics = new DiagnosticBag();
        var text = AboutTopicConverter.Convert(TempDirectory.ReadSample("about_Widget.md"), "about_Widget.md", diagnostics);

        Assert.Empty(diagnostics.Items);
        const string Expected = """
            TOPIC
                about_Widget

            SHORT DESCRIPTION
                Describes widgets in RecoveryVault.

            LONG DESCRIPTION
                Widgets are the unit of storage in a vault. This paragraph is deliberately
                long so that the converter has to wrap it onto more than one line of output.

            KINDS OF WIDGETS
                - Small widgets
                - Large widgets

                    Get-Widget -Kind Large

            SEE ALSO
                Get-Widget

            """;
        Assert.Equal(Expected.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public void Wraps_every_line_to_eighty_columns()
    {
        var markdown = "# about_Long\n\n## Long Description\n" + string.Join(' ', Enumerable.Repeat("wordy", 60)) + "\n";
        var text = AboutTopicConverter.Convert(markdown, "about_Long.md", new DiagnosticBag())!;

        var lines = text.Split('\n');
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"line too long: '{l}'"));
        Assert.True(lines.Count(l => l.StartsWith("    wordy", StringComparison.Ordinal)) > 3);
    }

    [Fact]
    public void Title_must_match_file_name()
    {
        var diagnostics = new DiagnosticBag();
        var text = AboutTopicConverter.Convert("\n# about_Other\n\ntext\n", "docs/about_Widget.md", diagnostics);

        Assert.Null(text);
        var error = Assert.Single(diagnostics.Items);
        Assert.Equal(2, error.Line);
        Assert.Contains("about_Other", error.Message, StringComparison.Ordinal);
    }
}
