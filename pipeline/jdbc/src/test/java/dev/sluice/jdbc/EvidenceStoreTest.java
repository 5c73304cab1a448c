package dev.sluice.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.BadInputException;
import dev.sluice.pipeline.evidence.Evidence;
import dev.sluice.pipeline.evidence.EvidenceStore;
import dev.sluice.pipeline.evidence.JournalEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evidence store against the real engines: SQLite in a file, and the PostgreSQL server of {@code .ci/run}. */
class EvidenceStoreTest {
    @TempDir
    Path dir;

    private static final long T0 = 1_760_000_000_000_000_000L;

    @Test
    void sqliteStoresAndReadsBackTheWholeChain() {
        try (EvidenceStore store = StoreFixtures.sqlite(dir)) {
            roundTrip(store);
        }
    }

    @Test
    void postgresStoresAndReadsBackTheWholeChain() throws Exception {
        try (EvidenceStore store = StoreFixtures.postgres("round_trip")) {
            roundTrip(store);
        }
    }

    private static void roundTrip(EvidenceStore store) {
        for (int i = 0; i < 20; i++) {
            store.append(StoreFixtures.sample(i, T0 + i * 1_000L), 1, StoreFixtures.sampleInput(i));
        }
        store.flush();
        assertEquals(20, store.committedRuns());
        for (int i = 0; i < 20; i++) {
            Evidence expected = StoreFixtures.sample(i, T0 + i * 1_000L);
            assertEquals(expected, store.evidence(expected.runId()).orElseThrow(), "run " + i);
        }
        assertTrue(store.evidence(new UUID(1, 2)).isEmpty());
        List<JournalEntry> journal =
                store.journal(Instant.ofEpochSecond(0, T0 + 5_000), Instant.ofEpochSecond(0, T0 + 10_000));
        assertEquals(5, journal.size(), "runs 5 to 9 started in [from, to)");
        for (int k = 0; k < 5; k++) {
            JournalEntry entry = journal.get(k);
            assertEquals(StoreFixtures.sample(5 + k, 0).runId(), entry.runId(), "oldest first");
            assertArrayEquals(StoreFixtures.sampleInput(5 + k), entry.input());
            assertEquals("faq", entry.flowName());
            assertEquals(2, entry.nodes().size());
            assertEquals("b".repeat(64), entry.outputHash());
        }
    }

    @Test
    void manyThreadsAppendingLoseNothing() throws Exception {
        int threads = 4;
        int perThread = 500;
        try (EvidenceStore store = StoreFixtures.sqlite(dir)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new java.util.ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int first = t * perThread;
                    done.add(pool.submit(() -> {
                        for (int i = first; i < first + perThread; i++) {
                            store.append(StoreFixtures.sample(i, T0 + i), 1, StoreFixtures.sampleInput(i));
                        }
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            store.flush();
            assertEquals(
                    threads * perThread,
                    store.journal(Instant.EPOCH, Instant.MAX).size());
        }
    }

    @Test
    void closeFlushesAndTheFileReopens() {
        Path file = dir.resolve("reopen.db");
        try (EvidenceStore store = JdbcEvidence.sqlite(file)) {
            for (int i = 0; i < 100; i++) {
                store.append(StoreFixtures.sample(i, T0 + i), 1, StoreFixtures.sampleInput(i));
            }
        }
        try (EvidenceStore store = JdbcEvidence.sqlite(file)) {
            assertEquals(100, store.journal(Instant.EPOCH, Instant.MAX).size());
            assertEquals(
                    StoreFixtures.sample(99, T0 + 99),
                    store.evidence(new UUID(0x5100CE, 99)).orElseThrow());
        }
    }

    @Test
    void refusesAFileThatIsNotADatabase() throws Exception {
        Path file = dir.resolve("not-a-db.db");
        Files.write(
                file,
                "this is not SQLite, just text that is long enough to be a header...."
                        .repeat(100)
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        BadInputException e = assertThrows(BadInputException.class, () -> JdbcEvidence.sqlite(file));
        assertTrue(e.getMessage().contains("not-a-db.db"), e.getMessage());
    }

    @Test
    void refusesAStoreWrittenByANewerLibrary() throws Exception {
        Path file = dir.resolve("newer.db");
        JdbcEvidence.sqlite(file).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement()) {
            s.execute("UPDATE sluice_evidence_schema SET version = 99");
        }
        BadInputException e = assertThrows(BadInputException.class, () -> JdbcEvidence.sqlite(file));
        assertTrue(e.getMessage().contains("version 99"), e.getMessage());
    }

    @Test
    void usesWalAndRecordsTheTableVersion() throws Exception {
        Path file = dir.resolve("wal.db");
        JdbcEvidence.sqlite(file).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("PRAGMA journal_mode")) {
                assertEquals("wal", r.getString(1));
            }
            try (ResultSet r = s.executeQuery("SELECT version FROM sluice_evidence_schema")) {
                assertEquals(1, r.getInt(1));
            }
        }
    }

    @Test
    void refusesAUrlThatIsNotPostgres() {
        assertThrows(BadInputException.class, () -> JdbcEvidence.postgres("jdbc:mysql://localhost/x"));
    }
}
