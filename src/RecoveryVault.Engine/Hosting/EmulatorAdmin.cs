// Copyright (c) RecoveryVault contributors. MIT License.
using System.Net.Http.Json;
using System.Net.Security;
using System.Text.Json.Nodes;
using RecoveryVault.Engine.Pipeline;

namespace RecoveryVault.Engine.Hosting;

/// <summary>
/// Calls the emulator's <c>/_emulator/*</c> admin surface (seeding, faults, reset). It pins the emulator's
/// certificate the same way the ARM client does.
/// </summary>
public sealed class EmulatorAdmin : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>Creates an admin client for an emulator endpoint.</summary>
    public EmulatorAdmin(Uri endpoint, string? thumbprint, Pipeline.ServiceClock? clock = null)
    {
        var handler = new SocketsHttpHandler();
        if (thumbprint is not null)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, errors) => errors == SslPolicyErrors.None || PinnedCertificateTransport.Matches(cert, thumbprint),
            };
        }
        _http = new HttpClient(handler) { BaseAddress = endpoint, Timeout = TimeSpan.FromSeconds(30) };
        _clock = clock;
    }

    // Moving the simulated clock moves the service's time: the session's clock must hear of it at once.
    private readonly Pipeline.ServiceClock? _clock;

    /// <summary>GET/POST/PUT/DELETE an admin path with an optional JSON body; returns the JSON answer.</summary>
    public async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new RecoveryVaultServiceException(0, "EmulatorUnreachable", $"The emulator at {_http.BaseAddress} did not answer: {ex.Message}", path, null, inner: ex);
        }
        using (response)
        {
            if (response.Headers.Date is { } date)
            {
                _clock?.Observe(date);
            }
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            JsonNode? node = null;
            try
            {
                node = string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
            }
            catch (System.Text.Json.JsonException)
            {
                // Not JSON: reported below if it was an error.
            }
            if (!response.IsSuccessStatusCode)
            {
                var code = node?["error"]?["code"]?.GetValue<string>() ?? "EmulatorError";
                var message = node?["error"]?["message"]?.GetValue<string>() ?? text;
                throw new RecoveryVaultServiceException((int)response.StatusCode, code, message, path, null);
            }
            return node;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
