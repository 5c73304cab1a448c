package dev.sluice.jdbc.internal;

import dev.sluice.pipeline.evidence.EvidenceLink;
import dev.sluice.pipeline.evidence.NodeEvent;
import dev.sluice.pipeline.evidence.QualityEval;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The rows of runs, written in one transaction on the writer's connection: sequence 0 of {@code event_envelope}
 * is the run itself (its attributes: kind, trace id, error, input schema version; its payload: the canonical
 * input), sequences 1.. are its nodes; {@code evidence_link} and {@code quality_eval} hold its links and
 * evaluations in order. Every row carries its hash in {@code row_hash}, the run's row also covering the hashes of
 * the run's other rows ({@link RowHash}). Used by the writer agent's thread only.
 */
final class EvidenceInserts implements AutoCloseable {
    /** Opens a new connection to the store's database, configured for the dialect. */
    @FunctionalInterface
    interface Reconnect {
        /**
         * @return a new connection
         * @throws SQLException if the database cannot be reached
         */
        Connection open() throws SQLException;
    }

    private final SqlDialect dialect;
    private final Reconnect reconnect;
    private Connection connection;
    private PreparedStatement insertEnvelope;
    private PreparedStatement insertLink;
    private PreparedStatement insertEval;

    /**
     * Prepares the statements and switches the connection to manual commit.
     *
     * @param dialect the engine
     * @param connection the writer's connection, which this object then uses alone
     * @param reconnect opens another when that one breaks (a PostgreSQL server restarted), null for never
     * @throws SQLException if the statements cannot be prepared
     */
    EvidenceInserts(SqlDialect dialect, Connection connection, Reconnect reconnect) throws SQLException {
        this.dialect = dialect;
        this.reconnect = reconnect;
        this.connection = connection;
        prepare(connection);
    }

    /** @return the engine */
    SqlDialect dialect() {
        return dialect;
    }

    /** Switches a connection to manual commit and prepares the inserts on it. */
    private void prepare(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        insertEnvelope = connection.prepareStatement("INSERT INTO event_envelope (run_id, seq, node_id,"
                + " node_version, input_hash, output_hash, started_ns, finished_ns, attributes, payload, row_hash)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, " + dialect.jsonParameter() + ", ?, ?)");
        insertLink = connection.prepareStatement("INSERT INTO evidence_link (run_id, seq, kind, ref,"
                + " hash, snippet, meta, row_hash) VALUES (?, ?, ?, ?, ?, ?, " + dialect.jsonParameter() + ", ?)");
        insertEval = connection.prepareStatement("INSERT INTO quality_eval (run_id, seq, metric, value,"
                + " meta, decided, row_hash) VALUES (?, ?, ?, ?, " + dialect.jsonParameter() + ", ?, ?)");
    }

