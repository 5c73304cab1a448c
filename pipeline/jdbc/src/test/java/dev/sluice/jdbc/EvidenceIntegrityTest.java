package dev.sluice.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.pipeline.FlowRuntime;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.ReplayReport;
import dev.sluice.pipeline.RunResult;
import dev.sluice.pipeline.evidence.EvidenceStore;
import dev.sluice.pipeline.evidence.JournalEntry;
import dev.sluice.pipeline.evidence.TamperedEvidenceException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One flipped bit in {@code evidence.db} never changes the evidence or the journal unnoticed: each row is checked
 * against its hash, and the run's row against the hashes of all its rows, on every read, in SQLite and PostgreSQL.
 * A run that does not match is refused by {@code evidence(runId)} and marked in the journal; the other runs read as
 * before; replay reports it tampered instead of replaying a changed input.
 */
class EvidenceIntegrityTest {
    @TempDir
    Path dir;

    private static final long T0 = 1_760_000_000_000_000_000L;
    private static final int RUNS = 3;
    /** The run every scenario tampers with; the others must read as before. */
    private static final int VICTIM = 1;

    private static UUID runId(int i) {
        return StoreFixtures.sample(i, 0).runId();
    }

    /**
     * A change made behind the store's back, and what the store must then say about the run.
     *
     * @param where what {@code evidence(runId)} must name
     * @param journalMarks whether the run's journal entry must be marked tampered (the journal holds no link or
     *     evaluation contents, only their hashes: an entry whose own rows and row set are intact is not)
     */
    private record Tamper(
            String name, String sql, Binder binder, String where, boolean journalMarks, boolean sqliteOnly) {
        @Override
        public String toString() {
            return name;
        }
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement statement, boolean postgres) throws SQLException;
    }

    private static Binder runIdOnly() {
        return (s, pg) -> setRunId(s, 1, pg);
    }

    private static void setRunId(PreparedStatement s, int index, boolean postgres) throws SQLException {
        if (postgres) {
            s.setObject(index, runId(VICTIM));
        } else {
            s.setString(index, runId(VICTIM).toString());
        }
    }

    private static byte[] flipped(byte[] bytes, int bit) {
        byte[] copy = bytes.clone();
        copy[bit / 8] ^= (byte) (1 << (bit % 8));
        return copy;
    }

    static Stream<Arguments> tampers() {
        List<Tamper> tampers = List.of(
                new Tamper(
                        "one bit of the journaled input",
                        "UPDATE event_envelope SET payload = ? WHERE run_id = ? AND seq = 0",
                        (s, pg) -> {
                            s.setBytes(1, flipped(StoreFixtures.sampleInput(VICTIM), 3));
                            setRunId(s, 2, pg);
                        },
                        "event_envelope row 0 (the run)",
                        true,
                        false),
                new Tamper(
                        "one hex digit of the output hash",
                        "UPDATE event_envelope SET output_hash = ? WHERE run_id = ? AND seq = 0",
                        (s, pg) -> {
                            s.setString(1, "c" + "b".repeat(63));
                            setRunId(s, 2, pg);
                        },
                        "event_envelope row 0 (the run)",
                        true,
                        false),
                new Tamper(
                        "a node's attribute",
                        "UPDATE event_envelope SET attributes = '{\"cache_hit\":\"true\",\"kind\":\"call\"}'"
                                + " WHERE run_id = ? AND seq = 1",
                        runIdOnly(),
                        "event_envelope row 1 (node 'retrieve')",
                        true,
                        false),
                new Tamper(
                        "a node's output hash",
                        "UPDATE event_envelope SET output_hash = 'f' || SUBSTR(output_hash, 2) WHERE run_id = ? AND seq = 2",
                        runIdOnly(),
                        "event_envelope row 2 (node 'call_model')",
                        true,
                        false),
                new Tamper(
                        "a node's attributes no longer JSON",
                        "UPDATE event_envelope SET attributes = '{\"model\":\"llama.cpp:tiny@sha256:ab\",' WHERE run_id"
                                + " = ? AND seq = 2",
                        runIdOnly(),
                        "event_envelope row 2 (node 'call_model'): the stored event_envelope.attributes is not",
                        true,
                        true),
                new Tamper(
                        "a document's snippet",
                        "UPDATE evidence_link SET snippet = 'ring buffers are slow' WHERE run_id = ? AND seq = 0",
                        runIdOnly(),
                        "evidence_link row 0 (doc 'doc-1')",
                        false,
                        false),
                new Tamper(
                        "a quality score",
                        "UPDATE quality_eval SET value = 12 WHERE run_id = ? AND seq = 0",
                        runIdOnly(),
                        "quality_eval row 0 ('length_chars')",
                        false,
                        false),
                new Tamper(
                        "a link removed",
                        "DELETE FROM evidence_link WHERE run_id = ? AND seq = 2",
                        runIdOnly(),
                        "event_envelope row 0 (the run) does not match its recorded hash",
                        true,
                        false),
                new Tamper(
                        "a node's hash removed",
                        "UPDATE event_envelope SET row_hash = NULL WHERE run_id = ? AND seq = 1",
                        runIdOnly(),
                        "event_envelope row 1 (node 'retrieve') has no recorded hash",
                        true,
                        false),
                new Tamper(
                        "the run's own row removed",
                        "DELETE FROM event_envelope WHERE run_id = ? AND seq = 0",
                        runIdOnly(),
                        "the run's own row (event_envelope row 0) is missing",
                        false,
                        false));
        List<Arguments> cells = new ArrayList<>();
        for (Tamper tamper : tampers) {
            cells.add(Arguments.of(false, tamper));
            if (!tamper.sqliteOnly()) {
                cells.add(Arguments.of(true, tamper));
            }
        }
        return cells.stream();
    }

    @ParameterizedTest(name = "{1}, postgres {0}")
    @MethodSource("tampers")
    void aTamperedRunIsRefusedAndMarkedAndTheOthersReadAsBefore(boolean postgres, Tamper tamper) throws Exception {
        String url = postgres ? StoreFixtures.postgresUrl("tamper") : null;
        Path file = dir.resolve("evidence.db");
        try (EvidenceStore store = postgres ? JdbcEvidence.postgres(url) : JdbcEvidence.sqlite(file)) {
            for (int i = 0; i < RUNS; i++) {
                store.append(StoreFixtures.sample(i, T0 + i), 1, StoreFixtures.sampleInput(i));
            }
            store.flush();
            try (Connection db = DriverManager.getConnection(postgres ? url : "jdbc:sqlite:" + file);
                    PreparedStatement change = db.prepareStatement(tamper.sql())) {
                tamper.binder().bind(change, postgres);
                assertEquals(1, change.executeUpdate(), tamper.name());
            }
            TamperedEvidenceException e =
                    assertThrows(TamperedEvidenceException.class, () -> store.evidence(runId(VICTIM)));
            assertEquals(runId(VICTIM), e.runId());
            assertTrue(e.where().contains(tamper.where()), e.getMessage());
            assertTrue(e.getMessage().contains(runId(VICTIM).toString()), e.getMessage());
            for (int i = 0; i < RUNS; i++) {
                if (i != VICTIM) {
                    assertEquals(
                            StoreFixtures.sample(i, T0 + i),
                            store.evidence(runId(i)).orElseThrow());
                }
            }
            List<JournalEntry> journal = store.journal(Instant.EPOCH, Instant.MAX);
            boolean runRowGone = tamper.where().startsWith("the run's own row");
            assertEquals(runRowGone ? RUNS - 1 : RUNS, journal.size());
            for (JournalEntry entry : journal) {
                int i = (int) entry.runId().getLeastSignificantBits();
                if (i == VICTIM && tamper.journalMarks()) {
                    assertTrue(entry.isTampered(), entry.toString());
                    assertTrue(entry.tampered().contains(tamper.where()), entry.tampered());
                    TamperedEvidenceException input = assertThrows(TamperedEvidenceException.class, entry::input);
                    assertEquals(runId(VICTIM), input.runId());
                } else {
                    assertFalse(entry.isTampered(), entry.toString());
                    assertArrayEquals(StoreFixtures.sampleInput(i), entry.input());
                }
            }
        }
    }

    @Test
    void aRunWrittenBeforeRowHashesIsReadUncheckedAsBefore() throws Exception {
        Path file = dir.resolve("old.db");
        try (EvidenceStore store = JdbcEvidence.sqlite(file)) {
            for (int i = 0; i < RUNS; i++) {
                store.append(StoreFixtures.sample(i, T0 + i), 1, StoreFixtures.sampleInput(i));
            }
        }
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = db.createStatement()) {
            // what a store written by an older library looks like: no row_hash column at all
            for (String table : List.of("event_envelope", "evidence_link", "quality_eval")) {
                s.execute("ALTER TABLE " + table + " DROP COLUMN row_hash");
            }
        }
        try (EvidenceStore store = JdbcEvidence.sqlite(file)) {
            store.append(StoreFixtures.sample(RUNS, T0 + RUNS), 1, StoreFixtures.sampleInput(RUNS));
            store.flush();
            for (int i = 0; i <= RUNS; i++) {
                assertEquals(
                        StoreFixtures.sample(i, T0 + i),
                        store.evidence(runId(i)).orElseThrow());
            }
            assertTrue(store.journal(Instant.EPOCH, Instant.MAX).stream().noneMatch(JournalEntry::isTampered));
        }
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
                PreparedStatement change =
                        db.prepareStatement("UPDATE event_envelope SET output_hash = 'x' WHERE run_id = ?")) {
            change.setString(1, runId(RUNS).toString()); // the run written after the column was added again
            assertEquals(3, change.executeUpdate());
        }
        try (EvidenceStore store = JdbcEvidence.sqlite(file)) {
            assertThrows(TamperedEvidenceException.class, () -> store.evidence(runId(RUNS)));
            assertEquals(StoreFixtures.sample(0, T0), store.evidence(runId(0)).orElseThrow());
        }
    }

    @Test
    void aBitFlippedInTheFileItselfIsCaughtWhereSqliteSeesNothingAndReplayReportsItTampered() throws Exception {
        Path file = dir.resolve("evidence.db");
        List<String> questions = List.of("ring buffers", "cache keys", "spans");
        List<UUID> runs = new ArrayList<>();
        try (EvidenceStore store = JdbcEvidence.sqlite(file);
                Pipeline<String, String> p = ProvenanceTest.flow("Context:\n")
                        .start(FlowRuntime.inline().withEvidence(store))) {
            for (String q : questions) {
                RunResult<String> run =
                        p.submit(q).orTimeout(30, TimeUnit.SECONDS).join();
                runs.add(run.runId());
            }
        }
        assertFalse(Files.exists(Path.of(file + "-wal")), "closed and checkpointed");
        byte[] bytes = Files.readAllBytes(file);
        byte[] input = "cache keys".getBytes(StandardCharsets.UTF_8);
        int copies = 0; // the live row, and maybe a stale copy of it in a page SQLite has since rewritten
        for (int at = indexOf(bytes, input, 0); at >= 0; at = indexOf(bytes, input, at + 1)) {
            bytes[at + 6] ^= 0x02; // "cache keys" becomes "cache iys"
            copies++;
        }
        assertTrue(copies > 0, "the journaled input is in the file");
        Files.write(file, bytes);
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = db.createStatement();
                ResultSet check = s.executeQuery("PRAGMA integrity_check")) {
            assertEquals("ok", check.getString(1), "SQLite sees nothing wrong with the file");
        }
        try (EvidenceStore store = JdbcEvidence.sqlite(file);
                Pipeline<String, String> p = ProvenanceTest.flow("Context:\n")
                        .start(FlowRuntime.inline().withEvidence(store))) {
            TamperedEvidenceException e = assertThrows(TamperedEvidenceException.class, () -> p.evidence(runs.get(1)));
            assertTrue(e.getMessage().contains("event_envelope row 0 (the run)"), e.getMessage());
            p.evidence(runs.get(0)).orElseThrow();
            ReplayReport report = p.replay(Instant.EPOCH, Instant.MAX);
            assertEquals(2, report.count(ReplayReport.Status.UNCHANGED), report.toText());
            assertEquals(1, report.count(ReplayReport.Status.TAMPERED), report.toText());
            ReplayReport.Run tampered = report.runs().stream()
                    .filter(r -> r.status() == ReplayReport.Status.TAMPERED)
                    .findFirst()
                    .orElseThrow();
            assertEquals(runs.get(1), tampered.runId());
            assertTrue(report.toText().contains("TAMPERED " + runs.get(1)), report.toText());
            assertTrue(report.toText().endsWith("3 runs: 2 unchanged, 0 changed, 0 failed, 0 skipped, 1 tampered\n"));
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
