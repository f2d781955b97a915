// Copyright (c) RecoveryVault contributors. MIT License.

namespace RecoveryVault.Emulator.Hosting;

/// <summary>The emulator cannot start with the data directory it was given; the message says why and what to do.</summary>
public sealed class DataDirectoryException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The data directory holds the TLS private key (<c>emulator.pfx</c>), the token signing key and the database with
/// every principal's secret: on Unix it is owner-only (0700, files 0600), set when each is created so there is no
/// window in which another user can open them.
/// </summary>
internal static class PrivateFiles
{
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode WritableByOthers = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>Creates (0700) or checks the directory: refused when others may write to it or it cannot be written.</summary>
    public static void PrepareDirectory(string directory)
    {
        try
        {
            if (!Directory.Exists(directory))
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(directory);
                }
                else
                {
                    Directory.CreateDirectory(directory, DirectoryMode);
                }
            }
            else if (!OperatingSystem.IsWindows())
            {
                var mode = File.GetUnixFileMode(directory);
                if ((mode & WritableByOthers) != 0)
                {
                    // Whoever can write here can swap the certificate or the signing key and impersonate the emulator.
                    throw new DataDirectoryException(
                        $"The data directory '{directory}' is writable by other users (mode {Convert.ToString((int)mode, 8)}); the emulator keeps its TLS and token signing keys there. Run 'chmod 700 {directory}' or choose another --data-dir.");
                }

                if (mode != DirectoryMode)
                {
                    File.SetUnixFileMode(directory, DirectoryMode);
                }
            }

            var probe = Path.Combine(directory, ".write-probe-" + Environment.ProcessId);
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DataDirectoryException($"The data directory '{directory}' cannot be created or written: {ex.Message} Choose a writable --data-dir.", ex);
        }
    }

    /// <summary>Writes through a temporary file created 0600, then moves it into place.</summary>
    public static void Write(string path, byte[] content)
    {
        var tmp = path + ".tmp";
        File.Delete(tmp);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateFileMode;
        }

        using (var stream = new FileStream(tmp, options))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Creates an empty owner-only file when missing, and narrows an existing one (made by an older emulator).</summary>
    public static void EnsurePrivate(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (!File.Exists(path))
        {
            using var created = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = PrivateFileMode });
            return;
        }

        if (File.GetUnixFileMode(path) != PrivateFileMode)
        {
            File.SetUnixFileMode(path, PrivateFileMode);
        }
    }
}
