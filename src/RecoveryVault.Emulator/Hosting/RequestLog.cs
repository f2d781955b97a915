// Copyright (c) RecoveryVault contributors. MIT License.
using System.Text.Json.Nodes;

namespace RecoveryVault.Emulator.Hosting;

/// <summary>Ring buffer of recent ARM requests for <c>GET /_emulator/requests</c>; never stores header values.</summary>
internal sealed class RequestLog
{
    private const int Capacity = 2000;
    private readonly LinkedList<JsonObject> _entries = new();
    private readonly Lock _gate = new();

    public void Add(string method, string pathAndQuery, int status, string? clientRequestId, string? userAgent, bool hadAuthorization, string? fault)
    {
        var entry = new JsonObject
        {
            ["time"] = DateTimeOffset.UtcNow.ToString("O"),
            ["method"] = method,
            ["path"] = pathAndQuery,
            ["status"] = status,
            ["clientRequestId"] = clientRequestId,
            ["userAgent"] = userAgent,
            ["hasAuthorization"] = hadAuthorization,
            ["fault"] = fault,
        };
        lock (_gate)
        {
            _entries.AddLast(entry);
            while (_entries.Count > Capacity)
            {
                _entries.RemoveFirst();
            }
        }
    }

    public JsonArray Last(int n)
    {
        lock (_gate)
        {
            var arr = new JsonArray();
            foreach (var e in _entries.Skip(Math.Max(0, _entries.Count - n)))
            {
                arr.Add(e.DeepClone());
            }

            return arr;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }
}
