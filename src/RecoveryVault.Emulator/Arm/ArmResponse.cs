// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;

namespace RecoveryVault.Emulator.Arm;

/// <summary>What a handler answers; the pipeline writes it.</summary>
public sealed class ArmResponse
{
    public ArmResponse(int status, JsonNode? body = null)
    {
        Status = status;
        Body = body;
    }

    public int Status { get; }

    public JsonNode? Body { get; }

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static ArmResponse Ok(JsonNode? body) => new(200, body);

    public static ArmResponse Created(JsonNode? body) => new(201, body);

    public static ArmResponse Accepted(JsonNode? body = null) => new(202, body);

    public static ArmResponse NoContent() => new(204);

    public ArmResponse WithHeader(string name, string value)
    {
        Headers[name] = value;
        return this;
    }
}
