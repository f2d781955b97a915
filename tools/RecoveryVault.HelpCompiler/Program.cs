// Copyright (c) RecoveryVault contributors. MIT License.

namespace RecoveryVault.HelpCompiler;

internal static class Program
{
    internal const int Success = 0;
    internal const int DocErrors = 1;
    internal const int UsageError = 2;

    private const string Usage = """
        Compiles platyPS v1 markdown help into PowerShell MAML and about_*.help.txt files.

        Usage:
          RecoveryVault.HelpCompiler --source <dir> --module-assembly <name> --output <dir>
          RecoveryVault.HelpCompiler --source <dir> [--module-assembly <name>] --check

        Options:
          --source <dir>             Folder containing Verb-Noun.md and about_*.md pages.
          --module-assembly <name>   Module file the help belongs to; writes <name>-Help.xml (e.g. RecoveryVault.dll).
          --output <dir>             Folder to write into, usually <module>/en-US.
          --check                    Validate only; write nothing.

        Exit codes: 0 success, 1 documentation errors, 2 bad command line.
        """;

    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    internal static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? source = null, assembly = null, output = null;
        var check = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--source" when i + 1 < args.Length:
                    source = args[++i];
                    break;
                case "--module-assembly" when i + 1 < args.Length:
                    assembly = args[++i];
                    break;
                case "--output" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                case "--check":
                    check = true;
                    break;
                case "-h" or "--help" or "-?":
                    stdout.WriteLine(Usage);
                    return Success;
                default:
                    stderr.WriteLine($"error: unexpected or incomplete argument '{args[i]}'");
                    stderr.WriteLine(Usage);
                    return UsageError;
            }
        }

        if (source is null || (!check && (assembly is null || output is null)))
        {
            stderr.WriteLine("error: --source is required, and --module-assembly and --output are required unless --check is given");
            stderr.WriteLine(Usage);
            return UsageError;
        }

        var result = HelpCompiler.Compile(new CompilerOptions(source, assembly, output, check));
        // Files are reported in the order they were read, each file's problems top to bottom, so fixing can go in reading order.
        foreach (var error in result.Errors.GroupBy(e => e.File).SelectMany(g => g.OrderBy(e => e.Line)))
        {
            stderr.WriteLine(error);
        }

        if (result.Errors.Count > 0)
        {
            stderr.WriteLine($"{result.Errors.Count} error(s); no help was written.");
            return DocErrors;
        }

        var summary = $"{result.Commands.Count} command(s), {result.AboutTopics.Count} about topic(s)";
        if (check)
        {
            stdout.WriteLine($"ok: {summary} in {source} are valid.");
        }
        else
        {
            foreach (var file in result.WrittenFiles)
            {
                stdout.WriteLine($"wrote {file}");
            }

            stdout.WriteLine($"ok: {summary}.");
        }

        return Success;
    }
}
