// Copyright (c) RecoveryVault contributors. MIT License.
namespace RecoveryVault.Emulator.Store;

/// <summary>
/// In-memory store; writes of a transaction are staged and applied only when the work returns. Committed and staged
/// documents are both kept in a <see cref="DocumentIndex"/>, so a list costs what it returns, not the store's size.
/// </summary>
public sealed class InMemoryResourceStore : IResourceStore
{
    private readonly DocumentIndex _committed = new();
    private readonly KindStamps _stamps = new();
    private readonly Lock _gate = new();

    public T Transaction<T>(Func<IStoreSession, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        lock (_gate)
        {
            var session = new Session(_committed, _stamps);
            var result = work(session);
            session.Commit();
            return result;
        }
    }

    public void Transaction(Action<IStoreSession> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        Transaction<object?>(s =>
        {
            work(s);
            return null;
        });
    }

    public void Dispose()
    {
    }

    private sealed class Session(DocumentIndex committed, KindStamps stamps) : IStoreSession
    {
        private readonly DocumentIndex _staged = new();

        // Ids deleted in this transaction that may still be committed; never also in _staged.
        private readonly HashSet<string> _deleted = new(StringComparer.Ordinal);
        private bool _cleared;

        public StoredDocument? Get(string id) => Visible(StoreKeys.Normalize(id));

        public void Put(StoredDocument document)
        {
            ArgumentNullException.ThrowIfNull(document);
            var key = StoreKeys.Normalize(document.Id);
            if (Visible(key) is { } previous && previous.Kind != document.Kind)
            {
                stamps.Written(previous.Kind);
            }

            stamps.Written(document.Kind);
            _deleted.Remove(key);
            _staged.Set(document with { Id = key, ParentId = document.ParentId is null ? null : StoreKeys.Normalize(document.ParentId) });
        }

        public bool Delete(string id)
        {
            var key = StoreKeys.Normalize(id);
            var existing = Visible(key);
            if (existing is not null)
            {
                stamps.Written(existing.Kind);
            }

            _staged.Remove(key);
            if (!_cleared && committed.Contains(key))
            {
                _deleted.Add(key);
            }

            return existing is not null;
        }

        public int DeleteTree(string id)
        {
            var key = StoreKeys.Normalize(id);
            var victims = Merge(committed.IdsUnder(key), _staged.IdsUnder(key)).ToList();
            // IdsUnder of the root already holds every id; elsewhere the tree's own root is not "under" itself.
            var root = key.Length == 0 || key == "/";
            if (!root && Visible(key) is not null)
            {
                victims.Add(key);
            }

            foreach (var v in victims)
            {
                Delete(v);
            }

            return victims.Count;
        }

        public IReadOnlyList<StoredDocument> ListByParent(string parentId, string? kind = null)
        {
            var parent = StoreKeys.Normalize(parentId);
            return Documents(Merge(committed.IdsOfParent(parent, kind), _staged.IdsOfParent(parent, kind)));
        }

        public IReadOnlyList<StoredDocument> ListByKind(string kind, string? idPrefix = null)
        {
            var prefix = idPrefix is null ? null : StoreKeys.Normalize(idPrefix);
            return Documents(Merge(committed.IdsOfKind(kind, prefix), _staged.IdsOfKind(kind, prefix)));
        }

        public string Stamp(string kind) => stamps.Of(kind);

        public void Clear()
        {
            stamps.RemovedUnknown();
            _staged.Clear();
            _deleted.Clear();
            _cleared = true;
        }

        public void Commit()
        {
            if (_cleared)
            {
                committed.Clear();
            }

            foreach (var key in _deleted)
            {
                committed.Remove(key);
            }

            foreach (var doc in _staged.Documents)
            {
                committed.Set(doc);
            }
        }

        private StoredDocument? Visible(string key)
        {
            if (_staged.TryGet(key, out var staged))
            {
                return staged;
            }

            return !_cleared && !_deleted.Contains(key) && committed.TryGet(key, out var doc) ? doc : null;
        }

        private List<StoredDocument> Documents(IEnumerable<string> ids)
        {
            var list = new List<StoredDocument>();
            foreach (var id in ids)
            {
                list.Add(Visible(id)!);
            }

            return list;
        }

