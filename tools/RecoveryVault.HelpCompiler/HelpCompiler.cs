// Copyright (c) RecoveryVault contributors. MIT License.

using System.Text;

namespace RecoveryVault.HelpCompiler;

internal sealed record CompilerOptions(string Source, string? ModuleAssembly, string? Output, bool CheckOnly);

internal sealed record CompileResult(
    IReadOnlyList<HelpDiagnostic> Errors,
    IReadOnlyList<CommandHelp> Commands,
    IReadOnlyDictionary<string, string> AboutTopics,
    IReadOnlyList<string> WrittenFiles);

internal static class HelpCompiler
{
    public static string HelpFileName(string moduleAssembly) => $"{moduleAssembly}-Help.xml";

    public static CompileResult Compile(CompilerOptions options)
    {
        var diagnostics = new DiagnosticBag();
        var commands = new List<CommandHelp>();
        var about = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var expectedHelpFile = options.ModuleAssembly is null ? null : HelpFileName(options.ModuleAssembly);

        if (!Directory.Exists(options.Source))
        {
            diagnostics.Error(options.Source, 0, "source directory does not exist");
            return new CompileResult(diagnostics.Items, commands, about, []);
        }

        // Ordinal order keeps the XML byte-identical across machines, so rebuilt help does not show up as a diff.
        var files = Directory.GetFiles(options.Source, "*.md").OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal).ToList();
        foreach (var file in files)
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var markdown = File.ReadAllText(file);
            if (name.StartsWith("about_", StringComparison.OrdinalIgnoreCase))
            {
                if (AboutTopicConverter.Convert(markdown, file, diagnostics) is { } text)
                {
                    about[name] = text;
                }
            }
            else if (IsCommandFileName(name))
            {
                if (CommandDocParser.Parse(markdown, file, diagnostics, expectedHelpFile) is { } command)
                {
                    commands.Add(command);
                }
            }

            // Anything else (a platyPS module landing page, a README) is not help content and is skipped.
        }

        if (!diagnostics.HasErrors && commands.Count == 0 && about.Count == 0)
        {
            diagnostics.Error(options.Source, 0, "no Verb-Noun.md or about_*.md files found");
        }

        var written = new List<string>();
        if (!diagnostics.HasErrors && !options.CheckOnly)
        {
            // Nothing is written while any page is broken, so a failed build never leaves half-updated help behind.
            var output = options.Output ?? throw new InvalidOperationException("output directory is required unless checking");
            var assembly = options.ModuleAssembly ?? throw new InvalidOperationException("module assembly is required unless checking");
            Directory.CreateDirectory(output);
            if (commands.Count > 0)
            {
                var xmlPath = Path.Combine(output, HelpFileName(assembly));
                MamlWriter.Save(MamlWriter.Build(commands), xmlPath);
                written.Add(xmlPath);
            }

            foreach (var (topic, text) in about)
            {
                var path = Path.Combine(output, $"{topic}.help.txt");
                File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                written.Add(path);
            }
        }

        return new CompileResult(diagnostics.Items, commands, about, written);
    }

    private static bool IsCommandFileName(string name)
    {
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && dash < name.Length - 1 && !name.Contains(' ', StringComparison.Ordinal);
    }
}
