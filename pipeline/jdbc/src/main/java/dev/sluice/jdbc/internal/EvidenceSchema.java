package dev.sluice.jdbc.internal;

import dev.sluice.core.BadInputException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The evidence store's tables ({@code event_envelope}, {@code evidence_link}, {@code quality_eval}) and their
 * version in {@code sluice_evidence_schema}: creates what is missing, records the version of a new store, and
 * refuses a store whose tables a newer library wrote. One transaction, serialised between processes
 * ({@link SqlDialect#lockSchema}). Column types come from the {@link SqlDialect}. Also names the attributes of a
 * run's own row in {@code event_envelope}, which the writer and the reads share.
 *
 * <p><b>Row hashes.</b> Every table has a nullable {@code row_hash} column ({@link RowHash}), which every read
 * checks. A store created before it existed gains it when this library opens it (in the same transaction); the
 * table version stays {@value #VERSION}, since the change only adds: an older library ignores the column (and a run
 * it writes has no hashes, so it reads as one written before them, unchecked).
 */
final class EvidenceSchema {
    /** The version of the tables this code writes and reads; recorded in {@code sluice_evidence_schema}. */
    static final int VERSION = 1;

    /** The sequence number of a run's own row in {@code event_envelope}; its nodes follow from 1. */
    static final int RUN_SEQ = 0;

    /** The attribute of a run's own envelope row that marks it as one: {@value #RUN_KIND}. */
    static final String KIND_ATTRIBUTE = "kind";

    /** The value of {@link #KIND_ATTRIBUTE} in a run's own envelope row. */
    static final String RUN_KIND = "run";

    /** The attribute of a run's own envelope row that holds its trace id. */
    static final String TRACE_ID_ATTRIBUTE = "trace_id";

    /** The attribute of a run's own envelope row that holds its error, empty if it succeeded. */
    static final String ERROR_ATTRIBUTE = "error";

    /** The attribute of a run's own envelope row that holds the version of the schema of its journaled input. */
    static final String INPUT_SCHEMA_VERSION_ATTRIBUTE = "input_schema_version";

    /** The column of every table that holds its row's hash ({@link RowHash}). */
    static final String ROW_HASH_COLUMN = "row_hash";

    /** The tables whose rows carry a hash. */
    private static final List<String> HASHED_TABLES = List.of("event_envelope", "evidence_link", "quality_eval");

    /** What {@code MAX(version)} reads as in a store that has no version row yet. */
    private static final int NO_VERSION = 0;

    private EvidenceSchema() {}

    /**
     * Creates the missing tables and indexes and records {@link #VERSION} in a new store, or refuses a newer one;
     * in one committed transaction. Leaves the connection in manual-commit mode.
     *
     * @param dialect the engine
     * @param connection an open connection
     * @param location how to name the store in messages
     * @throws BadInputException if the store's tables are newer than {@link #VERSION}
     * @throws SQLException if the database fails (the transaction is rolled back)
     */
    static void createOrCheck(SqlDialect dialect, Connection connection, String location) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            dialect.lockSchema(connection);
            for (String ddl : createStatements(dialect)) {
                s.execute(ddl);
            }
            for (String table : HASHED_TABLES) {
                dialect.addColumnIfMissing(connection, table, ROW_HASH_COLUMN, dialect.bytesType());
            }
            int found = NO_VERSION;
            try (ResultSet rows = s.executeQuery("SELECT MAX(version) FROM sluice_evidence_schema")) {
                if (rows.next()) {
                    found = rows.getInt(1);
                }
            }
            if (found > VERSION) {
                throw new BadInputException("the evidence store " + location + " has table version " + found
                        + "; this library reads version " + VERSION + " (upgrade Sluice to read it)");
            }
            if (found == NO_VERSION) {
                s.execute("INSERT INTO sluice_evidence_schema (version) VALUES (" + VERSION + ")");
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        }
    }

    /** @return the statements that create the tables and indexes if missing, in the dialect's column types */
    private static List<String> createStatements(SqlDialect d) {
        return List.of(
                "CREATE TABLE IF NOT EXISTS sluice_evidence_schema (version INTEGER NOT NULL)",
                "CREATE TABLE IF NOT EXISTS event_envelope (id " + d.rowIdType() + ", run_id " + d.uuidType()
                        + " NOT NULL, seq INTEGER NOT NULL, node_id TEXT NOT NULL, node_version TEXT NOT NULL,"
                        + " input_hash TEXT NOT NULL, output_hash TEXT NOT NULL, started_ns " + d.int64Type()
                        + " NOT NULL, finished_ns " + d.int64Type() + " NOT NULL, attributes " + d.jsonType()
                        + " NOT NULL, payload " + d.bytesType() + ", row_hash " + d.bytesType() + ")",
                "CREATE INDEX IF NOT EXISTS event_envelope_run ON event_envelope (run_id, seq)",
                "CREATE INDEX IF NOT EXISTS event_envelope_journal ON event_envelope (seq, started_ns)",
                "CREATE TABLE IF NOT EXISTS evidence_link (id " + d.rowIdType() + ", run_id " + d.uuidType()
                        + " NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('doc', 'prompt',"
                        + " 'config', 'output')), ref TEXT NOT NULL, hash TEXT NOT NULL, snippet TEXT NOT NULL,"
                        + " meta " + d.jsonType() + " NOT NULL, row_hash " + d.bytesType() + ")",
                "CREATE INDEX IF NOT EXISTS evidence_link_run ON evidence_link (run_id, seq)",
                "CREATE TABLE IF NOT EXISTS quality_eval (id " + d.rowIdType() + ", run_id " + d.uuidType()
                        + " NOT NULL, seq INTEGER NOT NULL, metric TEXT NOT NULL, value " + d.float64Type()
                        + " NOT NULL, meta " + d.jsonType() + " NOT NULL, decided " + d.booleanType()
                        + " NOT NULL, row_hash " + d.bytesType() + ")",
                "CREATE INDEX IF NOT EXISTS quality_eval_run ON quality_eval (run_id, seq)");
    }
}
