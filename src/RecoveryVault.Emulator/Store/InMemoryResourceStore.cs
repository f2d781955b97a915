// Copyright (c) RecoveryVault contributors. MIT License.
namespace RecoveryVault.Emulator.Store;

/// <summary>In-memory store; writes of a transaction are staged and applied only when the work returns.</summary>
public sealed class InMemoryResourceStore : IResourceStore
{
    private readonly SortedDictionary<string, StoredDocument> _documents = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public T Transaction<T>(Func<IStoreSession, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        lock (_gate)
        {
            var session = new Session(_documents);
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

    private sealed class Session(SortedDictionary<string, StoredDocument> committed) : IStoreSession
    {
        // null value = deleted in this transaction
        private readonly Dictionary<string, StoredDocument?> _pending = new(StringComparer.Ordinal);
        private bool _cleared;

        public StoredDocument? Get(string id)
        {
            var key = StoreKeys.Normalize(id);
            if (_pending.TryGetValue(key, out var staged))
            {
                return staged;
            }

            return !_cleared && committed.TryGetValue(key, out var doc) ? doc : null;
        }

        public void Put(StoredDocument document)
        {
            ArgumentNullException.ThrowIfNull(document);
            var key = StoreKeys.Normalize(document.Id);
            _pending[key] = document with { Id = key, ParentId = document.ParentId is null ? null : StoreKeys.Normalize(document.ParentId) };
        }

        public bool Delete(string id)
        {
            var existed = Get(id) is not null;
            _pending[StoreKeys.Normalize(id)] = null;
            return existed;
        }

        public int DeleteTree(string id)
        {
            var key = StoreKeys.Normalize(id);
            var victims = Where(d => d.Id == key || StoreKeys.IsUnder(d.Id, key)).Select(d => d.Id).ToList();
            foreach (var v in victims)
            {
                _pending[v] = null;
            }

            return victims.Count;
        }

        public IReadOnlyList<StoredDocument> ListByParent(string parentId, string? kind = null)
        {
            var parent = StoreKeys.Normalize(parentId);
            return Where(d => d.ParentId == parent && (kind is null || d.Kind == kind)).ToList();
        }

        public IReadOnlyList<StoredDocument> ListByKind(string kind, string? idPrefix = null)
        {
            var prefix = idPrefix is null ? null : StoreKeys.Normalize(idPrefix);
            return Where(d => d.Kind == kind && (prefix is null || StoreKeys.IsUnder(d.Id, prefix))).ToList();
        }

        public void Clear()
        {
            _pending.Clear();
            _cleared = true;
        }

        public void Commit()
        {
            if (_cleared)
            {
                committed.Clear();
            }

            foreach (var (key, doc) in _pending)
            {
                if (doc is null)
                {
                    committed.Remove(key);
                }
                else
                {
                    committed[key] = doc;
                }
            }
        }

        // Filters before merging: copying every document into a new sorted map on each list made large stores crawl.
        private IEnumerable<StoredDocument> Where(Func<StoredDocument, bool> match)
        {
            if (_pending.Count == 0)
            {
                return _cleared ? [] : committed.Values.Where(match);
            }

            var merged = new SortedDictionary<string, StoredDocument>(StringComparer.Ordinal);
            if (!_cleared)
            {
                foreach (var (k, v) in committed)
                {
                    if (match(v))
                    {
                        merged[k] = v;
                    }
                }
            }

            foreach (var (k, v) in _pending)
            {
                if (v is not null && match(v))
                {
                    merged[k] = v;
                }
                else
                {
                    merged.Remove(k);
                }
            }

            return merged.Values;
        }
    }
}
