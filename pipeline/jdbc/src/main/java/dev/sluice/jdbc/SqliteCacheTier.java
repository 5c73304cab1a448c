package dev.sluice.jdbc;

import dev.sluice.core.BadInputException;
import dev.sluice.core.SluiceException;
import dev.sluice.core.hash.CacheKey;
import dev.sluice.pipeline.PersistentTier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The result cache's persistent tier in SQLite: one table {@code result_cache(cache_key BLOB PRIMARY KEY, output
 * BLOB, stored_at_ms INTEGER)} in a local file, in WAL mode. Give it to {@code ResultCache.persistent(bytes,
 * SqliteCacheTier.open(file))}; the cache closes it.
 *
 * <p>Thread-safe: one connection, used under this object's lock (SQLite serialises writers anyway). Every call
 * blocks on the file.
 */
public final class SqliteCacheTier implements PersistentTier {
    private final Path file;
    private final Connection connection;
    private final PreparedStatement select;
    private final PreparedStatement upsert;

    /**
     * Opens (creating if missing) the tier's database file.
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
        try {
            Path parent = this.file.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            connection = DriverManager.getConnection("jdbc:sqlite:" + this.file);
            try (Statement s = connection.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("CREATE TABLE IF NOT EXISTS result_cache (cache_key BLOB PRIMARY KEY, output BLOB NOT NULL,"
                        + " stored_at_ms INTEGER NOT NULL)");
            }
            select = connection.prepareStatement("SELECT output FROM result_cache WHERE cache_key = ?");
            upsert = connection.prepareStatement(
                    "INSERT OR REPLACE INTO result_cache (cache_key, output, stored_at_ms) VALUES (?, ?, ?)");
        } catch (SQLException | java.io.IOException e) {
            throw new BadInputException(
                    "cannot open the result cache database " + this.file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized byte[] get(CacheKey key) {
        try {
            select.setBytes(1, key.toBytes());
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getBytes(1) : null;
            }
        } catch (SQLException e) {
            throw new SluiceException("reading the result cache " + file + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void put(CacheKey key, byte[] output) {
        try {
            upsert.setBytes(1, key.toBytes());
            upsert.setBytes(2, output);
            upsert.setLong(3, System.currentTimeMillis());
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
