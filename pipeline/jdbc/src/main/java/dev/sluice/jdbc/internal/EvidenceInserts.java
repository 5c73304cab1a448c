package dev.sluice.jdbc.internal;

import dev.sluice.pipeline.evidence.EvidenceLink;
import dev.sluice.pipeline.evidence.NodeEvent;
import dev.sluice.pipeline.evidence.QualityEval;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The rows of runs, written in one transaction on the writer's connection: sequence 0 of {@code event_envelope}
 * is the run itself (its attributes: kind, trace id, error, input schema version; its payload: the canonical
 * input), sequences 1.. are its nodes; {@code evidence_link} and {@code quality_eval} hold its links and
 * evaluations in order. Used by the writer agent's thread only.
 */
final class EvidenceInserts implements AutoCloseable {
    private final SqlDialect dialect;
    private final Connection connection;
    private final PreparedStatement insertEnvelope;
    private final PreparedStatement insertLink;
    private final PreparedStatement insertEval;

    /**
     * Prepares the statements and switches the connection to manual commit.
     *
     * @param dialect the engine
     * @param connection the writer's connection, which this object then uses alone
     * @throws SQLException if the statements cannot be prepared
     */
    EvidenceInserts(SqlDialect dialect, Connection connection) throws SQLException {
        this.dialect = dialect;
        this.connection = connection;
        connection.setAutoCommit(false);
        insertEnvelope = connection.prepareStatement("INSERT INTO event_envelope (run_id, seq, node_id,"
                + " node_version, input_hash, output_hash, started_ns, finished_ns, attributes, payload)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, " + dialect.jsonParameter() + ", ?)");
        insertLink = connection.prepareStatement("INSERT INTO evidence_link (run_id, seq, kind, ref,"
                + " hash, snippet, meta) VALUES (?, ?, ?, ?, ?, ?, " + dialect.jsonParameter() + ")");
        insertEval = connection.prepareStatement("INSERT INTO quality_eval (run_id, seq, metric, value,"
                + " meta, decided) VALUES (?, ?, ?, ?, " + dialect.jsonParameter() + ", ?)");
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
        Map<String, String> runAttributes = Map.of(
                EvidenceSchema.KIND_ATTRIBUTE,
                EvidenceSchema.RUN_KIND,
                EvidenceSchema.TRACE_ID_ATTRIBUTE,
                run.traceId(),
                EvidenceSchema.ERROR_ATTRIBUTE,
                run.error(),
                EvidenceSchema.INPUT_SCHEMA_VERSION_ATTRIBUTE,
                Integer.toString(run.inputSchemaVersion()));
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
                run.input());
        int seq = EvidenceSchema.RUN_SEQ + 1;
        for (NodeEvent node : run.nodes()) {
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
                    null);
        }
        seq = 0;
        for (EvidenceLink link : run.links()) {
            dialect.setUuid(insertLink, 1, runId);
            insertLink.setInt(2, seq++);
            insertLink.setString(3, link.kind().name().toLowerCase(Locale.ROOT));
            insertLink.setString(4, link.ref());
            insertLink.setString(5, link.hash());
            insertLink.setString(6, link.snippet());
            insertLink.setString(7, JsonAttributes.write(link.meta()));
            insertLink.addBatch();
        }
        seq = 0;
        for (QualityEval eval : run.quality()) {
            dialect.setUuid(insertEval, 1, runId);
            insertEval.setInt(2, seq++);
            insertEval.setString(3, eval.metric());
            insertEval.setDouble(4, eval.value());
            insertEval.setString(5, JsonAttributes.write(eval.meta()));
            insertEval.setBoolean(6, eval.decided());
            insertEval.addBatch();
        }
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
            byte[] payload)
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