    /**
     * After a failure: when the connection no longer works (the server restarted, the network dropped it), opens
     * another in its place; best effort: if that fails too, the next retry tries again.
     */
    void reconnectIfBroken() {
        if (reconnect == null) {
            return;
        }
        try {
            if (connection.isValid(EvidenceWriter.CONNECTION_CHECK_TIMEOUT_S)) {
                return;
            }
        } catch (SQLException e) {
            // not valid either
        }
        Connection fresh = null;
        try {
            fresh = reconnect.open();
            prepare(fresh);
            Connection broken = connection;
            connection = fresh;
            closeQuietly(broken);
        } catch (SQLException e) {
            closeQuietly(fresh);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // it was broken already, or never worked
            }
        }
    }

    /**
     * Writes the runs, every row of every run, and commits; or, if anything fails, rolls back and writes nothing.
     *
     * @param runs the runs
     * @throws SQLException if the transaction failed; it was rolled back (as far as the connection still works)
     */
    void commit(List<WireRun> runs) throws SQLException {
        try {
            for (WireRun run : runs) {
                add(run);
            }
            insertEnvelope.executeBatch();
            insertLink.executeBatch();
            insertEval.executeBatch();
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                insertEnvelope.clearBatch();
                insertLink.clearBatch();
                insertEval.clearBatch();
                connection.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure); // the connection is gone; the retry will say so again
            }
            throw e;
        }
    }

    private void add(WireRun run) throws SQLException {
        UUID runId = run.runId();
        List<byte[]> children = new ArrayList<>();
        List<byte[]> nodeHashes = new ArrayList<>(run.nodes().size());
        int seq = EvidenceSchema.RUN_SEQ + 1;
        for (NodeEvent node : run.nodes()) {
            byte[] hash = RowHash.envelope(
                    runId,
                    seq++,
                    node.nodeId(),
                    node.nodeVersion(),
                    node.inputHash(),
                    node.outputHash(),
                    node.startedEpochNs(),
                    node.finishedEpochNs(),
                    node.attributes(),
                    null,
                    null);
            nodeHashes.add(hash);
            children.add(hash);
        }
        List<byte[]> linkHashes = new ArrayList<>(run.links().size());
        seq = 0;
        for (EvidenceLink link : run.links()) {
            byte[] hash = RowHash.link(runId, seq++, kind(link), link.ref(), link.hash(), link.snippet(), link.meta());
            linkHashes.add(hash);
            children.add(hash);
        }
        List<byte[]> evalHashes = new ArrayList<>(run.quality().size());
        seq = 0;
        for (QualityEval eval : run.quality()) {
            byte[] hash = RowHash.eval(runId, seq++, eval.metric(), eval.value(), eval.meta(), eval.decided());
            evalHashes.add(hash);
            children.add(hash);
        }
        Map<String, String> runAttributes = Map.of(
                EvidenceSchema.KIND_ATTRIBUTE,
                EvidenceSchema.RUN_KIND,
                EvidenceSchema.TRACE_ID_ATTRIBUTE,
                run.traceId(),
                EvidenceSchema.ERROR_ATTRIBUTE,
                run.error(),
                EvidenceSchema.INPUT_SCHEMA_VERSION_ATTRIBUTE,
                Integer.toString(run.inputSchemaVersion()));
        byte[] runHash = RowHash.envelope(
                runId,
                EvidenceSchema.RUN_SEQ,
                run.flowName(),
                run.flowVersion(),
                run.inputHash(),
                run.outputHash(),
                run.startedEpochNs(),
                run.finishedEpochNs(),
                runAttributes,
                run.input(),
                RowHash.children(children));
        addEnvelope(
                runId,
                EvidenceSchema.RUN_SEQ,
                run.flowName(),
                run.flowVersion(),
                run.inputHash(),
                run.outputHash(),
                run.startedEpochNs(),
                run.finishedEpochNs(),
                runAttributes,
                run.input(),
                runHash);
        seq = EvidenceSchema.RUN_SEQ + 1;
        for (int i = 0; i < run.nodes().size(); i++) {
            NodeEvent node = run.nodes().get(i);
            addEnvelope(
                    runId,
                    seq++,
                    node.nodeId(),
                    node.nodeVersion(),
                    node.inputHash(),
                    node.outputHash(),
                    node.startedEpochNs(),
                    node.finishedEpochNs(),
                    node.attributes(),
                    null,
                    nodeHashes.get(i));
        }
        for (int i = 0; i < run.links().size(); i++) {
            EvidenceLink link = run.links().get(i);
            dialect.setUuid(insertLink, 1, runId);
            insertLink.setInt(2, i);
            insertLink.setString(3, kind(link));
            insertLink.setString(4, link.ref());
            insertLink.setString(5, link.hash());
            insertLink.setString(6, link.snippet());
            insertLink.setString(7, JsonAttributes.write(link.meta()));
            insertLink.setBytes(8, linkHashes.get(i));
            insertLink.addBatch();
        }
        for (int i = 0; i < run.quality().size(); i++) {
            QualityEval eval = run.quality().get(i);
            dialect.setUuid(insertEval, 1, runId);
            insertEval.setInt(2, i);
            insertEval.setString(3, eval.metric());
            insertEval.setDouble(4, eval.value());
            insertEval.setString(5, JsonAttributes.write(eval.meta()));
            insertEval.setBoolean(6, eval.decided());
            insertEval.setBytes(7, evalHashes.get(i));
            insertEval.addBatch();
        }
    }

    /** @return how the {@code kind} column holds a link's kind */
    private static String kind(EvidenceLink link) {
        return link.kind().name().toLowerCase(Locale.ROOT);
    }

    private void addEnvelope(
            UUID runId,
            int seq,
            String nodeId,
            String nodeVersion,
            String inputHash,
            String outputHash,
            long startedNs,
            long finishedNs,
            Map<String, String> attributes,
            byte[] payload,
            byte[] rowHash)
            throws SQLException {
        dialect.setUuid(insertEnvelope, 1, runId);
        insertEnvelope.setInt(2, seq);
        insertEnvelope.setString(3, nodeId);
        insertEnvelope.setString(4, nodeVersion);
        insertEnvelope.setString(5, inputHash);
        insertEnvelope.setString(6, outputHash);
        insertEnvelope.setLong(7, startedNs);
        insertEnvelope.setLong(8, finishedNs);
        insertEnvelope.setString(9, JsonAttributes.write(attributes));
        insertEnvelope.setBytes(10, payload);
        insertEnvelope.setBytes(11, rowHash);
        insertEnvelope.addBatch();
    }

    /** Closes the connection (and with it the statements); best effort. */
    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing is best effort; the transactions that matter have committed
        }
    }
}
