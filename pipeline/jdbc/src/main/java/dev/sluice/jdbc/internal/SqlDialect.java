package dev.sluice.jdbc.internal;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * What differs between the engines behind an evidence store: the column types of the same tables, how a run id
 * and a JSON value are bound, the connection's settings and how schema creation is serialised. The tables are
 * defined once ({@link EvidenceSchema}), the statements too ({@link EvidenceInserts}, {@link EvidenceReader}).
 */
public enum SqlDialect {
    /** SQLite: text UUIDs and JSON, WAL journal. */
    SQLITE("TEXT", "INTEGER PRIMARY KEY", "INTEGER", "TEXT", "BLOB", "REAL", "INTEGER", "?"),
    /** PostgreSQL: UUID, JSONB, BYTEA, BOOLEAN. */
    POSTGRES(
            "UUID",
            "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
            "BIGINT",
            "JSONB",
            "BYTEA",
            "DOUBLE PRECISION",
            "BOOLEAN",
            "CAST(? AS jsonb)");

    /**
     * How long, in milliseconds, a SQLite connection waits for another connection's lock on the file (the writer's
     * transaction, another process's) before its statement fails with {@code SQLITE_BUSY}.
     */
    static final int SQLITE_BUSY_TIMEOUT_MS = 10_000;

    /**
     * The key of the PostgreSQL transaction-level advisory lock that serialises schema creation by several
     * processes. Any fixed number works; every version of this library must use the same one.
     */
    static final long SCHEMA_LOCK_KEY = 7_318_551_140_652_064_114L;

    private final String uuidType;
    private final String rowIdType;
    private final String int64Type;
    private final String jsonType;
    private final String bytesType;
    private final String float64Type;
    private final String booleanType;
    private final String jsonParameter;

    SqlDialect(
            String uuidType,
            String rowIdType,
            String int64Type,
            String jsonType,
            String bytesType,
            String float64Type,
            String booleanType,
            String jsonParameter) {
        this.uuidType = uuidType;
        this.rowIdType = rowIdType;
        this.int64Type = int64Type;
        this.jsonType = jsonType;
        this.bytesType = bytesType;
        this.float64Type = float64Type;
        this.booleanType = booleanType;
        this.jsonParameter = jsonParameter;
    }

    /** @return the column type of a run id */
    String uuidType() {
        return uuidType;
    }

    /** @return the column definition of a table's generated row id, primary key included */
    String rowIdType() {
        return rowIdType;
    }

    /** @return the column type of a 64-bit integer */
    String int64Type() {
        return int64Type;
    }

    /** @return the column type of a JSON value */
    String jsonType() {
        return jsonType;
    }

    /** @return the column type of a byte string */
    String bytesType() {
        return bytesType;
    }

    /** @return the column type of a 64-bit floating-point number */
    String float64Type() {
        return float64Type;
    }

    /** @return the column type of a boolean */
    String booleanType() {
        return booleanType;
    }

    /** @return the placeholder of a JSON value in an INSERT */
    String jsonParameter() {
        return jsonParameter;
    }

    /**
     * The JDBC URL of a SQLite database file, for any file name. The driver reads whatever follows a {@code ?} in
     * {@code jdbc:sqlite:<path>} as connection settings, so a folder named {@code a?b} would open the wrong file;
     * this URL names the file as a {@code file:} URI instead, whose path is percent-encoded ({@code ?}, {@code #},
     * {@code %} and spaces included), which SQLite decodes.
     *
     * @param file the database file
     * @return {@code jdbc:sqlite:file:///...} naming the file's absolute path
     */
    public static String sqliteUrl(Path file) {
        return "jdbc:sqlite:" + file.toAbsolutePath().toUri();
    }

    /** Applies the connection settings: WAL and crash-safe commits for SQLite; nothing for PostgreSQL. */
    void configure(Connection connection) throws SQLException {
        if (this == SQLITE) {
            try (Statement s = connection.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("PRAGMA busy_timeout=" + SQLITE_BUSY_TIMEOUT_MS);
            }
        }
    }

    /**
     * Adds a nullable column to a table of the connection's current schema unless it has one by that name (a store
     * created by an older library).
     *
     * @param table the table
     * @param column the column's name
     * @param type its type
     */
    void addColumnIfMissing(Connection connection, String table, String column, String type) throws SQLException {
        if (this == POSTGRES) {
            try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM information_schema.columns"
                    + " WHERE table_schema = current_schema() AND table_name = ? AND column_name = ?")) {
                select.setString(1, table);
                select.setString(2, column);
                try (ResultSet found = select.executeQuery()) {
                    if (found.next()) {
                        return; // no ALTER TABLE, which would lock the table even when it has the column
                    }
                }
            }
        }
        try (Statement s = connection.createStatement()) {
            if (this == SQLITE) {
                try (ResultSet columns = s.executeQuery("PRAGMA table_info(" + table + ")")) {
                    while (columns.next()) {
                        if (column.equalsIgnoreCase(columns.getString("name"))) {
                            return;
                        }
                    }
                }
            }
            s.execute("ALTER TABLE " + table + " ADD COLUMN " + column + " " + type);
        }
    }

    /** Serialises concurrent schema creation by several processes (inside the creating transaction). */
    void lockSchema(Connection connection) throws SQLException {
        if (this == POSTGRES) {
            try (Statement s = connection.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK_KEY + ")");
            }
        }
    }

    /** Binds a run id. */
    void setUuid(PreparedStatement statement, int index, UUID id) throws SQLException {
        if (this == POSTGRES) {
            statement.setObject(index, id);
        } else {
            statement.setString(index, id.toString());
        }
    }

    /** Reads a run id. */
    UUID getUuid(ResultSet row, int column) throws SQLException {
        return this == POSTGRES ? row.getObject(column, UUID.class) : UUID.fromString(row.getString(column));
    }
}
