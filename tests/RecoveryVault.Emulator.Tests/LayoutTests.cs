// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.RegularExpressions;

namespace RecoveryVault.Emulator.Tests;

/// <summary>
/// Issue 9, layout: the emulator's folders depend one way (Handlers → Domain → Store; the Arm protocol layer routes to
/// handlers), the domain has one home and one typed record over a stored document, and each resource type has one
/// handler in one file, listed in one table. Checked on the source, so a shortcut back up the layers fails the build's tests.
/// </summary>
public sealed class LayoutTests
{
    private static string Emulator => Path.Combine(Paths.RepoRoot(), "src", "RecoveryVault.Emulator");

    private static IEnumerable<(string File, string Text)> Sources(string folder) =>
        Directory.GetFiles(Path.Combine(Emulator, folder), "*.cs", SearchOption.AllDirectories)
            .Select(f => (Path.GetRelativePath(Emulator, f), File.ReadAllText(f)));

    [Theory]
    [InlineData("Domain", new[] { "RecoveryVault.Emulator.Handlers", "RecoveryVault.Emulator.Middleware", "RecoveryVault.Emulator.Hosting", "ArmContext", "ArmRouter", "ArmResponse", "HttpContext" })]
    [InlineData("Store", new[] { "RecoveryVault.Emulator.Handlers", "RecoveryVault.Emulator.Domain", "RecoveryVault.Emulator.Arm", "RecoveryVault.Emulator.Middleware", "RecoveryVault.Emulator.Hosting" })]
    public void Folder_DoesNotReachUpTheLayers(string folder, string[] forbidden)
    {
        var offences = Sources(folder)
            .SelectMany(s => forbidden.Where(f => Regex.IsMatch(s.Text, $@"\b{Regex.Escape(f)}\b")).Select(f => $"{s.File} uses {f}"))
            .ToList();
        Assert.Empty(offences);
    }

    [Fact]
    public void Handlers_OneHandlerPerFile_AllInTheTable()
    {
        var table = File.ReadAllText(Path.Combine(Emulator, "Handlers", "HandlerTable.cs"));
        foreach (var (file, text) in Sources("Handlers"))
        {
            var handlers = Regex.Matches(text, @"^internal static (?:partial )?class (\w+Handler)\b", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
            Assert.True(handlers.Count <= 1, $"{file} holds {string.Join(", ", handlers)}");
            if (handlers.Count == 1 && Regex.IsMatch(text, @"public static void Register\(ArmRouter"))
            {
                Assert.Equal(handlers[0] + ".cs", Path.GetFileName(file));
                Assert.Contains(handlers[0] + ".Register", table, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void OneTypedRecordOverAStoredDocument_AndOneKindsCatalogueName()
    {
        var all = Directory.GetFiles(Path.Combine(Paths.RepoRoot(), "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText).ToList();
        Assert.Equal(1, all.Sum(t => Regex.Matches(t, @"\brecord ResourceDoc\(").Count));
        Assert.DoesNotContain(all, t => Regex.IsMatch(t, @"\brecord (VaultRecord|BackupDoc)\b"));
        Assert.True(all.Sum(t => Regex.Matches(t, @"\bclass BackupKinds\b").Count) <= 1);
    }
}
