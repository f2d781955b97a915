// Copyright (c) RecoveryVault contributors. MIT License.
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using RecoveryVault.Emulator.Arm;

namespace RecoveryVault.Emulator.Validation;

/// <summary>
/// The spec as the independent judge of the ARM surface. Every request body is checked against its operation's body
/// schema before a handler sees it (a violation is Azure's 400). In strict mode (every test fixture) every answer a
/// handler gives is checked against the schema of its status code too, and one that departs is logged, counted and
/// turned into a 500 <c>EmulatorContractViolation</c>, so the emulator cannot drift from the contract unnoticed.
/// Calls no vendored spec describes (Microsoft.Resources, Authorization, Compute, Storage, classic vaults, vault
/// api-versions other than 2026-07-01) are not judged.
/// </summary>
internal sealed class ContractGate(bool strict, ILogger logger)
{
    private const int Kept = 50;

    private readonly Lock _gate = new();
    private readonly LinkedList<JsonObject> _recent = new();
    private long _requestsRejected;
    private long _responseViolations;
    private long _responsesChecked;

    public bool Strict { get; } = strict;

    private static SpecValidator Validator => SpecValidator.Shared;

    /// <summary>Builds the translated schemas now, so the first request does not pay for it (and a bad spec fails the start).</summary>
    public static void Warm() => _ = Validator;

    /// <summary>Throws Azure's 400 when <paramref name="body"/> is not what the operation takes.</summary>
    public void CheckRequest(string method, string path, string apiVersion, JsonNode? body)
    {
        var op = Validator.Catalog.Find(apiVersion, method, ArmRouter.SplitPath(path));
        if (op?.BodyDef is null)
        {
            return;
        }

        IReadOnlyList<SpecViolation> violations = body is null
            ? op.BodyRequired ? [new SpecViolation(string.Empty, "the request body is required.")] : []
            : Validator.Validate(SpecDirection.Request, op.BodyDef, body);
        if (violations.Count == 0)
        {
            return;
        }

        Interlocked.Increment(ref _requestsRejected);
        Remember("request", method, path, 0, op, violations);
        // ARM itself refuses a tracked resource without a location before the provider sees the body.
        if (!op.IsBackup && body is JsonObject root && !root.ContainsKey("location") && violations.Any(v => v.Path.Length == 0 && v.MissingProperty == "location"))
        {
            throw ArmErrors.BadRequest("LocationRequired", "The location property is required for this definition.", "location");
        }

        var detail = string.Join(" ", violations.Take(5).Select(v => v.ToString()));
        var target = violations[0].Path.Length == 0 ? null : violations[0].Path;
        // The Backup service answers input it cannot take with BMSUserErrorInvalidInput "Input provided for the call is
        // invalid" (Azure/azure-sdk-for-python#21854, hashicorp/terraform-provider-azurerm#18577); ARM and the vaults
        // provider answer a body that does not deserialize with InvalidRequestContent.
        throw op.IsBackup
            ? ArmErrors.BadRequest("BMSUserErrorInvalidInput", "Input provided for the call is invalid. " + detail, target)
            : ArmErrors.BadRequest("InvalidRequestContent", "The request content was invalid and could not be deserialized: " + detail, target);
    }

