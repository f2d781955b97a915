// Copyright (c) RecoveryVault contributors. MIT License.
using RecoveryVault.Emulator;

EmulatorOptions options;
try
{
    if (args.Any(a => a is "-h" or "--help" or "-?"))
    {
        Console.WriteLine("RecoveryVault.Emulator [--port 0] [--data-dir DIR] [--in-memory] [--page-size 100] [--faults 429:0.1,...] [--fault-latency-ms 200] [--seed 1] [--lro-duration-ms 1000] [--retry-after-seconds 1]");
        return 0;
    }

    options = EmulatorOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

EmulatorServer server;
try
{
    server = await EmulatorServer.StartAsync(options).ConfigureAwait(false);
}
catch (RecoveryVault.Emulator.Hosting.DataDirectoryException ex)
{
    Console.Error.WriteLine("RecoveryVault emulator cannot start: " + ex.Message);
    return 3;
}

await using var running = server;
foreach (var line in server.StartLines())
{
    Console.Out.WriteLine(line);
}

Console.Out.Flush();
await server.WaitForShutdownAsync().ConfigureAwait(false);
return 0;