        /// <summary>
        /// Ordered union of the committed ids this transaction still sees and the staged ids; a committed id that was
        /// deleted or re-staged (maybe under another kind or parent) is answered by the staged side only.
        /// </summary>
        private IEnumerable<string> Merge(IEnumerable<string> committedIds, IEnumerable<string> stagedIds)
        {
            using var c = (_cleared ? Enumerable.Empty<string>() : committedIds.Where(id => !_deleted.Contains(id) && !_staged.Contains(id))).GetEnumerator();
            using var s = stagedIds.GetEnumerator();
            var hasC = c.MoveNext();
            var hasS = s.MoveNext();
            while (hasC || hasS)
            {
                if (!hasS || (hasC && string.CompareOrdinal(c.Current, s.Current) < 0))
                {
                    yield return c.Current;
                    hasC = c.MoveNext();
                }
                else
                {
                    yield return s.Current;
                    hasS = s.MoveNext();
                }
            }
        }
    }
}

/// <summary>
/// Documents by id with ordered secondary indexes by kind, by parent and by (parent, kind). Prefix lists are range
/// scans of the ordered ids: every id under <c>p/</c> sorts in <c>[p/, p0)</c> because '0' follows '/'.
/// </summary>
internal sealed class DocumentIndex
{
    private readonly Dictionary<string, StoredDocument> _byId = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<string>> _byKind = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<string>> _byParent = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Parent, string Kind), SortedSet<string>> _byParentKind = new();

    public IEnumerable<StoredDocument> Documents => _byId.Values;

    public bool Contains(string id) => _byId.ContainsKey(id);

    public bool TryGet(string id, out StoredDocument doc) => _byId.TryGetValue(id, out doc!);

    /// <summary>Adds or replaces; the id must already be normalised.</summary>
    public void Set(StoredDocument doc)
    {
        Remove(doc.Id);
        _byId[doc.Id] = doc;
        _ids.Add(doc.Id);
        Bucket(_byKind, doc.Kind).Add(doc.Id);
        if (doc.ParentId is not null)
        {
            Bucket(_byParent, doc.ParentId).Add(doc.Id);
            Bucket(_byParentKind, (doc.ParentId, doc.Kind)).Add(doc.Id);
        }
    }

    public bool Remove(string id)
    {
        if (!_byId.Remove(id, out var old))
        {
            return false;
        }

        _ids.Remove(id);
        Unbucket(_byKind, old.Kind, id);
        if (old.ParentId is not null)
        {
            Unbucket(_byParent, old.ParentId, id);
            Unbucket(_byParentKind, (old.ParentId, old.Kind), id);
        }

        return true;
    }

    public void Clear()
    {
        _byId.Clear();
        _ids.Clear();
        _byKind.Clear();
        _byParent.Clear();
        _byParentKind.Clear();
    }

    /// <summary>Ids strictly under <paramref name="prefix"/> (see <see cref="StoreKeys.IsUnder"/>), ordered.</summary>
    public IEnumerable<string> IdsUnder(string prefix) => Range(_ids, prefix);

    public IEnumerable<string> IdsOfKind(string kind, string? prefix) =>
        _byKind.TryGetValue(kind, out var set) ? Range(set, prefix) : [];

    public IEnumerable<string> IdsOfParent(string parent, string? kind)
    {
        var found = kind is null ? _byParent.TryGetValue(parent, out var set) : _byParentKind.TryGetValue((parent, kind), out set);
        return found ? set! : Enumerable.Empty<string>();
    }

    private static IEnumerable<string> Range(SortedSet<string> set, string? prefix)
    {
        if (prefix is null || prefix.Length == 0 || prefix == "/")
        {
            return set;
        }

        var lower = prefix.EndsWith('/') ? prefix : prefix + "/";
        var upper = string.Concat(lower.AsSpan(0, lower.Length - 1), "0");
        if (set.Count == 0 || string.CompareOrdinal(lower, set.Max) > 0 || string.CompareOrdinal(upper, set.Min) < 0)
        {
            return [];
        }

        return set.GetViewBetween(lower, upper).Where(id => StoreKeys.IsUnder(id, prefix));
    }

    private static SortedSet<string> Bucket<TKey>(Dictionary<TKey, SortedSet<string>> index, TKey key)
        where TKey : notnull
    {
        if (!index.TryGetValue(key, out var set))
        {
            set = new SortedSet<string>(StringComparer.Ordinal);
            index[key] = set;
        }

        return set;
    }

    private static void Unbucket<TKey>(Dictionary<TKey, SortedSet<string>> index, TKey key, string id)
        where TKey : notnull
    {
        if (index.TryGetValue(key, out var set) && set.Remove(id) && set.Count == 0)
        {
            index.Remove(key);
        }
    }
}