    /// <summary>
    /// Null when the answer keeps the spec (or the gate is not strict); otherwise the failure to send instead. Answers
    /// are judged in strict mode only: a page of 1,000 recovery points takes a few hundred milliseconds to judge, a
    /// cost test runs pay to keep the emulator honest and benchmarks and interactive use should not.
    /// </summary>
    public ArmException? CheckResponse(string method, string path, string apiVersion, int status, JsonNode? body)
    {
        if (!Strict || method.Equals("HEAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var op = Validator.Catalog.Find(apiVersion, method, ArmRouter.SplitPath(path));
        if (op is null)
        {
            return null;
        }

        Interlocked.Increment(ref _responsesChecked);
        var code = status.ToString(CultureInfo.InvariantCulture);
        IReadOnlyList<SpecViolation> violations;
        if (op.Responses.TryGetValue(code, out var key) || (status >= 400 && op.Responses.TryGetValue("default", out key)))
        {
            // An operation result of a finished delete has nothing left to describe: its 200 (the only success
            // GetOperationResult lists besides 202, which the official SDKs insist on) comes without a body.
            violations = key is null || (body is null && op.IsOperationResult)
                ? []
                : body is null
                    ? [new SpecViolation(string.Empty, $"the spec declares a body for status {code}, the answer has none.")]
                    : Validator.Validate(SpecDirection.Response, key, body);
        }
        else if (BodilessAsyncAnswer(op, status))
        {
            violations = [];
        }
        else if (status < 400)
        {
            violations = [new SpecViolation(string.Empty, $"status {code} is not declared (declared: {string.Join(", ", op.Responses.Keys)}).")];
        }
        else
        {
            violations = [];
        }

        if (violations.Count == 0)
        {
            return null;
        }

        Interlocked.Increment(ref _responseViolations);
        Remember("response", method, path, status, op, violations);
        var detail = string.Join(" ", violations.Take(5).Select(v => v.ToString()));
        logger.LogWarning("Contract violation: {Method} {Path} answered {Status}, which departs from {OperationId}: {Detail}", method, path, status, op.OperationId, detail);
        return Strict
            ? new ArmException(500, "EmulatorContractViolation", $"The emulator's answer ({status}) to {op.OperationId} violates the spec ({op.SpecKey}): {detail}", violations[0].Path.Length == 0 ? null : violations[0].Path)
            : null;
    }

    /// <summary>
    /// Answers ARM's asynchronous-operation contract allows beside those a spec lists. Generated clients accept
    /// 200/201/202/204 on every <c>x-ms-long-running-operation</c> (CONTRACT.md: e.g. protectionPolicies.delete
    /// 200/201/202/204 while bms.json lists 200/204), and a Location monitor answers 202 while the operation runs and
    /// 204 once a DELETE is done ("Track asynchronous Azure operations", Azure Resource Manager docs: "When the
    /// operation successfully completes, it returns either 200 (OK) or 204 (No Content)").
    /// </summary>
    private static bool BodilessAsyncAnswer(SpecOperation op, int status) =>
        (op.LongRunning && status is 200 or 201 or 202 or 204)
        || (op.IsOperationResult && status is 202 or 204);

    /// <summary>What <c>GET /_emulator/contract</c> shows.</summary>
    public JsonObject Snapshot()
    {
        var recent = new JsonArray();
        lock (_gate)
        {
            foreach (var e in _recent)
            {
                recent.Add(e.DeepClone());
            }
        }

        return new JsonObject
        {
            ["strict"] = Strict,
            ["requestsRejected"] = Interlocked.Read(ref _requestsRejected),
            ["responsesChecked"] = Interlocked.Read(ref _responsesChecked),
            ["responseViolations"] = Interlocked.Read(ref _responseViolations),
            ["recent"] = recent,
        };
    }

    public void Clear()
    {
        lock (_gate)
        {
            _recent.Clear();
        }

        Interlocked.Exchange(ref _requestsRejected, 0);
        Interlocked.Exchange(ref _responsesChecked, 0);
        Interlocked.Exchange(ref _responseViolations, 0);
    }

    private void Remember(string kind, string method, string path, int status, SpecOperation op, IReadOnlyList<SpecViolation> violations)
    {
        var entry = new JsonObject
        {
            ["kind"] = kind,
            ["method"] = method,
            ["path"] = path,
            ["status"] = status,
            ["operationId"] = op.OperationId,
            ["violations"] = new JsonArray([.. violations.Select(v => (JsonNode)new JsonObject { ["path"] = v.Path, ["message"] = v.Message })]),
        };
        lock (_gate)
        {
            _recent.AddLast(entry);
            if (_recent.Count > Kept)
            {
                _recent.RemoveFirst();
            }
        }
    }
}
