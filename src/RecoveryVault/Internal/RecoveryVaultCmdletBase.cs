// Copyright (c) RecoveryVault contributors. MIT License.
using System.Collections.Concurrent;
using System.Management.Automation;
using RecoveryVault.Engine.Hosting;

namespace RecoveryVault.Internal;

/// <summary>
/// Base of every cmdlet: runs async work off the pipeline thread with a token that Ctrl+C cancels, and pumps every
/// write (objects, errors, verbose, progress, ShouldProcess prompts) back onto the pipeline thread, the only thread
/// PowerShell allows them on.
/// </summary>
public abstract partial class RecoveryVaultCmdletBase : PSCmdlet, ICmdletAccess
{
    bool ICmdletAccess.IsWhatIf => IsWhatIf;

    /// <summary>-WhatIf is in force (bound, or through $WhatIfPreference).</summary>
    protected bool IsWhatIf =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) ? ((SwitchParameter)w).IsPresent : GetVariableValue("WhatIfPreference") is true or SwitchParameter { IsPresent: true };

    Task<bool> ICmdletAccess.ShouldProcessStepAsync(string target, string action) => ShouldProcessAsync(target, action);

    void ICmdletAccess.Verbose(string text) => EmitVerbose(text);

    /// <summary>Writes queued ahead of the pipeline thread at most (service pages hold 100 or more items).</summary>
    internal const int PumpCapacity = 64;

    private readonly CancellationTokenSource _cts = new();
    private BlockingCollection<Action>? _queue;
    private int _pipelineThreadId;

    /// <summary>Cancelled by Ctrl+C (StopProcessing).</summary>
    protected CancellationToken CancellationToken => _cts.Token;

    /// <inheritdoc />
    protected override void StopProcessing() => _cts.Cancel();

    // The runspace this cmdlet runs in, taken on the pipeline thread that creates it: its async work continues on
    // other threads, where Runspace.DefaultRunspace is not this runspace.
    private readonly System.Management.Automation.Runspaces.Runspace? _runspace = System.Management.Automation.Runspaces.Runspace.DefaultRunspace;

    /// <summary>The runspace the cmdlet runs in (its connection is this runspace's).</summary>
    protected System.Management.Automation.Runspaces.Runspace? CurrentRunspace => _runspace;

    /// <summary>The connected session, or a terminating NotConnected error.</summary>
    protected RecoveryVaultSession Session => ModuleState.For(_runspace) ?? throw new PSInvalidOperationException(
        "Not connected. Run Connect-RecoveryVault first (or Connect-RecoveryVault -Emulator for the local emulator).");

    /// <summary>Fails the whole call when nobody is connected.</summary>
    protected void RequireSession()
    {
        if (ModuleState.For(_runspace) is null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new PSInvalidOperationException("Not connected. Run Connect-RecoveryVault first (or Connect-RecoveryVault -Emulator for the local emulator)."),
                ErrorIds.NotConnected, ErrorCategory.ConnectionError, null));
        }
    }

    /// <summary>
    /// The classic Backup vault API is retired: Azure no longer exposes classic vaults (their upgrade is done by
    /// Microsoft), so against Azure these cmdlets say exactly that instead of a misleading "not found". The emulator
    /// keeps a model of them for testing upgrade scripts.
    /// </summary>
    protected void RequireClassicSurface()
    {
        RequireSession();
        if (!ModuleState.For(_runspace)!.IsEmulator)
        {
            ThrowTerminatingError(new ErrorRecord(
                new PSNotSupportedException("Azure no longer exposes classic Backup vaults: the classic (Service Manager) Backup vault API is retired, so there is nothing to list, check or upgrade from here. The classic vault cmdlets work against the local emulator (Connect-RecoveryVault with Start-RecoveryVaultEmulator), for testing upgrade scripts."),
                ErrorIds.ClassicVaultsRetired, ErrorCategory.NotImplemented, null));
        }
    }

    /// <summary>A time the user typed: without a kind it is local time, as everywhere in PowerShell.</summary>
    protected static DateTimeOffset? UserTime(DateTime? value) =>
        value is { } v ? new DateTimeOffset(v.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(v, DateTimeKind.Local) : v) : null;

    private List<IDictionary<string, object?>>? _jobCalls;

    /// <summary>
    /// For cmdlets with -AsJob: call first in ProcessRecord. With -AsJob (and no -WhatIf, which runs here so its
    /// lines show) it records this record's parameters for the background job, after asking ShouldProcess here,
    /// where the user can answer, and returns true: the record is then done.
    /// </summary>
    protected bool DeferToJob(bool asJob)
    {
        if (!asJob || IsWhatIf)
        {
            return false;
        }
        var call = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in MyInvocation.BoundParameters)
        {
            if (key is not ("AsJob" or "WhatIf" or "Confirm"))
            {
                call[key] = value;
            }
        }
        if (!ForceSkipsConfirmation && !ShouldProcess(JobTarget(call), $"Start as a background job: {MyInvocation.MyCommand.Name}"))
        {
            return true;
        }
        // Answered here: the job cannot prompt.
        call["Confirm"] = new SwitchParameter(false);
        (_jobCalls ??= []).Add(call);
        return true;
    }

    /// <summary>True when this call's -Force means "do not ask" (so -AsJob does not ask either).</summary>
    protected virtual bool ForceSkipsConfirmation => false;

    private static string JobTarget(Dictionary<string, object?> call)
    {
        foreach (var key in new[] { "InputObject", "ResourceId", "Name" })
        {
            if (call.TryGetValue(key, out var value) && value is not null)
            {
                var id = PSObject.AsPSObject(value).Properties["Id"]?.Value;
                return (id ?? value).ToString() ?? key;
            }
        }
        return string.Join(" ", call.Select(kv => $"-{kv.Key} {kv.Value}"));
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        DrainFanOut();
        if (_jobCalls is not { Count: > 0 } calls)
        {
            return;
        }
        // The manifest, so the job's runspace gets the format views too.
        var info = MyInvocation.MyCommand.Module;
        var manifest = info is null ? null : Path.Combine(info.ModuleBase, "RecoveryVault.psd1");
        var module = manifest is not null && File.Exists(manifest) ? manifest : info?.Path ?? typeof(RecoveryVaultCmdletBase).Assembly.Location;
        var job = new Models.RecoveryVaultBackgroundJob(MyInvocation.MyCommand.Module is { } m ? $"{m.Name}\\{MyInvocation.MyCommand.Name}" : MyInvocation.MyCommand.Name,
            module, calls, null, ModuleState.For(_runspace));
        JobRepository.Add(job);
        job.Start();
        WriteObject(job);
    }

    /// <summary>Runs <paramref name="work"/> on the thread pool and pumps its writes here until it ends.</summary>
    protected void Run(Func<CancellationToken, Task> work)
    {
        // Bounded, and smaller than a service page: a long listing streams with back-pressure (memory stays flat however
        // many pages there are) and the first object is out before the next page is asked for.
        using var queue = new BlockingCollection<Action>(PumpCapacity);
        _queue = queue;
        _pipelineThreadId = Environment.CurrentManagedThreadId;
        var task = StartWork(work, queue, null);
        try
        {
            foreach (var action in queue.GetConsumingEnumerable())
            {
                action();
            }
        }
        catch
        {
            // Downstream stopped (Select-Object -First) or a write failed: the work must not go on, or stay blocked
            // on a full queue nobody drains.
            _cts.Cancel();
            throw;
        }
        finally
        {
            _queue = null;
        }
        Finish(task);
    }

    // Starts the work on the thread pool with its writes going to queue (closed when the work ends); a fan-out unit
    // is made current in the work's async flow so its writes, request log lines included, land in its own queue.
    private Task StartWork(Func<CancellationToken, Task> work, BlockingCollection<Action> queue, FanUnit? unit)
    {
        // WriteVerbose itself drops what the preference hides; headers are only gathered when -Debug could show them.
        var debug = MyInvocation.BoundParameters.ContainsKey("Debug")
            || (GetVariableValue("DebugPreference")?.ToString() is { } d && d != "SilentlyContinue");
        return Task.Run(async () =>
        {
            CurrentUnit.Value = unit;
            IDisposable? scope = null;
            {
                scope = RecoveryVaultSession.BeginLogScope(entry =>
                {
                    var line = $"{entry.Method} {entry.Uri} -> {(entry.Status == 0 ? "no response" : entry.Status.ToString(System.Globalization.CultureInfo.InvariantCulture))}"
                        + $" (x-ms-request-id: {entry.RequestId ?? "-"}, x-ms-client-request-id: {entry.ClientRequestId ?? "-"}, {entry.Elapsed.TotalMilliseconds:F0} ms)"
                        + (entry.Error is null ? string.Empty : " " + entry.Error);
                    Post(() => WriteVerbose(line));
                    if (debug)
                    {
                        var headers = string.Join("; ", entry.RequestHeaders.Select(h => $"{h.Key}: {h.Value}"));
                        Post(() => WriteDebug($"Request headers: {headers}"));
                    }
                });
            }
            try
            {
                await work(_cts.Token).ConfigureAwait(false);
            }
            finally
            {
                scope?.Dispose();
                queue.CompleteAdding();
            }
        });
    }

    // Reports how the work ended, on the pipeline thread.
    private void Finish(Task task)
    {
        // The queue closes inside the task's finally block, a moment before the task itself is complete: wait for
        // it, or a failure could be missed.
        try
        {
            task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_cts.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception ex) when (ex is PipelineStoppedException or ActionPreferenceStopException)
        {
            throw;
        }
        catch (RecoveryVaultServiceException s) when (IsPerItemFailure(s))
        {
            // The service was out of reach for this item (or this item's outcome is unknown): the next piped item
            // may well go through, so this is a non-terminating error (-ErrorAction Stop makes it terminating).
            WriteError(ServiceErrorRecord(s, s.Target, null));
        }
        catch (RecoveryVaultServiceException s)
        {
            ThrowTerminatingError(ServiceErrorRecord(s, s.Target, null));
        }
        catch (HostCannotAskException h)
        {
            // Nothing was done for this record; another one may not need the question (or -Force may be added).
            WriteError(new ErrorRecord(h, ErrorIds.ConfirmationRequired, ErrorCategory.PermissionDenied, null));
        }
        catch (ErrorRecordException e)
        {
            ThrowTerminatingError(e.Record);
        }
        catch (Exception ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, ErrorIdForUnexpected(ex), CategoryForUnexpected(ex), null));
        }
    }

    private static bool IsPerItemFailure(RecoveryVaultServiceException ex) =>
        !ex.IsAuthentication && (ex.Status == 0 || ex.Status == 429 || ex.Status >= 500);

    private static string ErrorIdForUnexpected(Exception ex) => ex switch
    {
        FormatException => ErrorIds.InvalidResourceId,
        ArgumentException => ErrorIds.InvalidRequest,
        OperationCanceledException or TimeoutException => ErrorIds.OperationCancelled,
        _ => ErrorIds.ServiceError,
    };

    private static ErrorCategory CategoryForUnexpected(Exception ex) => ex switch
    {
        FormatException or ArgumentException => ErrorCategory.InvalidArgument,
        OperationCanceledException or TimeoutException => ErrorCategory.OperationTimeout,
        _ => ErrorCategory.NotSpecified,
    };

    /// <summary>Runs <paramref name="action"/> on the pipeline thread (now, if already there).</summary>
    protected void Post(Action action)
    {
        var queue = CurrentUnit.Value is { } unit && ReferenceEquals(unit.Owner, this) ? unit.Queue : _queue;
        if (Environment.CurrentManagedThreadId == _pipelineThreadId || (queue is null && _pipelineThreadId == 0))
        {
            action();
            return;
        }
        if (queue is null)
        {
            // The pump has closed (the pipeline stopped, e.g. Select-Object -First): work still unwinding on a pool
            // thread must not write through the runspace from there, which races the pipeline thread's next command
            // (seen as Pester's own functions going missing mid-test).
            return;
        }
        try
        {
            queue.Add(action, _cts.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or ObjectDisposedException)
        {
            // The pump has finished or the call was stopped; nothing can be written any more.
        }
    }

    /// <summary>Writes an object from any thread.</summary>
    protected void Emit(object? value) => Post(() => WriteObject(value));

    /// <summary>Writes a non-terminating error from any thread.</summary>
    protected void EmitError(ErrorRecord record) => Post(() => WriteError(record));

    /// <summary>Writes verbose text from any thread.</summary>
    protected void EmitVerbose(string text) => Post(() => WriteVerbose(text));

    /// <summary>Writes a warning from any thread.</summary>
    protected void EmitWarning(string text) => Post(() => WriteWarning(text));

    /// <summary>Writes progress from any thread.</summary>
    protected void EmitProgress(ProgressRecord record) => Post(() => WriteProgress(record));

    /// <summary>Asks ShouldProcess on the pipeline thread.</summary>
    protected Task<bool> ShouldProcessAsync(string target, string action)
    {
        var tcs = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        // A question dropped because the call was stopped must not leave the work waiting forever.
        _cts.Token.Register(() => tcs.TrySetCanceled());
        Post(() =>
        {
            try
            {
                tcs.TrySetResult(ShouldProcess(target, action));
            }
            catch (Exception ex) when (ex is PSInvalidOperationException or NullReferenceException)
            {
                // NonInteractive mode, or a console host whose input is closed (its prompt then fails with a
                // NullReferenceException of its own): either way nobody can answer.
                tcs.TrySetException(new HostCannotAskException(ex));
            }
            catch (Exception ex)
            {
                tcs.TrySetException(ex);
            }
        });
        return tcs.Task;
    }

    /// <summary>Asks ShouldContinue on the pipeline thread (honouring -Force).</summary>
    protected Task<bool> ShouldContinueAsync(string query, string caption, bool force)
    {
        if (force)
        {
            return Task.FromResult(true);
        }
        var tcs = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        // A question dropped because the call was stopped must not leave the work waiting forever.
        _cts.Token.Register(() => tcs.TrySetCanceled());
        Post(() =>
        {
            try
            {
                tcs.TrySetResult(ShouldContinue(query, caption));
            }
            catch (Exception ex) when (ex is PSInvalidOperationException or NullReferenceException)
            {
                // NonInteractive mode, or a console host whose input is closed (its prompt then fails with a
                // NullReferenceException of its own): either way nobody can answer.
                tcs.TrySetException(new HostCannotAskException(ex));
            }
            catch (Exception ex)
            {
                tcs.TrySetException(ex);
            }
        });
        return tcs.Task;
    }

    /// <summary>Builds the error record for a service failure.</summary>
    protected static ErrorRecord ServiceErrorRecord(RecoveryVaultServiceException ex, string? targetId, string? notFoundId)
    {
        var id = ErrorIds.IdFor(ex.Status, ex.ErrorCode, notFoundId);
        var message = ex.Message.TrimEnd('.') + "."
            + $" (Code: {ex.ErrorCode ?? "None"}; Status: {ex.Status}; RequestId: {ex.RequestId ?? "None"})"
            + (ex.Details.Count > 0 ? " Details: " + string.Join(" | ", ex.Details) : string.Empty);
        var exception = new RecoveryVaultException(message, ex.Status, ex.ErrorCode, ex.RequestId, targetId ?? ex.Target);
        return new ErrorRecord(exception, id, ErrorIds.CategoryFor(ex.Status), targetId ?? ex.Target)
        {
            ErrorDetails = new ErrorDetails(message) { RecommendedAction = RecommendedAction(id) },
        };
    }

    /// <summary>Writes a per-item service failure as a non-terminating error.</summary>
    protected void EmitServiceError(RecoveryVaultServiceException ex, string? targetId, string? notFoundId = null) =>
        EmitError(ServiceErrorRecord(ex, targetId, notFoundId));

    /// <summary>An error record for a validation failure of the caller's input.</summary>
    protected static ErrorRecord InputError(string message, string id, object? target) =>
        new(new ArgumentException(message), id, ErrorCategory.InvalidArgument, target);

    /// <summary>
    /// Checks a subscription id and resource group name the caller gave (null: not given) against Azure's rules before
    /// they become part of a request path; writes one non-terminating error and answers false on the first problem.
    /// With <paramref name="fromId"/> the values came out of that resource id, so the id is what is invalid.
    /// </summary>
    protected bool CheckScope(string? subscriptionId, string? resourceGroupName, object? target, string? fromId = null, string? vaultName = null)
    {
        var problem = subscriptionId is null ? null : InputRules.SubscriptionIdProblem(subscriptionId);
        var id = ErrorIds.InvalidResourceId;
        if (problem is null && resourceGroupName is not null && InputRules.ResourceGroupNameProblem(resourceGroupName) is { } group)
        {
            problem = group;
            id = fromId is null ? ErrorIds.InvalidName : ErrorIds.InvalidResourceId;
        }
        // A vault segment of '..' (or '%2e%2e', which parsing decodes) would be resolved away by the URI and send the
        // request to another resource.
        if (problem is null && vaultName is not null && InputRules.VaultNameProblem(vaultName) is { } vault)
        {
            problem = vault;
            id = fromId is null ? ErrorIds.InvalidName : ErrorIds.InvalidResourceId;
        }
        if (problem is null)
        {
            return true;
        }
        WriteErrorInOrder(InputError(fromId is null ? problem : $"The resource id '{fromId}' is not valid. {problem}", id, target ?? fromId));
        return false;
    }

    /// <summary>Checks a vault name against the Recovery Services naming rule; writes a non-terminating InvalidName error when it breaks it.</summary>
    protected bool CheckVaultName(string name, object? target) => CheckScope(null, null, target ?? name, vaultName: name);

    private static string? RecommendedAction(string id) => id switch
    {
        ErrorIds.PermissionDenied => "Ask an Owner of the scope for a role that grants the action (Grant-RecoveryVaultAccess), then reconnect.",
        ErrorIds.AuthenticationFailed => "Run Connect-RecoveryVault again.",
        ErrorIds.ResourceGuardAuthorizationRequired => "Pass -ResourceGuardToken with a token for the guard's tenant, or connect with an identity that is a guest there.",
        ErrorIds.ResourceGuardAccessDenied => "Ask the resource guard's owner for the Backup MUA Operator role on the guard (usually just in time), then run the command again.",
        ErrorIds.ResourceGroupNotFound => "Create the resource group first, or check its name and the subscription.",
        ErrorIds.RequestThrottled => "Wait a little and retry, or connect with a larger -RetryBudget; the client waited out the throttling as long as its budget allowed.",
        ErrorIds.ServiceUnavailable => "Retry later; the client already retried (and, for a change, checked that it was not made).",
        ErrorIds.OutcomeUnknown => "Check whether the change was made (the message says how) before running the command again.",
        _ => null,
    };
}

