package dev.sluice.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

/**
 * What differs between the engines behind an evidence store: the column types of the same three tables, how a
 * run id and a JSON value are bound, and the connection's settings. The tables, the statements and the rest are
 * shared ({@link JdbcEvidenceStore}).
 */
public enum SqlDialect {
    /** SQLite: text UUIDs and JSON, WAL journal. */
    SQLITE("TEXT", "INTEGER PRIMARY KEY", "INTEGER", "TEXT", "BLOB", "REAL", "INTEGER", "?"),
    /** PostgreSQL: UUID, JSONB, BYTEA, BOOLEAN. */
    POSTGRES("UUID", "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "BIGINT", "JSONB", "BYTEA",
            "DOUBLE PRECISION", "BOOLEAN", "CAST(? AS jsonb)");

    private final String uuid;
    private final String rowId;
    private final String int64;
    private final String json;
    private final String bytes;
    private final String float64;
    private final String bool;
    private final String jsonParameter;

    SqlDialect(String uuid, String rowId, String int64, String json, String bytes, String float64, String bool,
            String jsonParameter) {
        this.uuid = uuid;
        this.rowId = rowId;
        this.int64 = int64;
        this.json = json;
        this.bytes = bytes;
        this.float64 = float64;
        this.bool = bool;
        this.jsonParameter = jsonParameter;
    }

    /** @return the statements that create the tables and indexes if missing */
    List<String> createTables() {
        return List.of(
                "CREATE TABLE IF NOT EXISTS sluice_evidence_schema (version INTEGER NOT NULL)",
                "CREATE TABLE IF NOT EXISTS event_envelope (id " + rowId + ", run_id " + uuid + " NOT NULL,"
                        + " seq INTEGER NOT NULL, node_id TEXT NOT NULL, node_version TEXT NOT NULL,"
                        + " input_hash TEXT NOT NULL, output_hash TEXT NOT NULL, started_ns " + int64 + " NOT NULL,"
                        + " finished_ns " + int64 + " NOT NULL, attributes " + json + " NOT NULL, payload " + bytes
                        + ")",
                "CREATE INDEX IF NOT EXISTS event_envelope_run ON event_envelope (run_id, seq)",
                "CREATE INDEX IF NOT EXISTS event_envelope_journal ON event_envelope (seq, started_ns)",
                "CREATE TABLE IF NOT EXISTS evidence_link (id " + rowId + ", run_id " + uuid + " NOT NULL,"
                        + " seq INTEGER NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('doc', 'prompt', 'config',"
                        + " 'output')), ref TEXT NOT NULL, hash TEXT NOT NULL, snippet TEXT NOT NULL, meta " + json
                        + " NOT NULL)",
                "CREATE INDEX IF NOT EXISTS evidence_link_run ON evidence_link (run_id, seq)",
                "CREATE TABLE IF NOT EXISTS quality_eval (id " + rowId + ", run_id " + uuid + " NOT NULL,"
                        + " seq INTEGER NOT NULL, metric TEXT NOT NULL, value " + float64 + " NOT NULL, meta " + json
                        + " NOT NULL, decided " + bool + " NOT NULL)",
                "CREATE INDEX IF NOT EXISTS quality_eval_run ON quality_eval (run_id, seq)");
    }

    /** @return the placeholder of a JSON value in an INSERT */
    String jsonParameter() {
        return jsonParameter;
    }

    /** Applies the connection settings: WAL and crash-safe commits for SQLite; one schema-creation lock. */
    void configure(Connection connection) throws SQLException {
        if (this == SQLITE) {
            try (Statement s = connection.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("PRAGMA busy_timeout=10000");
            }
        }
    }

    /** Serialises concurrent schema creation by several processes (inside the creating transaction). */
    void lockSchema(Connection connection) throws SQLException {
        if (this == POSTGRES) {
            try (Statement s = connection.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(7318551140652064114)");
            }
        }
    }

    void setUuid(PreparedStatement statement, int index, UUID id) throws SQLException {
        if (this == POSTGRES) {
            statement.setObject(index, id);
        } else {
            statement.setString(index, id.toString());
        }
    }

    UUID getUuid(ResultSet row, int column) throws SQLException {
        return this == POSTGRES ? row.getObject(column, UUID.class) : UUID.fromString(row.getString(column));
    }
}
