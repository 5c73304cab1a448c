package dev.sluice.jdbc.internal;

import dev.sluice.core.SluiceException;
import dev.sluice.pipeline.evidence.Evidence;
import dev.sluice.pipeline.evidence.EvidenceLink;
import dev.sluice.pipeline.evidence.JournalEntry;
import dev.sluice.pipeline.evidence.NodeEvent;
import dev.sluice.pipeline.evidence.QualityEval;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The reads of an evidence store, on a connection of their own (SQLite's WAL lets them run beside the writer): one
 * run's evidence chain, and the journal of the runs that started in a time range. They see committed runs only.
 * Thread-safe: one read at a time, under the connection's lock.
 */
final class EvidenceReader implements AutoCloseable {
    /** The input schema version of a run whose envelope does not record one. */
    static final int DEFAULT_INPUT_SCHEMA_VERSION = 1;

    /** Nanoseconds in a second, to turn an {@link Instant} into the stored epoch nanoseconds. */
    private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

    /** The latest epoch second whose nanoseconds a {@code long} holds with room for the nanosecond part. */
    private static final long MAX_EPOCH_SECOND = Long.MAX_VALUE / NANOS_PER_SECOND - 1;

    private static final String ENVELOPE_COLUMNS = "SELECT run_id, seq, node_id, node_version, input_hash,"
            + " output_hash, started_ns, finished_ns, attributes, payload FROM event_envelope";
    private static final String ATTRIBUTES_COLUMN = "event_envelope.attributes";
    private static final String LINK_META_COLUMN = "evidence_link.meta";
    private static final String EVAL_META_COLUMN = "quality_eval.meta";

    private final SqlDialect dialect;
    private final String location;
    private final Connection connection;

    /**
     * @param dialect the engine
     * @param location how to name the store in messages
     * @param connection the connection to read on, which this object then uses alone and closes
     */
    EvidenceReader(SqlDialect dialect, String location, Connection connection) {
        this.dialect = dialect;
        this.location = location;
        this.connection = connection;
    }

    /** A row of {@code event_envelope}. */
    private record Envelope(
            UUID runId,
            int seq,
            String nodeId,
            String nodeVersion,
            String inputHash,
            String outputHash,
            long startedNs,
            long finishedNs,
            Map<String, String> attributes,
            byte[] payload) {}

    /**
     * @param runId the run's id
     * @return its evidence as committed, empty if the store has no such run
     * @throws SluiceException if the database fails
     * @throws dev.sluice.core.CorruptDataException if a stored attribute or meta column is not a flat JSON object
     *     of strings
     */
    Optional<Evidence> evidence(UUID runId) {
        synchronized (connection) {
            try {
                List<Envelope> envelopes = new ArrayList<>();
                try (PreparedStatement select =
                        connection.prepareStatement(ENVELOPE_COLUMNS + " WHERE run_id = ? ORDER BY seq")) {
                    dialect.setUuid(select, 1, runId);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            envelopes.add(envelope(rows));
                        }
                    }
                }
                if (envelopes.isEmpty() || envelopes.getFirst().seq() != EvidenceSchema.RUN_SEQ) {
                    return Optional.empty();
                }
                List<EvidenceLink> links = new ArrayList<>();
                try (PreparedStatement select = connection.prepareStatement("SELECT kind, ref, hash, snippet, meta"
                        + " FROM evidence_link WHERE run_id = ? ORDER BY seq")) {
                    dialect.setUuid(select, 1, runId);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            links.add(new EvidenceLink(
                                    EvidenceLink.Kind.valueOf(rows.getString(1).toUpperCase(Locale.ROOT)),
                                    rows.getString(2),
                                    rows.getString(3),
                                    rows.getString(4),
                                    JsonAttributes.read(LINK_META_COLUMN, rows.getString(5))));
                        }
                    }
                }
                List<QualityEval> quality = new ArrayList<>();
                try (PreparedStatement select = connection.prepareStatement(
                        "SELECT metric, value, meta, decided" + " FROM quality_eval WHERE run_id = ? ORDER BY seq")) {
                    dialect.setUuid(select, 1, runId);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            quality.add(new QualityEval(
                                    rows.getString(1),
                                    rows.getDouble(2),
                                    JsonAttributes.read(EVAL_META_COLUMN, rows.getString(3)),
                                    rows.getBoolean(4)));
                        }
                    }
                }
                Envelope run = envelopes.getFirst();
                return Optional.of(new Evidence(
                        runId,
                        run.attributes().getOrDefault(EvidenceSchema.TRACE_ID_ATTRIBUTE, ""),
                        run.nodeId(),
                        run.nodeVersion(),
                        run.startedNs(),
                        run.finishedNs(),
                        run.inputHash(),
                        run.outputHash(),
                        run.attributes().getOrDefault(EvidenceSchema.ERROR_ATTRIBUTE, ""),
                        nodeEvents(envelopes),
                        links,
                        quality));
            } catch (SQLException e) {
                throw new SluiceException(
                        "reading run " + runId + " from the evidence store " + location + " failed: " + e.getMessage(),
                        e);
            }
        }
    }

    /**
     * @param from the earliest start, inclusive
     * @param to the latest start, exclusive
     * @return the committed runs that started in {@code [from, to)}, oldest first
     * @throws SluiceException if the database fails
     * @throws dev.sluice.core.CorruptDataException if a stored attribute column is not a flat JSON object of
     *     strings
     */
    List<JournalEntry> journal(Instant from, Instant to) {
        List<JournalEntry> entries = new ArrayList<>();
        synchronized (connection) {
            try (PreparedStatement select = connection.prepareStatement("SELECT e.run_id, e.seq, e.node_id,"
                    + " e.node_version, e.input_hash, e.output_hash, e.started_ns, e.finished_ns, e.attributes,"
                    + " e.payload FROM event_envelope r JOIN event_envelope e ON e.run_id = r.run_id"
                    + " WHERE r.seq = " + EvidenceSchema.RUN_SEQ + " AND r.started_ns >= ? AND r.started_ns < ?"
                    + " ORDER BY r.started_ns, r.id, e.seq")) {
                select.setLong(1, epochNs(from));
                select.setLong(2, epochNs(to));
                try (ResultSet rows = select.executeQuery()) {
                    List<Envelope> run = new ArrayList<>();
                    while (rows.next()) {
                        Envelope envelope = envelope(rows);
                        if (envelope.seq() == EvidenceSchema.RUN_SEQ && !run.isEmpty()) {
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
                throw new SluiceException(
                        "reading the journal of the evidence store " + location + " failed: " + e.getMessage(), e);
            }
        }
        return entries;
    }

    private Envelope envelope(ResultSet row) throws SQLException {
        return new Envelope(
                dialect.getUuid(row, 1),
                row.getInt(2),
                row.getString(3),
                row.getString(4),
                row.getString(5),
                row.getString(6),
                row.getLong(7),
                row.getLong(8),
                JsonAttributes.read(ATTRIBUTES_COLUMN, row.getString(9)),
                row.getBytes(10));
    }

    private static List<NodeEvent> nodeEvents(List<Envelope> envelopes) {
        List<NodeEvent> nodes = new ArrayList<>(envelopes.size() - 1);
        for (Envelope e : envelopes.subList(1, envelopes.size())) {
            nodes.add(new NodeEvent(
                    e.nodeId(),
                    e.nodeVersion(),
                    e.inputHash(),
                    e.outputHash(),
                    e.startedNs(),
                    e.finishedNs(),
                    e.attributes()));
        }
        return nodes;
    }

    private static JournalEntry journalEntry(List<Envelope> envelopes) {
        Envelope run = envelopes.getFirst();
        String inputSchemaVersion = run.attributes().get(EvidenceSchema.INPUT_SCHEMA_VERSION_ATTRIBUTE);
        return new JournalEntry(
                run.runId(),
                run.nodeId(),
                run.nodeVersion(),
                run.startedNs(),
                inputSchemaVersion == null ? DEFAULT_INPUT_SCHEMA_VERSION : Integer.parseInt(inputSchemaVersion),
                run.payload() == null ? new byte[0] : run.payload(),
                run.outputHash(),
                nodeEvents(envelopes));
    }

    /** @return the instant in epoch nanoseconds, clamped to {@code [0, Long.MAX_VALUE]} */
    private static long epochNs(Instant instant) {
        if (instant.isBefore(Instant.EPOCH)) {
            return 0;
        }
        if (instant.getEpochSecond() > MAX_EPOCH_SECOND) {
            return Long.MAX_VALUE;
        }
        return instant.getEpochSecond() * NANOS_PER_SECOND + instant.getNano();
    }

    /** Closes the connection; best effort. */
    @Override
    public void close() {
        synchronized (connection) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // closing is best effort; reads hold no changes
            }
        }
    }
}
