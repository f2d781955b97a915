// Copyright (c) RecoveryVault contributors. MIT License.
using RecoveryVault.Emulator.Store;

namespace RecoveryVault.Emulator.Tests;

/// <summary>
/// The store's list semantics that its indexes must keep (issue 9): lists by parent, kind and id prefix come out in
/// id order, see the transaction's own staged writes, and never leak a neighbour whose id merely shares characters
/// (vault1 / vault10). Each case runs against both stores, which must agree.
/// </summary>
public sealed class StoreIndexTests
{
    private const string Rg = "/subscriptions/s1/resourcegroups/rg";
    private const string V1 = Rg + "/providers/microsoft.recoveryservices/vaults/vault1";
    private const string V10 = Rg + "/providers/microsoft.recoveryservices/vaults/vault10";

    public static TheoryData<string> Stores => new() { "memory", "sqlite" };

    [Theory]
    [MemberData(nameof(Stores))]
    public void ListByKind_Prefix_IsOrderedAndStopsAtTheSegment(string kind)
    {
        using var store = new TestStore(kind);
        store.Transaction(s =>
        {
            Put(s, V10 + "/backuppolicies/a", "policy", V10);
            Put(s, V1 + "/backuppolicies/c", "policy", V1);
            Put(s, V1 + "/backuppolicies/a", "policy", V1);
            Put(s, V1, "vault", Rg);
            Put(s, V1 + "-x/backuppolicies/z", "policy", V1 + "-x");
        });
        store.Transaction(s => Put(s, V1 + "/backuppolicies/b", "policy", V1));

        store.Transaction(s =>
        {
            Assert.Equal([V1 + "/backuppolicies/a", V1 + "/backuppolicies/b", V1 + "/backuppolicies/c"], Ids(s.ListByKind("policy", V1)));

            // A trailing slash and the caller's casing name the same subtree.
            Assert.Equal(Ids(s.ListByKind("policy", V1)), Ids(s.ListByKind("policy", V1.ToUpperInvariant() + "/")));
            Assert.Equal([V10 + "/backuppolicies/a"], Ids(s.ListByKind("policy", V10)));
            Assert.Equal(5, s.ListByKind("policy").Count);
            Assert.Empty(s.ListByKind("policy", V1 + "/backuppolicies/a"));
            Assert.Empty(s.ListByKind("nothing", V1));
            Assert.Equal([V1], Ids(s.ListByKind("vault", Rg)));
        });
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void ListByParent_FiltersByKind_AndFollowsAReparentedDocument(string kind)
    {
        using var store = new TestStore(kind);
        store.Transaction(s =>
        {
            Put(s, V1 + "/backupjobs/j2", "job", V1);
            Put(s, V1 + "/backupjobs/j1", "job", V1);
            Put(s, V1 + "/backuppolicies/p", "policy", V1);
            Put(s, V10 + "/backupjobs/j3", "job", V10);
        });

        store.Transaction(s =>
        {
            Assert.Equal([V1 + "/backupjobs/j1", V1 + "/backupjobs/j2", V1 + "/backuppolicies/p"], Ids(s.ListByParent(V1)));
            Assert.Equal([V1 + "/backupjobs/j1", V1 + "/backupjobs/j2"], Ids(s.ListByParent(V1.ToUpperInvariant(), "job")));

            // Same id put again under another parent and kind: the old parent and kind no longer list it, even
            // before the transaction commits.
            Put(s, V1 + "/backupjobs/j1", "archivedJob", V10);
            Assert.Equal([V1 + "/backupjobs/j2"], Ids(s.ListByParent(V1, "job")));
            Assert.Equal([V1 + "/backupjobs/j1", V10 + "/backupjobs/j3"], Ids(s.ListByParent(V10)));
            Assert.Equal([V1 + "/backupjobs/j1"], Ids(s.ListByKind("archivedJob")));
        });

        store.Transaction(s =>
        {
            Assert.Equal([V1 + "/backupjobs/j2", V1 + "/backuppolicies/p"], Ids(s.ListByParent(V1)));
            Assert.Equal([V1 + "/backupjobs/j1", V10 + "/backupjobs/j3"], Ids(s.ListByParent(V10)));
            Assert.Equal([V10 + "/backupjobs/j3"], Ids(s.ListByParent(V10, "job")));
            Assert.Equal(V10, s.Get(V1 + "/backupjobs/j1")!.ParentId);
        });
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void ReadsInsideATransaction_MergeStagedPutsAndDeletes_InIdOrder(string kind)
    {
        using var store = new TestStore(kind);
        store.Transaction(s =>
        {
            foreach (var n in new[] { "b", "d", "f" })
            {
                Put(s, V1 + "/items/" + n, "item", V1, "committed");
            }
        });

        store.Transaction(s =>
        {
            Put(s, V1 + "/items/a", "item", V1);
            Put(s, V1 + "/items/e", "item", V1);
            Put(s, V1 + "/items/d", "item", V1, "staged");
            Assert.True(s.Delete(V1 + "/items/f"));
            Assert.False(s.Delete(V1 + "/items/zz"));

            Assert.Equal(["a", "b", "d", "e"], Names(s.ListByKind("item", V1)));
            Assert.Equal(["a", "b", "d", "e"], Names(s.ListByParent(V1, "item")));
            Assert.Equal("staged", s.Get(V1 + "/items/d")!.Body);
            Assert.Null(s.Get(V1 + "/items/f"));

            // Deleted, then put again in the same transaction: present once, with the new body.
            Assert.True(s.Delete(V1 + "/items/b"));
            Assert.Equal(["a", "d", "e"], Names(s.ListByKind("item", V1)));
            Put(s, V1 + "/items/b", "item", V1, "again");
            Assert.Equal(["a", "b", "d", "e"], Names(s.ListByKind("item", V1)));
            Assert.Equal("again", s.Get(V1 + "/items/b")!.Body);
        });

        store.Transaction(s =>
        {
            Assert.Equal(["a", "b", "d", "e"], Names(s.ListByKind("item", V1)));
            Assert.Equal("again", s.Get(V1 + "/items/b")!.Body);
            Assert.Equal("staged", s.Get(V1 + "/items/d")!.Body);
        });
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void DeleteTree_TakesCommittedAndStagedDescendants_NotTheNeighbour(string kind)
    {
        using var store = new TestStore(kind);
        store.Transaction(s =>
        {
            Put(s, V1, "vault", Rg);
            Put(s, V1 + "/items/a", "item", V1);
            Put(s, V1 + "/items/a/points/1", "point", V1 + "/items/a");
            Put(s, V10, "vault", Rg);
            Put(s, V10 + "/items/a", "item", V10);
        });

        store.Transaction(s =>
        {
            Put(s, V1 + "/items/b", "item", V1);
            Assert.Equal(4, s.DeleteTree(V1.ToUpperInvariant()));
            Assert.Null(s.Get(V1));
            Assert.Empty(s.ListByKind("item", V1));
            Assert.Empty(s.ListByParent(V1));
            Assert.Equal([V10 + "/items/a"], Ids(s.ListByKind("item")));

            // A subtree may be rebuilt in the transaction that removed it.
            Put(s, V1 + "/items/c", "item", V1);
            Assert.Equal([V1 + "/items/c", V10 + "/items/a"], Ids(s.ListByKind("item")));
        });

        store.Transaction(s =>
        {
            Assert.Equal([V10], Ids(s.ListByKind("vault")));
            Assert.Equal([V1 + "/items/c", V10 + "/items/a"], Ids(s.ListByKind("item")));
            Assert.Empty(s.ListByKind("point"));
            Assert.Equal(0, s.DeleteTree(V1 + "/items/a"));
            Assert.Equal(1, s.DeleteTree(V1 + "/items/c"));
        });

        store.Transaction(s => Assert.Equal([V10 + "/items/a"], Ids(s.ListByKind("item"))));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void Clear_HidesEverythingCommitted_AndKeepsWhatFollowsInTheTransaction(string kind)
    {
        using var store = new TestStore(kind);
        store.Transaction(s =>
        {
            Put(s, V1, "vault", Rg);
            Put(s, V1 + "/items/a", "item", V1);
        });

        store.Transaction(s =>
        {
            Put(s, V1 + "/items/b", "item", V1);
            s.Clear();
            Assert.Null(s.Get(V1));
            Assert.Empty(s.ListByKind("item"));
            Assert.Empty(s.ListByParent(Rg));
            Put(s, V10, "vault", Rg);
            Assert.Equal([V10], Ids(s.ListByParent(Rg, "vault")));
            Assert.Equal(1, s.DeleteTree(Rg));
            Put(s, V10, "vault", Rg);
        });

        store.Transaction(s =>
        {
            Assert.Equal([V10], Ids(s.ListByKind("vault")));
            Assert.Empty(s.ListByKind("item"));
            Assert.Null(s.Get(V1 + "/items/a"));
        });
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void AFailedTransaction_LeavesListsAsTheyWere(string kind)
    {
        using var store = new TestStore(kind);
        store.Transaction(s => Put(s, V1 + "/items/a", "item", V1));

        Assert.Throws<InvalidOperationException>(() => store.Transaction(s =>
        {
            Put(s, V1 + "/items/b", "item", V1);
            s.DeleteTree(V1);
            s.Clear();
            throw new InvalidOperationException("abandoned");
        }));

        store.Transaction(s =>
        {
            Assert.Equal([V1 + "/items/a"], Ids(s.ListByKind("item", V1)));
            Assert.Equal([V1 + "/items/a"], Ids(s.ListByParent(V1, "item")));
        });
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void Stamp_MovesWithEveryWriteOfItsKind_AndOnlyThen(string kind)
    {
        using var store = new TestStore(kind);
        string Of(string k) => store.Transaction(s => s.Stamp(k));
        var items = Of("item");
        var jobs = Of("job");

        store.Transaction(s => Put(s, V1 + "/jobs/j1", "job", V1));
        Assert.Equal(items, Of("item"));
        Assert.NotEqual(jobs, Of("job"));

        // Seen inside the transaction that writes, and kept moved when that transaction fails.
        items = Of("item");
        Assert.Throws<InvalidOperationException>(() => store.Transaction(s =>
        {
            var before = s.Stamp("item");
            Put(s, V1 + "/items/a", "item", V1);
            Assert.NotEqual(before, s.Stamp("item"));
            throw new InvalidOperationException("abandoned");
        }));
        Assert.NotEqual(items, Of("item"));

        // A put that changes a document's kind moves the old kind's stamp too.
        jobs = Of("job");
        store.Transaction(s => Put(s, V1 + "/jobs/j1", "archivedJob", V1));
        Assert.NotEqual(jobs, Of("job"));

        jobs = Of("job");
        store.Transaction(s => Put(s, V1 + "/jobs/j2", "job", V1));
        Assert.NotEqual(jobs, Of("job"));
        jobs = Of("job");
        store.Transaction(s => Assert.True(s.Delete(V1 + "/jobs/j2")));
        Assert.NotEqual(jobs, Of("job"));

        foreach (var removal in new Action<IStoreSession>[] { s => s.DeleteTree(V1), s => s.Clear() })
        {
            store.Transaction(s => Put(s, V1 + "/jobs/j3", "job", V1));
            jobs = Of("job");
            store.Transaction(removal);
            Assert.NotEqual(jobs, Of("job"));
        }

        // Reads never move it; another store (or the same data after a restart) never shares it.
        jobs = Of("job");
        store.Transaction(s => s.ListByKind("job"));
        Assert.Equal(jobs, Of("job"));
        using var other = new TestStore(kind);
        Assert.NotEqual(jobs, other.Transaction(s => s.Stamp("job")));
    }

    private static void Put(IStoreSession s, string id, string kind, string? parent, string body = "{}") =>
        s.Put(new StoredDocument(id, kind, parent, body));

    private static string[] Ids(IReadOnlyList<StoredDocument> docs) => [.. docs.Select(d => d.Id)];

    private static string[] Names(IReadOnlyList<StoredDocument> docs) => [.. docs.Select(d => d.Id[(d.Id.LastIndexOf('/') + 1)..])];

    private sealed class TestStore : IResourceStore
    {
        private readonly IResourceStore _inner;
        private readonly string? _dir;

        public TestStore(string kind)
        {
            if (kind == "sqlite")
            {
                _dir = Paths.NewTempDir();
                _inner = new SqliteResourceStore(Path.Combine(_dir, "emulator.db"));
            }
            else
            {
                _inner = new InMemoryResourceStore();
            }
        }

        public T Transaction<T>(Func<IStoreSession, T> work) => _inner.Transaction(work);

        public void Transaction(Action<IStoreSession> work) => _inner.Transaction(work);

        public void Dispose()
        {
            _inner.Dispose();
            if (_dir is not null)
            {
                Directory.Delete(_dir, recursive: true);
            }
        }
    }
}
