// Copyright (c) RecoveryVault contributors. MIT License.

namespace RecoveryVault.HelpCompiler;

/// <summary>A problem found in a help source file. Line is 1-based so it can be pasted into an editor.</summary>
internal sealed record HelpDiagnostic(string File, int Line, string Message)
{
    public override string ToString() => $"{File}:{Line}: error: {Message}";
}

/// <summary>Collects every problem in a run so one build reports all broken docs at once instead of one per retry.</summary>
internal sealed class DiagnosticBag
{
    private readonly List<HelpDiagnostic> items = [];

    public IReadOnlyList<HelpDiagnostic> Items => this.items;

    public bool HasErrors => this.items.Count > 0;

    /// <param name="zeroBasedLine">Markdig line numbers are 0-based; callers pass them through unchanged.</param>
    public void Error(string file, int zeroBasedLine, string message) =>
        this.items.Add(new HelpDiagnostic(file, Math.Max(zeroBasedLine, 0) + 1, message));
}
