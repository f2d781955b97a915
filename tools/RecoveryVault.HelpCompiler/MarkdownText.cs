// Copyright (c) RecoveryVault contributors. MIT License.

using System.Text;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace RecoveryVault.HelpCompiler;

/// <summary>
/// Turns markdown into plain text. Get-Help prints MAML paragraphs and about files verbatim, so any markdown
/// syntax left in would show up as literal asterisks and brackets in the console.
/// </summary>
internal static class MarkdownText
{
    public static MarkdownPipeline Pipeline { get; } = new MarkdownPipelineBuilder()
        .UseYamlFrontMatter()
        .UsePipeTables()
        .Build();

    public static MarkdownDocument Parse(string markdown) => Markdown.Parse(markdown, Pipeline);

    public static List<TextBlock> ToTextBlocks(IEnumerable<Block> blocks)
    {
        var result = new List<TextBlock>();
        foreach (var block in blocks)
        {
            AppendBlock(block, result, depth: 0);
        }

        return result;
    }

    public static string CodeText(LeafBlock code)
    {
        // An empty fence has no line array at all.
        if (code.Lines.Lines is null)
        {
            return string.Empty;
        }

        var lines = code.Lines.Lines.Take(code.Lines.Count).Select(l => l.Slice.ToString());
        return string.Join("\n", lines).TrimEnd();
    }

    public static string InlineText(ContainerInline? inline)
    {
        if (inline is null)
        {
            return string.Empty;
        }

        var sb = new StringBuilder();
        AppendInline(inline, sb);
        return sb.ToString().Trim();
    }

    /// <summary>Only the visible text of a link, for places such as RELATED LINKS that keep the URL separately.</summary>
    public static string LinkText(LinkInline link)
    {
        var sb = new StringBuilder();
        foreach (var child in link)
        {
            AppendInline(child, sb);
        }

        return sb.ToString().Trim();
    }

    private static void AppendBlock(Block block, List<TextBlock> result, int depth)
    {
        switch (block)
        {
            case YamlFrontMatterBlock:
                break;
            case HeadingBlock heading:
                result.Add(new TextBlock(TextBlockKind.Heading, InlineText(heading.Inline), depth));
                break;
            case ParagraphBlock paragraph:
                result.Add(new TextBlock(TextBlockKind.Paragraph, InlineText(paragraph.Inline), depth));
                break;
            case CodeBlock code:
                result.Add(new TextBlock(TextBlockKind.Code, CodeText(code), depth));
                break;
            case ListBlock list:
                AppendList(list, result, depth);
                break;
            case QuoteBlock quote:
                foreach (var child in quote)
                {
                    AppendBlock(child, result, depth);
                }

                break;
            case Table table:
                AppendTable(table, result, depth);
                break;
            case ThematicBreakBlock:
                break;
            case HtmlBlock html:
                // Raw HTML in help docs is almost always an HTML comment left for authors; it must not reach users.
                var htmlText = CodeText(html);
                if (!htmlText.TrimStart().StartsWith("<!--", StringComparison.Ordinal))
                {
                    result.Add(new TextBlock(TextBlockKind.Paragraph, htmlText, depth));
                }

                break;
            case ContainerBlock container:
                foreach (var child in container)
                {
                    AppendBlock(child, result, depth);
                }

                break;
            case LeafBlock leaf:
                result.Add(new TextBlock(TextBlockKind.Paragraph, InlineText(leaf.Inline), depth));
                break;
        }
    }

    private static void AppendList(ListBlock list, List<TextBlock> result, int depth)
    {
        var number = int.TryParse(list.OrderedStart, out var start) ? start : 1;
        foreach (var item in list.OfType<ListItemBlock>())
        {
            var marker = list.IsOrdered ? $"{number++}." : "-";
            var first = true;
            foreach (var child in item)
            {
                if (first && child is ParagraphBlock paragraph)
                {
                    result.Add(new TextBlock(TextBlockKind.ListItem, InlineText(paragraph.Inline), depth, marker));
                }
                else
                {
                    if (first)
                    {
                        result.Add(new TextBlock(TextBlockKind.ListItem, string.Empty, depth, marker));
                    }

                    AppendBlock(child, result, depth + 1);
                }

                first = false;
            }
        }
    }

    private static void AppendTable(Table table, List<TextBlock> result, int depth)
    {
        var rows = table.OfType<TableRow>()
            .Select(row => row.OfType<TableCell>()
                .Select(cell => string.Join(" ", cell.OfType<LeafBlock>().Select(b => InlineText(b.Inline))))
                .ToList())
            .ToList();
        if (rows.Count == 0)
        {
            return;
        }

        var columns = rows.Max(r => r.Count);
        var widths = Enumerable.Range(0, columns)
            .Select(c => rows.Max(r => c < r.Count ? r[c].Length : 0))
            .ToArray();
        var lines = new List<string>();
        for (var i = 0; i < rows.Count; i++)
        {
            lines.Add(string.Join("  ", rows[i].Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
            if (i == 0 && ((TableRow)table[0]).IsHeader)
            {
                lines.Add(string.Join("  ", widths.Select(w => new string('-', w))));
            }
        }

        // Tables are emitted as preformatted text because re-wrapping would destroy column alignment.
        result.Add(new TextBlock(TextBlockKind.Code, string.Join("\n", lines), depth));
    }

    private static void AppendInline(Inline inline, StringBuilder sb)
    {
        switch (inline)
        {
            case LiteralInline literal:
                sb.Append(literal.Content.ToString());
                break;
            case CodeInline code:
                sb.Append(code.Content);
                break;
            case LineBreakInline lineBreak:
                sb.Append(lineBreak.IsHard ? "\n" : " ");
                break;
            case HtmlEntityInline entity:
                sb.Append(entity.Transcoded.ToString());
                break;
            case AutolinkInline autolink:
                sb.Append(autolink.Url);
                break;
            case LinkInline link:
                var start = sb.Length;
                foreach (var child in link)
                {
                    AppendInline(child, sb);
                }

                var text = sb.ToString(start, sb.Length - start);
                // Console readers cannot click a link, so an absolute URL is kept visible unless the text already is the URL.
                if (!link.IsImage && link.Url is { Length: > 0 } url && IsAbsoluteUrl(url) && text != url)
                {
                    sb.Append(" (").Append(url).Append(')');
                }

                break;
            case HtmlInline:
                break;
            case ContainerInline container:
                foreach (var child in container)
                {
                    AppendInline(child, sb);
                }

                break;
        }
    }

    private static bool IsAbsoluteUrl(string url) =>
        url.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
        || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
}
