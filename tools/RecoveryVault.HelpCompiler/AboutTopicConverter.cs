// Copyright (c) RecoveryVault contributors. MIT License.

using System.Text;
using Markdig.Syntax;

namespace RecoveryVault.HelpCompiler;

/// <summary>
/// Converts about_*.md into the classic about_*.help.txt layout. Get-Help prints these files as-is, so the layout
/// (upper-case headings at column 0, body indented four spaces, wrapped to 80 columns) has to be produced here.
/// </summary>
internal static class AboutTopicConverter
{
    private const int Width = 80;
    private const string BodyIndent = "    ";

    public static string? Convert(string markdown, string file, DiagnosticBag diagnostics)
    {
        var document = MarkdownText.Parse(markdown);
        var topic = Path.GetFileNameWithoutExtension(file);
        var title = document.OfType<HeadingBlock>().FirstOrDefault();
        if (title is null || title.Level != 1)
        {
            diagnostics.Error(file, title?.Line ?? 0, $"about topic must start with '# {topic}'");
            return null;
        }

        var titleText = MarkdownText.InlineText(title.Inline);
        if (!titleText.Equals(topic, StringComparison.OrdinalIgnoreCase))
        {
            diagnostics.Error(file, title.Line, $"title '{titleText}' does not match the file name '{topic}'");
            return null;
        }

        var sb = new StringBuilder();

        // PowerShell takes an about topic's synopsis from a fixed line of the file, which is only right when the
        // file opens with the conventional TOPIC / name / SHORT DESCRIPTION header.
        sb.Append("TOPIC\n").Append(BodyIndent).Append(titleText).Append('\n');

        var previous = TextBlockKind.Paragraph;
        foreach (var block in MarkdownText.ToTextBlocks(document.Where(b => b != title)))
        {
            // Body text sits directly under its heading and list items stack without gaps, as in shipped about files.
            var afterHeading = previous == TextBlockKind.Heading;
            var afterListItem = previous == TextBlockKind.ListItem;
            previous = block.Kind;
            switch (block.Kind)
            {
                case TextBlockKind.Heading:
                    // A platyPS about template repeats the topic name as a sub-heading; TOPIC already says it.
                    if (block.Text.Equals(titleText, StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    sb.Append('\n').Append(block.Text.ToUpperInvariant()).Append('\n');
                    continue;
                case TextBlockKind.Code:
                    if (!afterHeading)
                    {
                        sb.Append('\n');
                    }

                    foreach (var line in block.Text.Split('\n'))
                    {
                        sb.Append((BodyIndent + Indent(block.Depth) + BodyIndent + line).TrimEnd()).Append('\n');
                    }

                    continue;
                case TextBlockKind.ListItem:
                    var prefix = BodyIndent + Indent(block.Depth);
                    var hanging = prefix + new string(' ', block.Marker.Length + 1);
                    AppendWrapped(sb, $"{block.Marker} {block.Text}", prefix, hanging, separate: !afterListItem && !afterHeading);
                    continue;
                default:
                    var indent = BodyIndent + Indent(block.Depth);
                    AppendWrapped(sb, block.Text, indent, indent, separate: !afterHeading);
                    continue;
            }
        }

        return sb.ToString();
    }

    private static string Indent(int depth) => new(' ', depth * 2);

    private static void AppendWrapped(StringBuilder sb, string text, string firstIndent, string restIndent, bool separate)
    {
        if (separate)
        {
            sb.Append('\n');
        }

        // Hard line breaks in the markdown are deliberate, so each one starts a new wrapped run.
        var first = true;
        foreach (var hardLine in text.Split('\n'))
        {
            var line = new StringBuilder(first ? firstIndent : restIndent);
            var lineHasWord = false;
            foreach (var word in hardLine.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (lineHasWord && line.Length + 1 + word.Length > Width)
                {
                    sb.Append(line).Append('\n');
                    line = new StringBuilder(restIndent);
                    lineHasWord = false;
                }

                if (lineHasWord)
                {
                    line.Append(' ');
                }

                line.Append(word);
                lineHasWord = true;
            }

            sb.Append(line.ToString().TrimEnd()).Append('\n');
            first = false;
        }
    }
}
