// Copyright (c) RecoveryVault contributors. MIT License.
namespace RecoveryVault.Engine.Hosting;

/// <summary>
/// What the cmdlet layer sees of a failed call. It derives from <see cref="Exception"/> only, so the cmdlet
/// assembly never needs Azure.Core (which lives in the module's own load context).
/// </summary>
public sealed class RecoveryVaultServiceException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RecoveryVaultServiceException(int status, string? errorCode, string message, string? target, string? requestId,
        IReadOnlyList<string>? details = null, Exception? inner = null)
        : base(message, inner)
    {
        Status = status;
        ErrorCode = errorCode;
        Target = target;
        RequestId = requestId;
        Details = details ?? [];
    }

    /// <summary>HTTP status (0: no response, e.g. a network failure or an authentication failure).</summary>
    public int Status { get; }

    /// <summary>ARM error code.</summary>
    public string? ErrorCode { get; }

    /// <summary>ARM error target.</summary>
    public string? Target { get; }

    /// <summary>x-ms-request-id.</summary>
    public string? RequestId { get; }

    /// <summary>Nested error messages ("code: message").</summary>
    public IReadOnlyList<string> Details { get; }

    /// <summary>True when the caller could not get a token at all.</summary>
    public bool IsAuthentication { get; init; }
}
