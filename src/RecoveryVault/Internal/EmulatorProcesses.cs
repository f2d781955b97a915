// Copyright (c) RecoveryVault contributors. MIT License.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using RecoveryVault.Models;

namespace RecoveryVault.Internal;

/// <summary>Emulator processes started from this session; stopped when the module is removed.</summary>
internal static class EmulatorProcesses
{
    private static readonly ConcurrentDictionary<int, Process> s_processes = new();
    private static int s_exitHooked;

    public static string DefaultEmulatorPath =>
        Path.Combine(Path.GetDirectoryName(typeof(EmulatorProcesses).Assembly.Location)!, "Emulator", "RecoveryVault.Emulator.dll");

    // The emulator is framework-dependent; the dotnet host is found from the runtime PowerShell itself runs on.
    private static string DotnetHost()
    {
        var fromEnv = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(fromEnv))
        {
            return fromEnv;
        }
        var exe = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "dotnet.exe" : "dotnet";
        var runtimeDir = RuntimeEnvironment.GetRuntimeDirectory();
        var root = Path.GetFullPath(Path.Combine(runtimeDir, "..", "..", ".."));
        var candidate = Path.Combine(root, exe);
        if (File.Exists(candidate))
        {
            return candidate;
        }
        var processPath = Environment.ProcessPath;
        return processPath is not null && Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? processPath : exe;
    }

    public static async Task<EmulatorInstance> StartAsync(string emulatorPath, IReadOnlyList<string> args, string? dataDirectory, TimeSpan timeout, CancellationToken ct)
    {
        if (!File.Exists(emulatorPath))
        {
            throw new FileNotFoundException($"The emulator was not found at '{emulatorPath}'. Build the module with ./build.ps1 -Task Build, or pass -Path.", emulatorPath);
        }
        var psi = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        psi.ArgumentList.Add(emulatorPath);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("The emulator process did not start.");
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutCts.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeoutCts.Token).ConfigureAwait(false);
                if (line is null)
                {
                    // stderr is read on its own; only after exit is it known to be complete, and its last line is
                    // usually the reason (e.g. exit 3 for a data directory it cannot write).
                    try
                    {
                        await process.WaitForExitAsync(timeoutCts.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        // Closed stdout but still running: report what there is.
                    }
                    string err;
                    lock (stderr)
                    {
                        err = stderr.ToString().Trim();
                    }
                    throw new InvalidOperationException($"The emulator exited before it was ready (exit code {(process.HasExited ? process.ExitCode : -1)}). {err}");
                }
                if (line.StartsWith("READY ", StringComparison.Ordinal))
                {
                    var info = JsonNode.Parse(line[6..])!;
                    // Keep draining stdout so the child never blocks on a full pipe.
                    _ = DrainAsync(process);
                    s_processes[process.Id] = process;
                    HookProcessExit();
                    string S(string name) => info[name]?.GetValue<string>() ?? string.Empty;
                    return new EmulatorInstance(S("endpoint"), S("thumbprint"), S("certificatePath"), S("tenantId"), S("subscriptionId"),
                        S("ownerClientId"), S("ownerClientSecret"), process.Id, dataDirectory);
                }
            }
        }
        catch
        {
            TryKill(process);
            throw;
        }
    }

    private static async Task DrainAsync(Process process)
    {
        try
        {
            while (await process.StandardOutput.ReadLineAsync().ConfigureAwait(false) is not null)
            {
            }
        }
        catch (Exception)
        {
            // The process is gone.
        }
    }

    public static bool Stop(int processId)
    {
        if (s_processes.TryRemove(processId, out var process))
        {
            TryKill(process);
            return true;
        }
        // Only processes this session started are ever stopped: a reused process id must never kill a stranger.
        return false;
    }

    public static IReadOnlyCollection<int> Running => s_processes.Keys.ToList();

    // An emulator started from this session must not outlive it. Hooked on the first start rather than at import, so
    // a session that never starts one does no emulator work at all, not even when it exits.
    private static void HookProcessExit()
    {
        if (Interlocked.Exchange(ref s_exitHooked, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();
        }
    }

    public static void StopAll()
    {
        foreach (var id in s_processes.Keys.ToList())
        {
            Stop(id);
        }
    }

    private static void TryKill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // Already gone, or not ours to kill any more.
        }
    }
}
