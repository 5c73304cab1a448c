package dev.sluice.jdbc.internal;

import dev.sluice.core.BadInputException;
import dev.sluice.core.SluiceException;
import dev.sluice.core.schema.Schema;
import dev.sluice.core.schema.Schemas;
import dev.sluice.pipeline.evidence.Evidence;
import dev.sluice.pipeline.evidence.EvidenceLink;
import dev.sluice.pipeline.evidence.EvidenceStore;
import dev.sluice.pipeline.evidence.JournalEntry;
import dev.sluice.pipeline.evidence.NodeEvent;
import dev.sluice.pipeline.evidence.QualityEval;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.agrona.BufferUtil;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * An {@link EvidenceStore} over JDBC, for SQLite and PostgreSQL alike ({@link SqlDialect} holds the differences).
 *
 * <p><b>Design.</b> Appenders encode a run once (the canonical encoding of {@link WireRun}) into a thread-local
 * buffer and copy it into a many-to-one Agrona ring buffer. One writer agent drains up to {@value #BATCH_RUNS} runs
 * at a time and writes them, every row of every run, in one transaction on its own connection; only after the
 * commit does it publish the ring position it has reached, which is what {@link #flush()} waits for. A failed
 * transaction is rolled back and retried with the same batch, so nothing accepted is dropped while the database
 * comes back. Reads use a second connection (SQLite's WAL lets them run beside the writer).
 */
public final class JdbcEvidenceStore implements EvidenceStore {
    /** The version of the tables this code writes; recorded in {@code sluice_evidence_schema}. */
    public static final int SCHEMA_VERSION = 1;
    private static final int MESSAGE_TYPE = 1;
    private static final int RING_CAPACITY_BYTES = 8 << 20;
    private static final int BATCH_RUNS = 256;
    private static final long RETRY_PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long FLUSH_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final Schema<WireRun> WIRE = Schemas.recordOf(WireRun.class);

    /** A run as it travels through the ring buffer: the evidence and the journaled input. */
    record WireRun(long runIdHigh, long runIdLow, String traceId, String flowName, String flowVersion,
            long startedEpochNs, long finishedEpochNs, String inputHash, String outputHash, String error,
            List<NodeEvent> nodes, List<EvidenceLink> links, List<QualityEval> quality, int inputSchemaVersion,
            byte[] input) {
    }

    private final SqlDialect dialect;
    private final String location;
    private final Connection writeConnection;
    private final Connection readConnection;
    private final ManyToOneRingBuffer ring;
    private final ThreadLocal<ExpandableArrayBuffer> scratch = ThreadLocal.withInitial(
            () -> new ExpandableArrayBuffer(4096));
    private final AtomicLong committedRuns = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AgentRunner runner;
    private volatile long committedPosition;
    private volatile SQLException lastError;

    private JdbcEvidenceStore(SqlDialect dialect, String location, Connection writeConnection,
            Connection readConnection) {
        this.dialect = dialect;
        this.location = location;
        this.writeConnection = writeConnection;
        this.readConnection = readConnection;
        this.ring = new ManyToOneRingBuffer(new UnsafeBuffer(BufferUtil.allocateDirectAligned(
                RING_CAPACITY_BYTES + RingBufferDescriptor.TRAILER_LENGTH, 64)));
        this.runner = new AgentRunner(new BackoffIdleStrategy(1, 1, 10_000, 1_000_000),
                Throwable::printStackTrace, null, new Writer());
        AgentRunner.startOnThread(runner, task -> {
            Thread thread = new Thread(task, "sluice-evidence-writer");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Opens a store, creating or checking its tables.
     *
     * @param dialect the engine
     * @param jdbcUrl the JDBC URL
     * @param location how to name the store in messages (no password)
     * @return the open store
     */
    public static JdbcEvidenceStore open(SqlDialect dialect, String jdbcUrl, String location) {
        Connection write = null;
        Connection read = null;
        try {
            write = DriverManager.getConnection(jdbcUrl);
            dialect.configure(write);
            createTables(dialect, write, location);
            read = DriverManager.getConnection(jdbcUrl);
            dialect.configure(read);
            return new JdbcEvidenceStore(dialect, location, write, read);
        } catch (SQLException e) {
            closeQuietly(write);
            closeQuietly(read);
            throw new BadInputException("cannot open the evidence store " + location + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(write);
            closeQuietly(read);
            throw e;
        }
    }

    private static void createTables(SqlDialect dialect, Connection connection, String location)
            throws SQLException {
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            dialect.lockSchema(connection);
            for (String ddl : dialect.createTables()) {
                s.execute(ddl);
            }
            int found = 0;
            try (ResultSet rows = s.executeQuery("SELECT MAX(version) FROM sluice_evidence_schema")) {
                if (rows.next()) {
                    found = rows.getInt(1);
                }
            }
            if (found > SCHEMA_VERSION) {
                throw new BadInputException("the evidence store " + location + " has table version " + found
                        + "; this library reads version " + SCHEMA_VERSION + " (upgrade Sluice to read it)");
            }
            if (found == 0) {
                s.execute("INSERT INTO sluice_evidence_schema (version) VALUES (" + SCHEMA_VERSION + ")");
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        }
    }

    @Override
    public void append(Evidence evidence, int inputSchemaVersion, byte[] input) {
        if (closed.get()) {
            throw new IllegalStateException("the evidence store " + location + " is closed");
        }
        WireRun wire = new WireRun(evidence.runId().getMostSignificantBits(),
                evidence.runId().getLeastSignificantBits(), evidence.traceId(), evidence.flowName(),
                evidence.flowVersion(), evidence.startedEpochNs(), evidence.finishedEpochNs(), evidence.inputHash(),
                evidence.outputHash(), evidence.error(), evidence.nodes(), evidence.links(), evidence.quality(),
                inputSchemaVersion, input);
        ExpandableArrayBuffer buffer = scratch.get();
        int length = WIRE.encode(wire, buffer, 0);
        if (length > ring.maxMsgLength()) {
            throw new BadInputException("the evidence of run " + evidence.runId() + " takes " + length
                    + " bytes; the store's ring buffer takes at most " + ring.maxMsgLength() + " per run");
        }
        while (!ring.write(MESSAGE_TYPE, buffer, 0, length)) {
            if (closed.get()) {
                throw new IllegalStateException("the evidence store " + location + " closed while run "
                        + evidence.runId() + " waited for room");
            }
            LockSupport.parkNanos(50_000);
        }
    }

    @Override
    public void flush() {
        long target = ring.producerPosition();
        long deadlineNs = System.nanoTime() + FLUSH_TIMEOUT_NS;
        while (committedPosition < target) {
            if (System.nanoTime() - deadlineNs > 0) {
                SQLException error = lastError;
                throw new SluiceException("the evidence store " + location + " has not committed its pending runs in "
                        + TimeUnit.NANOSECONDS.toSeconds(FLUSH_TIMEOUT_NS) + " s"
                        + (error == null ? "" : "; last error: " + error.getMessage()), error);
            }
            LockSupport.parkNanos(100_000);
        }
    }

    @Override
    public long committedRuns() {
        return committedRuns.get();
    }

    /** Drains the ring buffer into batched transactions. */
    private final class Writer implements Agent, MessageHandler {
        private final List<WireRun> batch = new ArrayList<>(BATCH_RUNS);
        private long batchEndPosition;
        private long retryAtNs;
        private PreparedStatement insertEnvelope;
        private PreparedStatement insertLink;
        private PreparedStatement insertEval;

        @Override
        public void onStart() {
            try {
                writeConnection.setAutoCommit(false);
                insertEnvelope = writeConnection.prepareStatement("INSERT INTO event_envelope (run_id, seq, node_id,"
                        + " node_version, input_hash, output_hash, started_ns, finished_ns, attributes, payload)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, " + dialect.jsonParameter() + ", ?)");
                insertLink = writeConnection.prepareStatement("INSERT INTO evidence_link (run_id, seq, kind, ref,"
                        + " hash, snippet, meta) VALUES (?, ?, ?, ?, ?, ?, " + dialect.jsonParameter() + ")");
                insertEval = writeConnection.prepareStatement("INSERT INTO quality_eval (run_id, seq, metric, value,"
                        + " meta, decided) VALUES (?, ?, ?, ?, " + dialect.jsonParameter() + ", ?)");
            } catch (SQLException e) {
                lastError = e;
                throw new SluiceException("cannot prepare the evidence store " + location + ": " + e.getMessage(), e);
            }
        }

        @Override
        public int doWork() {
            if (batch.isEmpty()) {
                if (ring.read(this, BATCH_RUNS) == 0) {
                    return 0;
                }
                batchEndPosition = ring.consumerPosition();
            } else if (System.nanoTime() - retryAtNs < 0) {
                return 0;
            }
            try {
                for (WireRun run : batch) {
                    insert(run);
                }
                insertEnvelope.executeBatch();
                insertLink.executeBatch();
                insertEval.executeBatch();
                writeConnection.commit();
            } catch (SQLException e) {
                lastError = e;
                retryAtNs = System.nanoTime() + RETRY_PAUSE_NS;
                try {
                    insertEnvelope.clearBatch();
                    insertLink.clearBatch();
                    insertEval.clearBatch();
                    writeConnection.rollback();
                } catch (SQLException ignored) {
                    // the connection is gone; the retry will say so again
                }
                return 0;
            }
            committedRuns.addAndGet(batch.size());
            batch.clear();
            committedPosition = batchEndPosition;
            return 1;
        }

        @Override
        public void onMessage(int msgTypeId, MutableDirectBuffer buffer, int index, int length) {
            batch.add(WIRE.decode(buffer, index, length));
        }

        private void insert(WireRun run) throws SQLException {
            UUID runId = new UUID(run.runIdHigh(), run.runIdLow());
            Map<String, String> runAttributes = Map.of("kind", "run", "trace_id", run.traceId(), "error", run.error(),
                    "input_schema_version", Integer.toString(run.inputSchemaVersion()));
            envelopeRow(runId, 0, run.flowName(), run.flowVersion(), run.inputHash(), run.outputHash(),
                    run.startedEpochNs(), run.finishedEpochNs(), runAttributes, run.input());
            int seq = 1;
            for (NodeEvent node : run.nodes()) {
                envelopeRow(runId, seq++, node.nodeId(), node.nodeVersion(), node.inputHash(), node.outputHash(),
                        node.startedEpochNs(), node.finishedEpochNs(), node.attributes(), null);
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

        private void envelopeRow(UUID runId, int seq, String nodeId, String nodeVersion, String inputHash,
                String outputHash, long startedNs, long finishedNs, Map<String, String> attributes, byte[] payload)
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

        @Override
        public String roleName() {
            return "sluice-evidence-writer";
        }
    }

    @Override
    public Optional<Evidence> evidence(UUID runId) {
        synchronized (readConnection) {
            try {
                List<Envelope> envelopes = new ArrayList<>();
                try (PreparedStatement select = readConnection.prepareStatement(ENVELOPE_COLUMNS
                        + " WHERE run_id = ? ORDER BY seq")) {
                    dialect.setUuid(select, 1, runId);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            envelopes.add(envelope(rows));
                        }
                    }
                }
                if (envelopes.isEmpty() || envelopes.getFirst().seq() != 0) {
                    return Optional.empty();
                }
                List<EvidenceLink> links = new ArrayList<>();
                try (PreparedStatement select = readConnection.prepareStatement("SELECT kind, ref, hash, snippet, meta"
                        + " FROM evidence_link WHERE run_id = ? ORDER BY seq")) {
                    dialect.setUuid(select, 1, runId);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            links.add(new EvidenceLink(EvidenceLink.Kind.valueOf(rows.getString(1).toUpperCase(
                                    Locale.ROOT)), rows.getString(2), rows.getString(3), rows.getString(4),
                                    JsonAttributes.read("evidence_link.meta", rows.getString(5))));
                        }
                    }
                }
                List<QualityEval> quality = new ArrayList<>();
                try (PreparedStatement select = readConnection.prepareStatement("SELECT metric, value, meta, decided"
                        + " FROM quality_eval WHERE run_id = ? ORDER BY seq")) {
                    dialect.setUuid(select, 1, runId);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            quality.add(new QualityEval(rows.getString(1), rows.getDouble(2),
                                    JsonAttributes.read("quality_eval.meta",
                                    rows.getString(3)), rows.getBoolean(4)));
                        }
                    }
                }
                Envelope run = envelopes.getFirst();
                return Optional.of(new Evidence(runId, run.attributes().getOrDefault("trace_id", ""), run.nodeId(),
                        run.nodeVersion(), run.startedNs(), run.finishedNs(), run.inputHash(), run.outputHash(),
                        run.attributes().getOrDefault("error", ""), nodeEvents(envelopes), links, quality));
            } catch (SQLException e) {
                throw new SluiceException("reading run " + runId + " from the evidence store " + location + " failed: "
                        + e.getMessage(), e);
            }
        }
    }

    @Override
    public List<JournalEntry> journal(Instant from, Instant to) {
        List<JournalEntry> entries = new ArrayList<>();
        synchronized (readConnection) {
            try (PreparedStatement select = readConnection.prepareStatement("SELECT e.run_id, e.seq, e.node_id,"
                    + " e.node_version, e.input_hash, e.output_hash, e.started_ns, e.finished_ns, e.attributes,"
                    + " e.payload FROM event_envelope r JOIN event_envelope e ON e.run_id = r.run_id"
                    + " WHERE r.seq = 0 AND r.started_ns >= ? AND r.started_ns < ? ORDER BY r.started_ns, r.id, e.seq")) {
                select.setLong(1, epochNs(from));
                select.setLong(2, epochNs(to));
                try (ResultSet rows = select.executeQuery()) {
                    List<Envelope> run = new ArrayList<>();
                    while (rows.next()) {
                        Envelope envelope = envelope(rows);
                        if (envelope.seq() == 0 && !run.isEmpty()) {
                            entries.add(journalEntry(run));
                            run.clear();
                        }
                        run.add(envelope);
                    }
                    if (!run.isEmpty()) {
                        entries.add(journalEntry(run));
                    }
                }
            } catch (SQLException e) {
                throw new SluiceException("reading the journal of the evidence store " + location + " failed: "
                        + e.getMessage(), e);
            }
        }
        return entries;
    }

    private static final String ENVELOPE_COLUMNS = "SELECT run_id, seq, node_id, node_version, input_hash,"
            + " output_hash, started_ns, finished_ns, attributes, payload FROM event_envelope";

    /** A row of {@code event_envelope}. */
    private record Envelope(UUID runId, int seq, String nodeId, String nodeVersion, String inputHash,
            String outputHash, long startedNs, long finishedNs, Map<String, String> attributes, byte[] payload) {
    }

    private Envelope envelope(ResultSet row) throws SQLException {
        return new Envelope(dialect.getUuid(row, 1), row.getInt(2), row.getString(3), row.getString(4),
                row.getString(5), row.getString(6), row.getLong(7), row.getLong(8),
                JsonAttributes.read("event_envelope.attributes", row.getString(9)), row.getBytes(10));
    }

    private static List<NodeEvent> nodeEvents(List<Envelope> envelopes) {
        List<NodeEvent> nodes = new ArrayList<>(envelopes.size() - 1);
        for (Envelope e : envelopes.subList(1, envelopes.size())) {
            nodes.add(new NodeEvent(e.nodeId(), e.nodeVersion(), e.inputHash(), e.outputHash(), e.startedNs(),
                    e.finishedNs(), e.attributes()));
        }
        return nodes;
    }

    private static JournalEntry journalEntry(List<Envelope> envelopes) {
        Envelope run = envelopes.getFirst();
        return new JournalEntry(run.runId(), run.nodeId(), run.nodeVersion(), run.startedNs(),
                Integer.parseInt(run.attributes().getOrDefault("input_schema_version", "1")),
                run.payload() == null ? new byte[0] : run.payload(), run.outputHash(), nodeEvents(envelopes));
    }

    private static long epochNs(Instant instant) {
        if (instant.isBefore(Instant.EPOCH)) {
            return 0;
        }
        if (instant.getEpochSecond() >= Long.MAX_VALUE / 1_000_000_000L) {
            return Long.MAX_VALUE;
        }
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        try {
            flush();
        } finally {
            runner.close();
            closeQuietly(writeConnection);
            closeQuietly(readConnection);
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing is best effort; the transactions that matter have committed
            }
        }
    }

    @Override
    public String toString() {
        return "EvidenceStore[" + dialect.name().toLowerCase(Locale.ROOT) + " " + location + ", " + committedRuns()
                + " runs committed]";
    }
}
