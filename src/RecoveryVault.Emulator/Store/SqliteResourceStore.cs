// Copyright (c) RecoveryVault contributors. MIT License.
using Microsoft.Data.Sqlite;

namespace RecoveryVault.Emulator.Store;

/// <summary>
/// SQLite-backed store. WAL + synchronous=FULL so that a write the emulator acknowledged survives kill -9;
/// one connection, transactions serialised by a lock. Lists are index range scans that come out in id order:
/// (kind, id) for a kind and a prefix, (parent_id, kind, id) for children, the primary key for a tree.
/// </summary>
public sealed class SqliteResourceStore : IResourceStore
{
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();
    private readonly KindStamps _stamps = new();
    private bool _disposed;

    public SqliteResourceStore(string databasePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        // SQLite creates the file with the umask's mode (often 0644) and gives its -wal/-shm files the same mode,
        // so the file is made owner-only before SQLite opens it.
        Hosting.PrivateFiles.EnsurePrivate(databasePath);
        var csb = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // A pooled connection would keep the file open after Dispose and block a restart on the same folder.
            Pooling = false,
        };
        _connection = new SqliteConnection(csb.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL;");
        Execute("PRAGMA synchronous=FULL;");
        Execute("PRAGMA busy_timeout=5000;");
        Execute("""
            CREATE TABLE IF NOT EXISTS documents (
                id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                parent_id TEXT,
                body TEXT NOT NULL,
                meta TEXT,
                updated_at TEXT NOT NULL
            );
            DROP INDEX IF EXISTS ix_documents_parent;
            DROP INDEX IF EXISTS ix_documents_kind;
            CREATE INDEX IF NOT EXISTS ix_documents_parent_kind_id ON documents(parent_id, kind, id);
            CREATE INDEX IF NOT EXISTS ix_documents_kind_id ON documents(kind, id);
            """);
    }

    public T Transaction<T>(Func<IStoreSession, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var tx = _connection.BeginTransaction();
            var result = work(new Session(_connection, tx, _stamps));
            tx.Commit();
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
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            try
            {
                Execute("PRAGMA wal_checkpoint(TRUNCATE);");
            }
            catch (SqliteException)
            {
                // A failed checkpoint only leaves the WAL file behind; SQLite replays it on the next open.
            }

            _connection.Dispose();
        }
    }

    private void Execute(string sql)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private sealed class Session(SqliteConnection connection, SqliteTransaction tx, KindStamps stamps) : IStoreSession
    {
        public StoredDocument? Get(string id)
        {
            using var cmd = Command("SELECT id, kind, parent_id, body, meta FROM documents WHERE id = $id");
            cmd.Parameters.AddWithValue("$id", StoreKeys.Normalize(id));
            return Read(cmd).FirstOrDefault();
        }

        public void Put(StoredDocument document)
        {
            ArgumentNullException.ThrowIfNull(document);
            using (var previous = Command("SELECT kind FROM documents WHERE id = $id"))
            {
                previous.Parameters.AddWithValue("$id", StoreKeys.Normalize(document.Id));
                if (previous.ExecuteScalar() is string oldKind && oldKind != document.Kind)
                {
                    stamps.Written(oldKind);
                }
            }

            stamps.Written(document.Kind);
            using var cmd = Command("""
                INSERT INTO documents (id, kind, parent_id, body, meta, updated_at) VALUES ($id, $kind, $parent, $body, $meta, $now)
                ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, parent_id = excluded.parent_id, body = excluded.body,
                    meta = excluded.meta, updated_at = excluded.updated_at
                """);
            cmd.Parameters.AddWithValue("$id", StoreKeys.Normalize(document.Id));
            cmd.Parameters.AddWithValue("$kind", document.Kind);
            cmd.Parameters.AddWithValue("$parent", document.ParentId is null ? DBNull.Value : StoreKeys.Normalize(document.ParentId));
            cmd.Parameters.AddWithValue("$body", document.Body);
            cmd.Parameters.AddWithValue("$meta", (object?)document.Meta ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToString("O"));
            cmd.ExecuteNonQuery();
        }

        public bool Delete(string id)
        {
            using var cmd = Command("DELETE FROM documents WHERE id = $id RETURNING kind");
            cmd.Parameters.AddWithValue("$id", StoreKeys.Normalize(id));
            if (cmd.ExecuteScalar() is string kind)
            {
                stamps.Written(kind);
                return true;
            }

            return false;
        }

        public int DeleteTree(string id)
        {
            var key = StoreKeys.Normalize(id);
            stamps.RemovedUnknown();
            // Two statements: with an OR, SQLite would scan the table instead of using the primary key twice.
            using var self = Command("DELETE FROM documents WHERE id = $id");
            self.Parameters.AddWithValue("$id", key);
            var deleted = self.ExecuteNonQuery();
            using var tree = Command("DELETE FROM documents WHERE id >= $lower AND id < $upper");
            AddPrefixRange(tree, key);
            return deleted + tree.ExecuteNonQuery();
        }

        public IReadOnlyList<StoredDocument> ListByParent(string parentId, string? kind = null)
        {
            // "$k IS NULL OR kind = $k" would keep SQLite from using the kind column of the index: one text per case.
            using var cmd = Command(kind is null
                ? "SELECT id, kind, parent_id, body, meta FROM documents WHERE parent_id = $p ORDER BY id"
                : "SELECT id, kind, parent_id, body, meta FROM documents WHERE parent_id = $p AND kind = $k ORDER BY id");
            cmd.Parameters.AddWithValue("$p", StoreKeys.Normalize(parentId));
            if (kind is not null)
            {
                cmd.Parameters.AddWithValue("$k", kind);
            }

            return Read(cmd);
        }

        public IReadOnlyList<StoredDocument> ListByKind(string kind, string? idPrefix = null)
        {
            using var cmd = Command(idPrefix is null
                ? "SELECT id, kind, parent_id, body, meta FROM documents WHERE kind = $k ORDER BY id"
                : "SELECT id, kind, parent_id, body, meta FROM documents WHERE kind = $k AND id >= $lower AND id < $upper ORDER BY id");
            cmd.Parameters.AddWithValue("$k", kind);
            if (idPrefix is not null)
            {
                AddPrefixRange(cmd, StoreKeys.Normalize(idPrefix));
            }

            return Read(cmd);
        }

        /// <summary>
        /// Ids starting with <c>p/</c> as a range the index can seek: with SQLite's binary collation they are exactly
        /// those in <c>[p/, p0)</c>, '0' being the character after '/'. substr() or LIKE would read every row of the kind.
        /// </summary>
        private static void AddPrefixRange(SqliteCommand cmd, string normalizedPrefix)
        {
            var root = normalizedPrefix.TrimEnd('/');
            cmd.Parameters.AddWithValue("$lower", root + "/");
            cmd.Parameters.AddWithValue("$upper", root + "0");
        }

        public string Stamp(string kind) => stamps.Of(kind);

        public void Clear()
        {
            stamps.RemovedUnknown();
            using var cmd = Command("DELETE FROM documents");
            cmd.ExecuteNonQuery();
        }

        private SqliteCommand Command(string sql)
        {
            var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = sql;
            return cmd;
        }

        private static List<StoredDocument> Read(SqliteCommand cmd)
        {
            var list = new List<StoredDocument>();
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                list.Add(new StoredDocument(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4)));
            }

            return list;
        }
    }
}