/// <summary>What helpers running inside a cmdlet's async work may ask of it.</summary>
internal interface ICmdletAccess
{
    /// <summary>-WhatIf is in force.</summary>
    bool IsWhatIf { get; }

    /// <summary>ShouldProcess on the pipeline thread.</summary>
    Task<bool> ShouldProcessStepAsync(string target, string action);

    /// <summary>Verbose from any thread.</summary>
    void Verbose(string text);
}

/// <summary>A confirmation the host could not ask (NonInteractive, closed input). A PSInvalidOperationException, as the
/// host's own, so a cmdlet that catches that one for its own ConfirmationRequired keeps doing so.</summary>
public sealed class HostCannotAskException : PSInvalidOperationException
{
    /// <summary>Wraps the host's failure.</summary>
    public HostCannotAskException(Exception inner)
        : base($"This host cannot ask for confirmation ({inner.Message}). Pass -Force or -Confirm:$false to go ahead, or -WhatIf to see what would be done.", inner)
    {
    }
}

/// <summary>Carries a ready error record out of async work.</summary>
public sealed class ErrorRecordException : Exception
{
    /// <summary>Wraps a record.</summary>
    public ErrorRecordException(ErrorRecord record) : base(record.Exception.Message, record.Exception) => Record = record;

    /// <summary>The record.</summary>
    public ErrorRecord Record { get; }
}

/// <summary>The exception in every RecoveryVault service error record.</summary>
public sealed class RecoveryVaultException : Exception
{
    /// <summary>Creates it.</summary>
    public RecoveryVaultException(string message, int status, string? errorCode, string? requestId, string? resourceId) : base(message)
    {
        Status = status;
        ErrorCode = errorCode;
        RequestId = requestId;
        ResourceId = resourceId;
    }

    /// <summary>HTTP status (0 when no response came).</summary>
    public int Status { get; }

    /// <summary>ARM error code.</summary>
    public string? ErrorCode { get; }

    /// <summary>x-ms-request-id.</summary>
    public string? RequestId { get; }

    /// <summary>The resource the call was about.</summary>
    public string? ResourceId { get; }
}
