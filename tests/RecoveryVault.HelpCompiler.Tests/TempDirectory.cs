// Copyright (c) RecoveryVault contributors. MIT License.

namespace RecoveryVault.HelpCompiler.Tests;

internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        this.Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rv-helpc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(this.Path);
    }

    public string Path { get; }

    public static string ValidSamples => System.IO.Path.Combine(AppContext.BaseDirectory, "TestData", "Valid");

    public static string ReadSample(string name) => File.ReadAllText(System.IO.Path.Combine(ValidSamples, name));

    public string Write(string fileName, string content)
    {
        var path = System.IO.Path.Combine(this.Path, fileName);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(this.Path, recursive: true);
        }
        catch (IOException)
        {
            // A leaked temp folder is harmless; failing the test over cleanup would hide the real result.
        }
    }
}
