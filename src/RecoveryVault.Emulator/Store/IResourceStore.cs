// Copyright (c) RecoveryVault contributors. MIT License.
namespace RecoveryVault.Emulator.Store;

/// <summary>
/// One stored JSON document. <see cref="Id"/> and <see cref="ParentId"/> are kept lower-cased so lookups are
/// case-insensitive like ARM; the body keeps the caller's casing. <see cref="Meta"/> holds emulator-only state
/// (LRO timers, secrets of a deleted vault...) that must never reach the wire.
/// </summary>
public sealed record StoredDocument(string Id, string Kind, string? ParentId, string Body, string? Meta = null);

/// <summary>The view of the store inside one transaction.</summary>
public interface IStoreSession
{
    StoredDocument? Get(string id);

    void Put(StoredDocument document);

    bool Delete(string id);

    /// <summary>Deletes <paramref name="id"/> and every document whose id starts with <c>id + "/"</c>.</summary>
    int DeleteTree(string id);

    /// <summary>Direct children, ordered by id.</summary>
    IReadOnlyList<StoredDocument> ListByParent(string parentId, string? kind = null);

    /// <summary>All documents of a kind, optionally restricted to ids under a prefix, ordered by id.</summary>
    IReadOnlyList<StoredDocument> ListByKind(string kind, string? idPrefix = null);

    void Clear();

    /// <summary>
    /// A token that changes whenever a document of <paramref name="kind"/> may have been written or removed: by this
    /// transaction or another (also one that then failed), and between two runs of the store. What a caller derived
    /// from every document of a kind stays true while the stamp it noted with it is unchanged.
    /// </summary>
    string Stamp(string kind);
}

/// <summary>
/// Generic document store behind the emulator. Every call runs in one transaction: either all its writes land or
/// none do. Implementations serialise transactions, which is plenty for an emulator and keeps reasoning simple.
/// </summary>
public interface IResourceStore : IDisposable
{
    T Transaction<T>(Func<IStoreSession, T> work);

    void Transaction(Action<IStoreSession> work);
}

internal static class StoreKeys
{
    public static string Normalize(string id) => id.ToLowerInvariant();

    public static bool IsUnder(string id, string prefix)
    {
        if (prefix.Length == 0 || prefix == "/")
        {
            return true;
        }

        return id.Length > prefix.Length
            && id.StartsWith(prefix, StringComparison.Ordinal)
            && (id[prefix.Length] == '/' || prefix.EndsWith('/'));
    }
}

/// <summary>Write counters behind <see cref="IStoreSession.Stamp"/>; used under the store's transaction lock only.</summary>
internal sealed class KindStamps
{
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private readonly Dictionary<string, long> _writes = new(StringComparer.Ordinal);
    private long _unknownRemovals;

    public void Written(string kind) => _writes[kind] = _writes.GetValueOrDefault(kind) + 1;

    /// <summary>Documents of unknown kinds went (a tree, a clear): every stamp moves.</summary>
    public void RemovedUnknown() => _unknownRemovals++;

    public string Of(string kind) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{_instance}:{_unknownRemovals}:{_writes.GetValueOrDefault(kind)}");
}

/// <summary>Document kinds. Later features (items, policies, jobs, classic vaults...) add their own.</summary>
public static class DocumentKinds
{
    public const string Subscription = "subscription";
    public const string ResourceGroup = "resourceGroup";
    public const string Vault = "vault";
    public const string VaultExtendedInfo = "vaultExtendedInfo";
    public const string DeletedVault = "deletedVault";
    public const string Operation = "operation";
    public const string Principal = "principal";
    public const string RoleAssignment = "roleAssignment";
    public const string ProtectedItem = "protectedItem";
}
