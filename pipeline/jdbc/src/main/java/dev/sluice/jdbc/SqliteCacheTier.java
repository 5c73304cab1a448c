package dev.sluice.jdbc;

import dev.sluice.core.BadInputException;
import dev.sluice.core.CorruptDataException;
import dev.sluice.core.SluiceException;
import dev.sluice.core.hash.CacheKey;
import dev.sluice.jdbc.internal.SqlDialect;
import dev.sluice.pipeline.PersistentTier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The result cache's persistent tier in SQLite: one table {@code result_cache(cache_key BLOB PRIMARY KEY, output
 * BLOB, stored_at_ms INTEGER, checksum BLOB)} in a local file, in WAL mode. Give it to
 * {@code ResultCache.persistent(bytes, SqliteCacheTier.open(file))}; the cache closes it.
 *
 * <p><b>Integrity.</b> Each row carries the SHA-256 of its key and output together ({@link #checksum}), and every
 * {@link #get} checks it: a row whose output (or key) changed since it was written, by a flipped bit in the file or
 * an edit behind the cache's back, is reported as a {@link CorruptDataException} naming the file and the key, never
 * returned; the cache then computes the value again and overwrites the row. SQLite's own {@code integrity_check}
 * does not see such a change: it checks the file's structure, not what the rows hold. A file written before rows
 * carried checksums gains the column when opened; its old rows, which have nothing to be checked against, read as
 * misses and are overwritten as they are computed again.
 *
 * <p>Thread-safe: one connection, used under this object's lock (SQLite serialises writers anyway). Every call
 * blocks on the file.
 */
public final class SqliteCacheTier implements PersistentTier {
    /** Starts the bytes a row's checksum is taken over, so that it is not the hash of anything else. */
    private static final byte[] CHECKSUM_DOMAIN = "sluice.result-cache.row.v1\0".getBytes(StandardCharsets.US_ASCII);

    /** SQLite's primary result codes for a damaged file: {@code SQLITE_CORRUPT} and {@code SQLITE_NOTADB}. */
    private static final int SQLITE_CORRUPT = 11;

    private static final int SQLITE_NOTADB = 26;

    private final Path file;
    private final Connection connection;
    private final PreparedStatement select;
    private final PreparedStatement upsert;

    /**
     * Opens (creating if missing) the tier's database file. Any file name will do, {@code ?} and {@code #}
     * included.
     *
     * @param file the database file
     * @return the open tier
     * @throws BadInputException if the file cannot be opened as a SQLite database
     */
    public static SqliteCacheTier open(Path file) {
        if (file == null) {
            throw new BadInputException("a SQLite cache tier needs a file, got null");
        }
        return new SqliteCacheTier(file);
    }

    private SqliteCacheTier(Path file) {
        this.file = file.toAbsolutePath();
        Connection opened = null;
        try {
            Path parent = this.file.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            opened = DriverManager.getConnection(SqlDialect.sqliteUrl(this.file));
            try (Statement s = opened.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("CREATE TABLE IF NOT EXISTS result_cache (cache_key BLOB PRIMARY KEY, output BLOB NOT NULL,"
                        + " stored_at_ms INTEGER NOT NULL, checksum BLOB)");
                if (!hasChecksumColumn(s)) {
                    s.execute("ALTER TABLE result_cache ADD COLUMN checksum BLOB");
                }
            }
            select = opened.prepareStatement("SELECT output, checksum FROM result_cache WHERE cache_key = ?");
            upsert = opened.prepareStatement("INSERT OR REPLACE INTO result_cache (cache_key, output, stored_at_ms,"
                    + " checksum) VALUES (?, ?, ?, ?)");
            connection = opened;
        } catch (SQLException | java.io.IOException e) {
            if (opened != null) {
                try {
                    opened.close();
                } catch (SQLException closing) {
                    e.addSuppressed(closing);
                }
            }
            throw new BadInputException(
                    "cannot open the result cache database " + this.file + ": " + e.getMessage(), e);
        }
    }

    /** @return whether {@code result_cache} has the checksum column (a file written before it had none) */
    private static boolean hasChecksumColumn(Statement s) throws SQLException {
        try (ResultSet columns = s.executeQuery("PRAGMA table_info(result_cache)")) {
            while (columns.next()) {
                if ("checksum".equalsIgnoreCase(columns.getString("name"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The checksum a row is stored with: the SHA-256 of a fixed prefix, the key's 32 bytes and the output, so that
     * a row's output checks only under its own key.
     *
     * @param key the row's key
     * @param output its output bytes
     * @return 32 bytes
     */
    static byte[] checksum(CacheKey key, byte[] output) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        sha.update(CHECKSUM_DOMAIN);
        sha.update(key.toBytes());
        sha.update(output);
        return sha.digest();
    }

    /**
     * {@inheritDoc}
     *
     * @return the stored output, after checking it against its checksum; null when there is no row, or only one
     *     written before rows carried checksums (a miss: the cache computes the value again and overwrites it)
     * @throws CorruptDataException if the row does not match its checksum, or SQLite finds the file damaged where
     *     the row lies
     */
    @Override
    public synchronized byte[] get(CacheKey key) {
        try {
            select.setBytes(1, key.toBytes());
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return null;
                }
                byte[] output = rows.getBytes(1);
                byte[] stored = rows.getBytes(2);
                if (stored == null) {
                    return null; // written before rows carried checksums: nothing to check it against
                }
                if (output == null || !MessageDigest.isEqual(stored, checksum(key, output))) {
                    throw new CorruptDataException("the result cache " + file + " holds a row for key " + key.hex()
                            + " that does not match its checksum ("
                            + (output == null ? "no output" : output.length + " output bytes")
                            + "): it was changed after it was written, and is not served");
                }
                return output;
            }
        } catch (SQLException e) {
            if (damaged(e)) {
                throw new CorruptDataException(
                        "the result cache " + file + " is damaged where the row for key " + key.hex() + " lies: "
                                + e.getMessage(),
                        e);
            }
            throw new SluiceException("reading the result cache " + file + " failed: " + e.getMessage(), e);
        }
    }

    /** @return whether SQLite reported the file damaged (not a passing failure, such as a lock) */
    private static boolean damaged(SQLException e) {
        int primary = e.getErrorCode() & 0xFF;
        return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
    }

    @Override
    public synchronized void put(CacheKey key, byte[] output) {
        try {
            upsert.setBytes(1, key.toBytes());
            upsert.setBytes(2, output);
            upsert.setLong(3, System.currentTimeMillis());
            upsert.setBytes(4, checksum(key, output));
            upsert.executeUpdate();
        } catch (SQLException e) {
            throw new SluiceException("writing the result cache " + file + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new SluiceException("closing the result cache " + file + " failed: " + e.getMessage(), e);
        }
    }
}
