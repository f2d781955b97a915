// Copyright (c) RecoveryVault contributors. MIT License.
using System.Collections.Concurrent;
using System.Management.Automation;

namespace RecoveryVault.Internal;

/// <summary>
/// Fan-out: the piped records of one call (vaults, items, subscriptions) are read concurrently, at most
/// -ThrottleLimit at a time, while the output stays exactly what reading them one after another gives.
/// <list type="bullet">
/// <item>Each record's work is a unit with its own bounded queue of writes; units are kept in input order.</item>
/// <item>Only the oldest unit (the head) is written to the pipeline, on the pipeline thread; the others read ahead
/// until their queue is full, then wait for their turn. Memory is bounded by ThrottleLimit × <see cref="FanUnitCapacity"/>
/// writes, however many records or pages there are.</item>
/// <item>A new record starts as soon as fewer than ThrottleLimit units are pending; otherwise the pipeline thread
/// writes the head out to its end first. Whatever the head has ready is written before the record call returns, so the
/// first objects are out long before the last vault is read.</item>
/// <item>Per-unit failures are reported at the unit's place in the output (the same mapping as <see cref="Run"/>);
/// Ctrl+C, a downstream stop (Select-Object -First) or a terminating failure cancels every pending unit.</item>
/// </list>
/// ARM throttling needs nothing here: every request of the connection goes through the client's ThrottleGate, so a
/// 429 on one unit holds all of them for the Retry-After the service gave.
/// </summary>
public abstract partial class RecoveryVaultCmdletBase : IDisposable
{
    /// <summary>Default -ThrottleLimit of the cmdlets that read per vault.</summary>
    public const int DefaultThrottleLimit = 8;

    /// <summary>Largest -ThrottleLimit: beyond it ARM's per-principal read budget, not the client, is the limit.</summary>
    public const int MaxThrottleLimit = 64;

    /// <summary>
    /// Writes a unit may queue before it waits for its turn: the same bound as <see cref="Run"/>'s, less than a page, so
    /// a unit (the only one, when one record is piped) never asks for page 2 before its first object is out.
    /// </summary>
    internal const int FanUnitCapacity = PumpCapacity;

    private static readonly AsyncLocal<FanUnit?> CurrentUnit = new();
    private readonly Queue<FanUnit> _fan = new();

    private sealed class FanUnit(RecoveryVaultCmdletBase owner, BlockingCollection<Action> queue)
    {
        public RecoveryVaultCmdletBase Owner { get; } = owner;

        public BlockingCollection<Action> Queue { get; } = queue;

        public Task Task { get; set; } = Task.CompletedTask;
    }

    /// <summary>
    /// Runs <paramref name="work"/> for one record as part of the call's fan-out (see the class remarks); with a
    /// <paramref name="throttleLimit"/> of 1 it is <see cref="Run"/>: one record after another, as before.
    /// Everything the work reads from bound parameters must be captured before: the next record rebinds them.
    /// </summary>
    protected void Fan(int throttleLimit, Func<CancellationToken, Task> work)
    {
        if (throttleLimit <= 1 && _fan.Count == 0)
        {
            Run(work);
            return;
        }
        _pipelineThreadId = Environment.CurrentManagedThreadId;
        while (_fan.Count >= throttleLimit)
        {
            WriteHead(block: true);
        }
        EnsureThreads(throttleLimit);
        var unit = new FanUnit(this, new BlockingCollection<Action>(FanUnitCapacity));
        unit.Task = StartWork(work, unit.Queue, unit);
        // A unit left behind by a stopped pipeline still ends (cancelled); its failure must not go unobserved.
        _ = unit.Task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _fan.Enqueue(unit);
        while (_fan.Count > 0 && WriteHead(block: false))
        {
        }
    }

    /// <summary>
    /// A non-terminating error about one record, written in its place: after the output of the records before it
    /// that are still being read (now, when none are).
    /// </summary>
    protected void WriteErrorInOrder(ErrorRecord record)
    {
        if (_fan.Count == 0)
        {
            WriteError(record);
            return;
        }
        var queue = new BlockingCollection<Action>(1) { () => WriteError(record) };
        queue.CompleteAdding();
        _fan.Enqueue(new FanUnit(this, queue));
    }

    /// <summary>Writes every pending unit out, in order (EndProcessing).</summary>
    private void DrainFanOut()
    {
        while (_fan.Count > 0)
        {
            WriteHead(block: true);
        }
    }

    // Writes what the head unit has (all of it, to its end, when block); true when the head ended and was removed.
    private bool WriteHead(bool block)
    {
        var head = _fan.Peek();
        try
        {
            if (block)
            {
                foreach (var action in head.Queue.GetConsumingEnumerable(_cts.Token))
                {
                    action();
                }
            }
            else
            {
                while (head.Queue.TryTake(out var action))
                {
                    action();
                }
                if (!head.Queue.IsCompleted)
                {
                    return false;
                }
            }
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch
        {
            // Downstream stopped (Select-Object -First) or a write failed: no pending unit may go on reading.
            _cts.Cancel();
            throw;
        }
        _fan.Dequeue();
        head.Queue.Dispose();
        try
        {
            Finish(head.Task);
        }
        catch
        {
            _cts.Cancel();
            throw;
        }
        return true;
    }

    private static int _threadsEnsured;

    // A unit waiting for its turn holds a pool thread (its writes block on a full queue). On a small machine the pool
    // starts with one thread per core and adds more only slowly, so up to ThrottleLimit waiting units could starve the
    // head's own I/O continuations for seconds: the pool's minimum is raised (never lowered) to cover them.
    private static void EnsureThreads(int throttleLimit)
    {
        var wanted = throttleLimit + Environment.ProcessorCount;
        if (Volatile.Read(ref _threadsEnsured) >= wanted)
        {
            return;
        }
        ThreadPool.GetMinThreads(out var workers, out var io);
        if (workers < wanted)
        {
            ThreadPool.SetMinThreads(wanted, io);
        }
        Volatile.Write(ref _threadsEnsured, wanted);
    }

    /// <summary>Cancels units a stopped or failed pipeline left pending (PowerShell disposes every command of a pipeline).</summary>
    public void Dispose()
    {
        if (_fan.Count > 0)
        {
            _cts.Cancel();
        }
        GC.SuppressFinalize(this);
    }
}
