package dev.sluice.jdbc;

import dev.sluice.core.BadInputException;
import dev.sluice.jdbc.internal.JdbcEvidenceStore;
import dev.sluice.jdbc.internal.SqlDialect;
import dev.sluice.pipeline.evidence.EvidenceStore;
import java.nio.file.Path;

/**
 * Opens the engine's {@link EvidenceStore} in a database through plain JDBC: one SQLite file embedded (nothing to
 * install), or a shared PostgreSQL server with the same tables. Give the store to a flow runtime with
 * {@code FlowRuntime.withEvidence(store)}; close it when done.
 */
public final class JdbcEvidence {
    private static final String POSTGRES_PREFIX = "jdbc:postgresql:";

    private JdbcEvidence() {}

    /**
     * Opens (creating if missing) the embedded store: one SQLite file in WAL mode, nothing to install. Commits
     * survive a killed process; with {@code synchronous=NORMAL} a power loss may lose the last transactions.
     *
     * @param file the database file
     * @return the open store
     * @throws BadInputException if the file is not a SQLite database or was written by a newer version of this
     *     library
     */
    public static EvidenceStore sqlite(Path file) {
        if (file == null) {
            throw new BadInputException("a SQLite evidence store needs a file, got null");
        }
        return JdbcEvidenceStore.open(SqlDialect.SQLITE, SqlDialect.sqliteUrl(file), file.toString());
    }

    /**
     * Opens a shared store in PostgreSQL (UUID run ids, JSONB attributes), creating the tables in the connection's
     * current schema if missing.
     *
     * @param jdbcUrl a {@code jdbc:postgresql://host:port/database} URL, credentials as its parameters
     *     ({@code ?user=...&password=...}) or from the environment as the driver reads them
     * @return the open store
     * @throws BadInputException if the URL is not a PostgreSQL one, the server cannot be reached or the schema is
     *     newer
     */
    public static EvidenceStore postgres(String jdbcUrl) {
        if (jdbcUrl == null || !jdbcUrl.startsWith(POSTGRES_PREFIX)) {
            throw new BadInputException("a PostgreSQL store needs a " + POSTGRES_PREFIX + " URL, got " + jdbcUrl);
        }
        return JdbcEvidenceStore.open(
                SqlDialect.POSTGRES, jdbcUrl, jdbcUrl.replaceAll("password=[^&]*", "password=***"));
    }

    /**
     * Opens a store by location: a {@code jdbc:postgresql:} URL, or else a SQLite file path.
     *
     * @param location the URL or the path
     * @return the open store
     * @throws BadInputException if the location is null or the store cannot be opened
     */
    public static EvidenceStore open(String location) {
        if (location == null) {
            throw new BadInputException("an evidence store needs a location (a file or a jdbc:postgresql: URL)");
        }
        return location.startsWith(POSTGRES_PREFIX) ? postgres(location) : sqlite(Path.of(location));
    }
}
