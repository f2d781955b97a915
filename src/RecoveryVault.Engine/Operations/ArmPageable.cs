// Copyright (c) RecoveryVault contributors. MIT License.
using System.Runtime.CompilerServices;
using Azure;

namespace RecoveryVault.Engine.Operations;

/// <summary>Pages of an ARM list: the first request lazily, then each <c>nextLink</c> verbatim.</summary>
internal sealed class ArmPageable<T> : Pageable<T> where T : notnull
{
    private readonly Func<string?, Page<T>> _fetch;

    public ArmPageable(Func<string?, Page<T>> fetch, CancellationToken ct) : base(ct) => _fetch = fetch;

    public override IEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null)
    {
        string? next = continuationToken;
        do
        {
            CancellationToken.ThrowIfCancellationRequested();
            var page = _fetch(next);
            yield return page;
            next = page.ContinuationToken;
        }
        while (!string.IsNullOrEmpty(next));
    }
}

/// <summary>Async pages of an ARM list.</summary>
internal sealed class ArmAsyncPageable<T> : AsyncPageable<T> where T : notnull
{
    private readonly Func<string?, CancellationToken, Task<Page<T>>> _fetch;

    public ArmAsyncPageable(Func<string?, CancellationToken, Task<Page<T>>> fetch, CancellationToken ct) : base(ct) => _fetch = fetch;

    public override IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null) =>
        Iterate(continuationToken, CancellationToken);

    private async IAsyncEnumerable<Page<T>> Iterate(string? next, [EnumeratorCancellation] CancellationToken ct)
    {
        do
        {
            ct.ThrowIfCancellationRequested();
            var page = await _fetch(next, ct).ConfigureAwait(false);
            yield return page;
            next = page.ContinuationToken;
        }
        while (!string.IsNullOrEmpty(next));
    }
}
