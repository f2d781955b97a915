// Copyright (c) RecoveryVault contributors. MIT License.
using Azure.Core;
using Azure.Core.Pipeline;

namespace RecoveryVault.Engine.Pipeline;

/// <summary>Sets <c>User-Agent: RecoveryVault/&lt;version&gt; [suffix]</c> on every request.</summary>
internal sealed class UserAgentPolicy : HttpPipelineSynchronousPolicy
{
    private readonly string _value;

    public UserAgentPolicy(string? suffix)
    {
        var version = typeof(UserAgentPolicy).Assembly.GetName().Version ?? new Version(0, 0, 0);
        _value = $"RecoveryVault/{version.ToString(3)}" + (string.IsNullOrWhiteSpace(suffix) ? string.Empty : " " + suffix);
    }

    public string Value => _value;

    public override void OnSendingRequest(HttpMessage message) => message.Request.Headers.SetValue("User-Agent", _value);
}
