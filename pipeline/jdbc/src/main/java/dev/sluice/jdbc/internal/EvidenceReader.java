package dev.sluice.jdbc.internal;

import dev.sluice.core.CorruptDataException;
import dev.sluice.core.SluiceException;
import dev.sluice.pipeline.evidence.Evidence;
import dev.sluice.pipeline.evidence.EvidenceLink;
import dev.sluice.pipeline.evidence.JournalEntry;
import dev.sluice.pipeline.evidence.NodeEvent;
import dev.sluice.pipeline.evidence.QualityEval;
import dev.sluice.pipeline.evidence.TamperedEvidenceException;
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
 *
 * <p><b>Every read checks the rows against their hashes</b> ({@link RowHash}) before it builds anything from them:
 * each row's own hash, and the run's row, which also covers the hashes of all the run's other rows, so that a row
 * removed or added is caught too. A run none of whose rows has a hash was written before the store kept them (or by
 * an older library): it is read as before, unchecked. Once any row of a run has a hash, all must, and all must
 * match. {@link #evidence} throws {@link TamperedEvidenceException} for a run that does not match;
 * {@link #journal} returns it marked ({@link JournalEntry#tampered()}).
 */
final class EvidenceReader implements AutoCloseable {
    /** The input schema version of a run whose envelope does not record one. */
    static final int DEFAULT_INPUT_SCHEMA_VERSION = 1;

    /** Nanoseconds in a second, to turn an {@link Instant} into the stored epoch nanoseconds. */
    private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

    /** The latest epoch second whose nanoseconds a {@code long} holds with room for the nanosecond part. */
    private static final long MAX_EPOCH_SECOND = Long.MAX_VALUE / NANOS_PER_SECOND - 1;

    private static final String ENVELOPE_COLUMNS = "SELECT run_id, seq, node_id, node_version, input_hash,"
            + " output_hash, started_ns, finished_ns, attributes, payload, row_hash FROM event_envelope";
    private static final String ATTRIBUTES_COLUMN = "event_envelope.attributes";
    private static final String LINK_META_COLUMN = "evidence_link.meta";
    private static final String EVAL_META_COLUMN = "quality_eval.meta";

    /** The run id a journal entry reports when the stored one is not a UUID any more. */
    private static final UUID UNREADABLE_RUN_ID = new UUID(0, 0);

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

    /**
     * A column of JSON text and the map it holds, or why it holds none.
     *
     * @param column the column, for messages
     * @param fields the map, null if the text is not a flat JSON object of strings
     * @param failure why not, null if it is
     */
    private record Json(String column, Map<String, String> fields, CorruptDataException failure) {
        static Json parse(String column, String text) {
            try {
                return new Json(column, JsonAttributes.read(column, text), null);
            } catch (CorruptDataException e) {
                return new Json(column, null, e);
            }
        }

        /** @throws CorruptDataException if the text did not parse (for runs that have no hashes to check) */
        Map<String, String> orThrow() {
            if (failure != null) {
                throw failure;
            }
            return fields;
        }
    }

    /** A row of {@code event_envelope}, as stored. */
    private record Envelope(
            UUID runId,
            int seq,
            String nodeId,
            String nodeVersion,
            String inputHash,
            String outputHash,
            long startedNs,
            long finishedNs,
            Json attributes,
            byte[] payload,
            byte[] rowHash) {
        /** @return how a message names the row */
        String name() {
            return "event_envelope row " + seq
                    + (seq == EvidenceSchema.RUN_SEQ ? " (the run)" : " (node '" + nodeId + "')");
        }
    }

    /** A row of {@code evidence_link}, as stored. */
    private record LinkRow(int seq, String kind, String ref, String hash, String snippet, Json meta, byte[] rowHash) {}

    /** A row of {@code quality_eval}, as stored. */
    private record EvalRow(int seq, String metric, double value, Json meta, boolean decided, byte[] rowHash) {}

    /** Thrown inside this class when a check fails; turned into an exception or a journal entry's mark. */
    private static final class Mismatch extends Exception {
        private static final long serialVersionUID = 1L;

        Mismatch(String where, Throwable cause) {
            super(where, cause, false, false);
        }
    }

    /**
     * @param runId the run's id
     * @return its evidence as committed, empty if the store has no such run
     * @throws TamperedEvidenceException if the run's rows do not match their hashes
     * @throws SluiceException if the database fails
     * @throws dev.sluice.core.CorruptDataException if a stored attribute or meta column of a run that has no row
     *     hashes is not a flat JSON object of strings
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
                List<LinkRow> links = new ArrayList<>();
                try (PreparedStatement select = connection.prepareStatement("SELECT seq, kind, ref, hash, snippet,"
                        + " meta, row_hash FROM evidence_link WHERE run_id = ? ORDER BY seq")) {
                    dialect.setUuid(select, 1, runId);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            links.add(new LinkRow(
                                    rows.getInt(1),
                                    rows.getString(2),
                                    rows.getString(3),
                                    rows.getString(4),
                                    rows.getString(5),
                                    Json.parse(LINK_META_COLUMN, rows.getString(6)),
                                    rows.getBytes(7)));
                        }
                    }
                }
                List<EvalRow> evals = new ArrayList<>();
                try (PreparedStatement select = connection.prepareStatement("SELECT seq, metric, value, meta,"
                        + " decided, row_hash FROM quality_eval WHERE run_id = ? ORDER BY seq")) {
                    dialect.setUuid(select, 1, runId);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            evals.add(new EvalRow(
                                    rows.getInt(1),
                                    rows.getString(2),
                                    rows.getDouble(3),
                                    Json.parse(EVAL_META_COLUMN, rows.getString(4)),
                                    rows.getBoolean(5),
                                    rows.getBytes(6)));
                        }
                    }
                }
                boolean hashed = envelopes.stream().anyMatch(e -> e.rowHash() != null)
                        || links.stream().anyMatch(l -> l.rowHash() != null)
                        || evals.stream().anyMatch(e -> e.rowHash() != null);
                if (hashed) {
                    try {
                        checkRun(runId, envelopes, checkLinks(runId, links), checkEvals(runId, evals));
                    } catch (Mismatch m) {
                        throw new TamperedEvidenceException(runId, m.getMessage(), location, m.getCause());
                    }
                }
                if (envelopes.isEmpty() || envelopes.getFirst().seq() != EvidenceSchema.RUN_SEQ) {
                    return Optional.empty();
                }
                return Optional.of(evidence(runId, envelopes, links, evals));
            } catch (SQLException e) {
                throw new SluiceException(
                        "reading run " + runId + " from the evidence store " + location + " failed: " + e.getMessage(),
                        e);
            }
        }
    }

    /** Builds a run's evidence from its rows (checked already, or without hashes to check). */
    private static Evidence evidence(UUID runId, List<Envelope> envelopes, List<LinkRow> links, List<EvalRow> evals) {
        List<EvidenceLink> chain = new ArrayList<>(links.size());
        for (LinkRow link : links) {
            chain.add(new EvidenceLink(
                    EvidenceLink.Kind.valueOf(link.kind().toUpperCase(Locale.ROOT)),
                    link.ref(),
                    link.hash(),
                    link.snippet(),
                    link.meta().orThrow()));
        }
        List<QualityEval> quality = new ArrayList<>(evals.size());
        for (EvalRow eval : evals) {
            quality.add(new QualityEval(eval.metric(), eval.value(), eval.meta().orThrow(), eval.decided()));
        }
        Envelope run = envelopes.getFirst();
        Map<String, String> attributes = run.attributes().orThrow();
        return new Evidence(
                runId,
                attributes.getOrDefault(EvidenceSchema.TRACE_ID_ATTRIBUTE, ""),
                run.nodeId(),
                run.nodeVersion(),
                run.startedNs(),
                run.finishedNs(),
                run.inputHash(),
                run.outputHash(),
                attributes.getOrDefault(EvidenceSchema.ERROR_ATTRIBUTE, ""),
                nodeEvents(envelopes),
                chain,
                quality);
    }

    /**
     * Checks each link row against its hash.
     *
     * @return the rows' hashes, in order, for the run's row to check
     */
    private static List<byte[]> checkLinks(UUID runId, List<LinkRow> links) throws Mismatch {
        List<byte[]> hashes = new ArrayList<>(links.size());
        for (LinkRow link : links) {
            String name = "evidence_link row " + link.seq() + " (" + link.kind() + " '" + link.ref() + "')";
            Map<String, String> meta = parsed(name, link.meta());
            byte[] computed =
                    RowHash.link(runId, link.seq(), link.kind(), link.ref(), link.hash(), link.snippet(), meta);
            check(name, link.rowHash(), computed);
            hashes.add(link.rowHash());
        }
        return hashes;
    }

    /**
     * Checks each evaluation row against its hash.
     *
     * @return the rows' hashes, in order, for the run's row to check
     */
    private static List<byte[]> checkEvals(UUID runId, List<EvalRow> evals) throws Mismatch {
        List<byte[]> hashes = new ArrayList<>(evals.size());
        for (EvalRow eval : evals) {
            String name = "quality_eval row " + eval.seq() + " ('" + eval.metric() + "')";
            Map<String, String> meta = parsed(name, eval.meta());
            byte[] computed = RowHash.eval(runId, eval.seq(), eval.metric(), eval.value(), meta, eval.decided());
            check(name, eval.rowHash(), computed);
            hashes.add(eval.rowHash());
        }
        return hashes;
    }

    /**
     * Checks a run's envelope rows against their hashes: each node's row, then the run's own row, whose hash also
     * covers the hashes of all the run's other rows (its nodes', then {@code linkHashes} and {@code evalHashes}).
     */
    private static void checkRun(UUID runId, List<Envelope> envelopes, List<byte[]> linkHashes, List<byte[]> evalHashes)
            throws Mismatch {
        if (envelopes.isEmpty() || envelopes.getFirst().seq() != EvidenceSchema.RUN_SEQ) {
            throw new Mismatch(
                    "the run's own row (event_envelope row " + EvidenceSchema.RUN_SEQ + ") is missing", null);
        }
        List<byte[]> children = new ArrayList<>();
        for (Envelope node : envelopes.subList(1, envelopes.size())) {
            Map<String, String> attributes = parsed(node.name(), node.attributes());
            byte[] computed = RowHash.envelope(
                    runId,
                    node.seq(),
                    node.nodeId(),
                    node.nodeVersion(),
                    node.inputHash(),
                    node.outputHash(),
                    node.startedNs(),
                    node.finishedNs(),
                    attributes,
                    node.payload(),
                    null);
            check(node.name(), node.rowHash(), computed);
            children.add(node.rowHash());
        }
        children.addAll(linkHashes);
        children.addAll(evalHashes);
        Envelope run = envelopes.getFirst();
        Map<String, String> attributes = parsed(run.name(), run.attributes());
        byte[] computed = RowHash.envelope(
                runId,
                run.seq(),
                run.nodeId(),
                run.nodeVersion(),
                run.inputHash(),
                run.outputHash(),
                run.startedNs(),
                run.finishedNs(),
                attributes,
                run.payload(),
                RowHash.children(children));
        if (run.rowHash() == null) {
            throw new Mismatch(run.name() + " has no recorded hash, while other rows of the run have one", null);
        }
        if (!RowHash.matches(run.rowHash(), computed)) {
            throw new Mismatch(
                    run.name() + " does not match its recorded hash: a column of it changed (its input payload, a"
                            + " hash, a time, an attribute), or rows of the run were removed or added",
                    null);
        }
    }

    /** @throws Mismatch if the row's JSON column does not parse */
    private static Map<String, String> parsed(String row, Json json) throws Mismatch {
        if (json.failure() != null) {
            throw new Mismatch(row + ": " + json.failure().getMessage(), json.failure());
        }
        return json.fields();
    }

    /** @throws Mismatch if a row's stored hash is missing or not the computed one */
    private static void check(String row, byte[] stored, byte[] computed) throws Mismatch {
        if (stored == null) {
            throw new Mismatch(row + " has no recorded hash, while other rows of the run have one", null);
        }
        if (!RowHash.matches(stored, computed)) {
            throw new Mismatch(row + " does not match its recorded hash: a column of it changed", null);
        }
    }

    /**
     * @param from the earliest start, inclusive
     * @param to the latest start, exclusive
     * @return the committed runs that started in {@code [from, to)}, oldest first; a run whose rows do not match
     *     their hashes is marked tampered
     * @throws SluiceException if the database fails
     * @throws dev.sluice.core.CorruptDataException if a stored attribute column of a run that has no row hashes is
     *     not a flat JSON object of strings
     */
    List<JournalEntry> journal(Instant from, Instant to) {
        List<JournalEntry> entries = new ArrayList<>();
        synchronized (connection) {
            try (PreparedStatement select = connection.prepareStatement("SELECT e.run_id, e.seq, e.node_id,"
                            + " e.node_version, e.input_hash, e.output_hash, e.started_ns, e.finished_ns, e.attributes,"
                            + " e.payload, e.row_hash, r.id FROM event_envelope r JOIN event_envelope e ON e.run_id ="
                            + " r.run_id WHERE r.seq = " + EvidenceSchema.RUN_SEQ
                            + " AND r.started_ns >= ? AND r.started_ns < ? ORDER BY r.started_ns, r.id, e.seq");
                    PreparedStatement linkHashes = connection.prepareStatement(
                            "SELECT row_hash FROM evidence_link WHERE run_id = ? ORDER BY seq");
                    PreparedStatement evalHashes = connection.prepareStatement(
                            "SELECT row_hash FROM quality_eval WHERE run_id = ? ORDER BY seq")) {
                select.setLong(1, epochNs(from));
                select.setLong(2, epochNs(to));
                List<List<Envelope>> runs = new ArrayList<>();
                List<String> unreadable = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    long runRowId = Long.MIN_VALUE;
                    List<Envelope> run = null;
                    while (rows.next()) {
                        long id = rows.getLong(12);
                        if (run == null || id != runRowId) {
                            run = new ArrayList<>();
                            runs.add(run);
                            unreadable.add("");
                            runRowId = id;
                        }
                        try {
                            run.add(envelope(rows));
                        } catch (RuntimeException e) { // a run id that is not a UUID any more
                            unreadable.set(unreadable.size() - 1, "event_envelope: " + e.getMessage());
                        }
                    }
                }
                for (int i = 0; i < runs.size(); i++) {
                    List<Envelope> run = runs.get(i);
                    entries.add(
                            unreadable.get(i).isEmpty()
                                    ? journalEntry(run, linkHashes, evalHashes)
                                    : unreadableEntry(run, unreadable.get(i)));
                }
            } catch (SQLException e) {
                throw new SluiceException(
                        "reading the journal of the evidence store " + location + " failed: " + e.getMessage(), e);
            }
        }
        return entries;
    }

    /** Checks a run of the journal against its hashes, and builds its entry, marked tampered if it does not match. */
    private JournalEntry journalEntry(
            List<Envelope> envelopes, PreparedStatement linkHashes, PreparedStatement evalHashes) throws SQLException {
        Envelope run = envelopes.getFirst();
        UUID runId = run.runId();
        List<byte[]> links = rowHashes(linkHashes, runId);
        List<byte[]> evals = rowHashes(evalHashes, runId);
        boolean hashed = envelopes.stream().anyMatch(e -> e.rowHash() != null)
                || links.stream().anyMatch(h -> h != null)
                || evals.stream().anyMatch(h -> h != null);
        String tampered = "";
        if (hashed) {
            try {
                checkRun(runId, envelopes, links, evals);
            } catch (Mismatch m) {
                tampered = m.getMessage();
            }
        }
        Map<String, String> attributes = tampered.isEmpty() ? run.attributes().orThrow() : fieldsOrEmpty(run);
        String inputSchemaVersion = attributes.get(EvidenceSchema.INPUT_SCHEMA_VERSION_ATTRIBUTE);
        int version = DEFAULT_INPUT_SCHEMA_VERSION;
        if (inputSchemaVersion != null) {
            try {
                version = Integer.parseInt(inputSchemaVersion);
            } catch (NumberFormatException e) {
                if (tampered.isEmpty()) {
                    throw new CorruptDataException("the stored " + ATTRIBUTES_COLUMN + " of run " + runId + " has "
                            + EvidenceSchema.INPUT_SCHEMA_VERSION_ATTRIBUTE + " '" + inputSchemaVersion
                            + "', not a number");
                }
            }
        }
        return new JournalEntry(
                runId,
                orEmpty(run.nodeId()),
                orEmpty(run.nodeVersion()),
                run.startedNs(),
                version,
                run.payload() == null ? new byte[0] : run.payload(),
                orEmpty(run.outputHash()),
                tampered.isEmpty() ? nodeEvents(envelopes) : nodeEventsAsStored(envelopes),
                tampered);
    }

    /** The entry of a run whose rows could not even be read (a run id that is not a UUID any more): tampered. */
    private static JournalEntry unreadableEntry(List<Envelope> envelopes, String why) {
        Envelope run = envelopes.isEmpty() ? null : envelopes.getFirst();
        return new JournalEntry(
                run == null ? UNREADABLE_RUN_ID : run.runId(),
                run == null ? "" : orEmpty(run.nodeId()),
                run == null ? "" : orEmpty(run.nodeVersion()),
                run == null ? 0 : run.startedNs(),
                DEFAULT_INPUT_SCHEMA_VERSION,
                new byte[0],
                run == null ? "" : orEmpty(run.outputHash()),
                List.of(),
                why);
    }

    /** @return the row hashes of a run's rows in a table, in sequence order */
    private List<byte[]> rowHashes(PreparedStatement select, UUID runId) throws SQLException {
        dialect.setUuid(select, 1, runId);
        List<byte[]> hashes = new ArrayList<>();
        try (ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                hashes.add(rows.getBytes(1));
            }
        }
        return hashes;
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
                Json.parse(ATTRIBUTES_COLUMN, row.getString(9)),
                row.getBytes(10),
                row.getBytes(11));
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
                    e.attributes().orThrow()));
        }
        return nodes;
    }

    /** The node events of a tampered run, as far as they can be read: for a report, never to be trusted. */
    private static List<NodeEvent> nodeEventsAsStored(List<Envelope> envelopes) {
        List<NodeEvent> nodes = new ArrayList<>(Math.max(0, envelopes.size() - 1));
        for (Envelope e : envelopes.subList(Math.min(1, envelopes.size()), envelopes.size())) {
            nodes.add(new NodeEvent(
                    orEmpty(e.nodeId()),
                    orEmpty(e.nodeVersion()),
                    orEmpty(e.inputHash()),
                    orEmpty(e.outputHash()),
                    e.startedNs(),
                    e.finishedNs(),
                    fieldsOrEmpty(e)));
        }
        return nodes;
    }

    private static String orEmpty(String stored) {
        return stored == null ? "" : stored;
    }

    private static Map<String, String> fieldsOrEmpty(Envelope envelope) {
        Map<String, String> fields = envelope.attributes().fields();
        return fields == null ? Map.of() : fields;
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
