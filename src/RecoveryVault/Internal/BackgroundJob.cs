// Copyright (c) RecoveryVault contributors. MIT License.
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace RecoveryVault.Models;

/// <summary>
/// The PowerShell job that <c>-AsJob</c> returns: the same cmdlet, run with the same parameters in a runspace of its
/// own (in this process; it acts with the connection of the runspace that started it), one call per piped record. Receive-Job, Wait-Job, Stop-Job and
/// Remove-Job work on it as on any job.
/// </summary>
public sealed class RecoveryVaultBackgroundJob : Job
{
    private readonly string _command;
    private readonly string _modulePath;
    private readonly IReadOnlyList<IDictionary<string, object?>> _calls;
    private readonly Engine.Hosting.RecoveryVaultSession? _session;
    private readonly object _gate = new();
    private PowerShell? _powerShell;
    private bool _stopping;

    internal RecoveryVaultBackgroundJob(string command, string modulePath, IReadOnlyList<IDictionary<string, object?>> calls, string? name, Engine.Hosting.RecoveryVaultSession? session)
        : base(command, name)
    {
        _session = session;
        _command = command;
        _modulePath = modulePath;
        _calls = calls;
        PSJobTypeName = "RecoveryVaultJob";
    }

    /// <summary>What the job is doing, for Get-Job.</summary>
    public override string StatusMessage => JobStateInfo.State.ToString();

    /// <inheritdoc />
    public override bool HasMoreData =>
        Output.Count > 0 || Error.Count > 0 || Warning.Count > 0 || Verbose.Count > 0 || Progress.Count > 0 || Information.Count > 0 || Debug.Count > 0;

    /// <inheritdoc />
    public override string Location => "localhost";

    /// <summary>The number of calls (piped records) the job makes.</summary>
    public int CallCount => _calls.Count;

    internal void Start()
    {
        SetJobState(JobState.Running);
        _ = Task.Run(RunAll);
    }

    private void RunAll()
    {
        JobState final = JobState.Completed;
        PowerShell? ps = null;
        try
        {
            var state = InitialSessionState.CreateDefault2();
            state.ImportPSModule(new[] { _modulePath });
            ps = PowerShell.Create(state);
            // The job's runspace acts as the runspace that started it: its connection, not whatever another runspace holds.
            Internal.ModuleState.Set(ps.Runspace, _session, processWide: false);
            ps.Streams.Error = Error;
            ps.Streams.Warning = Warning;
            ps.Streams.Verbose = Verbose;
            ps.Streams.Debug = Debug;
            ps.Streams.Progress = Progress;
            ps.Streams.Information = Information;
            lock (_gate)
            {
                if (_stopping)
                {
                    SetJobState(JobState.Stopped);
                    return;
                }
                _powerShell = ps;
            }
            foreach (var call in _calls)
            {
                ps.Commands.Clear();
                ps.AddCommand(_command);
                foreach (var (key, value) in call)
                {
                    ps.AddParameter(key, value);
                }
                ps.Invoke(null, Output);
                if (ps.InvocationStateInfo.State == PSInvocationState.Stopped || _stopping)
                {
                    final = JobState.Stopped;
                    break;
                }
            }
        }
        catch (Exception ex) when (_stopping && ex is PipelineStoppedException or OperationCanceledException)
        {
            final = JobState.Stopped;
        }
        catch (RuntimeException ex)
        {
            // A terminating error ends the job as Failed, the way Start-Job reports one; Receive-Job shows the record.
            Error.Add(ex.ErrorRecord);
            final = JobState.Failed;
        }
        catch (Exception ex)
        {
            Error.Add(new ErrorRecord(ex, Internal.ErrorIds.ServiceError, ErrorCategory.NotSpecified, _command));
            final = JobState.Failed;
        }
        finally
        {
            // Disposed only once StopJob is done with it: a Stop still running on a disposed PowerShell throws.
            lock (_gate)
            {
                _powerShell = null;
            }
            ps?.Dispose();
        }
        SetJobState(final);
    }

    /// <summary>Stops the calls (the service's own operations go on, as when Ctrl+C stops a cmdlet).</summary>
    public override void StopJob()
    {
        lock (_gate)
        {
            _stopping = true;
            // Without a running call the loop sees the flag itself; only it sets the final state. Stopped under the
            // lock, so the job cannot dispose the PowerShell while Stop still uses it.
            _powerShell?.Stop();
        }
    }
}
