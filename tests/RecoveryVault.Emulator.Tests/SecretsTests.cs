// Copyright (c) RecoveryVault contributors. MIT License.
using System.Diagnostics;
using RecoveryVault.Emulator.Hosting;

namespace RecoveryVault.Emulator.Tests;

/// <summary>
/// Issue 14, secrets: the data directory holds the TLS private key, the token signing key and every principal's secret,
/// so it is owner-only and the emulator refuses one that others can write or that it cannot write. Unix modes only
/// (these tests run on Linux CI; Windows ACLs are out of scope here).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SecretsTests
{
    private const UnixFileMode OwnerOnlyDir = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task DataDirectory_AndItsSecrets_AreOwnerOnly()
    {
        var root = Paths.NewTempDir();
        var dataDir = Path.Combine(root, "data");
        await using (var server = await EmulatorServer.StartAsync(new EmulatorOptions { Strict = true, DataDir = dataDir, Port = 0 }))
        {
            Assert.Equal(OwnerOnlyDir, File.GetUnixFileMode(dataDir));
            foreach (var file in new[] { "emulator.pfx", "signing.key", "emulator.db" })
            {
                Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(Path.Combine(dataDir, file)));
            }

            Assert.Empty(Directory.GetFiles(dataDir, "*.tmp"));
        }

        Directory.Delete(root, recursive: true);
    }

    /// <summary>
    /// Issue 14: principals' secrets were stored and listed in plaintext. Now the database holds a salted hash, the admin
    /// list shows neither secret nor hash, and the secret appears once, in the answer that creates the principal.
    /// </summary>
    [Fact]
    public async Task PrincipalSecrets_AreHashed_AndShownOnlyAtCreation()
    {
        var root = Paths.NewTempDir();
        var dataDir = Path.Combine(root, "data");
        string secret;
        await using (var server = await EmulatorServer.StartAsync(new EmulatorOptions { Strict = true, DataDir = dataDir, Port = 0 }))
        {
            using var arm = new Arm(server);
            var created = await arm.AdminAsync("POST", "/_emulator/principals", new { displayName = "ops" });
            Assert.Equal(201, created.Code);
            secret = created.Body!["clientSecret"]!.GetValue<string>();
            var clientId = created.Body!["clientId"]!.GetValue<string>();
            Assert.False(string.IsNullOrEmpty(await arm.GetTokenAsync(clientId, secret)));
            Assert.Equal(401, (await arm.PostTokenAsync(clientId, secret + "x")).Code);

            var listed = await arm.AdminAsync("GET", "/_emulator/principals");
            var text = listed.Body!.ToJsonString();
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain("clientSecret", text, StringComparison.Ordinal);
            Assert.DoesNotContain("secretHash", text, StringComparison.Ordinal);
        }

        // Nothing on disk carries the secret (the SQLite file and its WAL were checkpointed on stop).
        foreach (var file in Directory.GetFiles(dataDir))
        {
            Assert.DoesNotContain(secret, System.Text.Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file)), StringComparison.Ordinal);
        }

        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task ExistingSecrets_FromAnOlderEmulator_AreNarrowedOnStart()
    {
        var root = Paths.NewTempDir();
        var dataDir = Path.Combine(root, "data");
        await (await EmulatorServer.StartAsync(new EmulatorOptions { Strict = true, DataDir = dataDir, Port = 0 })).DisposeAsync();
        File.SetUnixFileMode(dataDir, OwnerOnlyDir | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(Path.Combine(dataDir, "signing.key"), OwnerOnlyFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.SetUnixFileMode(Path.Combine(dataDir, "emulator.pfx"), OwnerOnlyFile | UnixFileMode.OtherRead);
        await using (await EmulatorServer.StartAsync(new EmulatorOptions { Strict = true, DataDir = dataDir, Port = 0 }))
        {
            Assert.Equal(OwnerOnlyDir, File.GetUnixFileMode(dataDir));
            Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(Path.Combine(dataDir, "signing.key")));
            Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(Path.Combine(dataDir, "emulator.pfx")));
        }

        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task DataDirectory_WritableByOthers_IsRefused()
    {
        var root = Paths.NewTempDir();
        var dataDir = Path.Combine(root, "shared");
        Directory.CreateDirectory(dataDir);
        File.SetUnixFileMode(dataDir, OwnerOnlyDir | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);
        var ex = await Assert.ThrowsAsync<DataDirectoryException>(() => EmulatorServer.StartAsync(new EmulatorOptions { Strict = true, DataDir = dataDir, Port = 0 }));
        Assert.Contains("writable by other users", ex.Message);
        Assert.Empty(Directory.GetFiles(dataDir));
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task Cli_WithUnwritableDataDir_ExitsWithAClearError()
    {
        // A path below a regular file cannot be created by anyone, root included (the CI runs as root).
        var root = Paths.NewTempDir();
        var blocker = Path.Combine(root, "a-file");
        await File.WriteAllTextAsync(blocker, "x");
        var dll = Path.Combine(AppContext.BaseDirectory, "RecoveryVault.Emulator.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { dll, "--port", "0", "--data-dir", Path.Combine(blocker, "data") })
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "the emulator did not exit");
        Assert.Equal(3, process.ExitCode);
        Assert.Contains("cannot be created or written", await stderr);
        Assert.DoesNotContain("Unhandled exception", await stderr);
        Assert.DoesNotContain("READY", await stdout);
        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task InMemoryEmulator_RemovesItsTemporaryFolder_OnStop()
    {
        var server = await EmulatorServer.StartAsync(new EmulatorOptions { Strict = true, InMemory = true, Port = 0 });
        var folder = Path.GetDirectoryName(server.CertificatePath)!;
        Assert.True(File.Exists(server.CertificatePath));
        Assert.Equal(OwnerOnlyDir, File.GetUnixFileMode(folder));
        await server.DisposeAsync();
        Assert.False(Directory.Exists(folder));
    }
}
