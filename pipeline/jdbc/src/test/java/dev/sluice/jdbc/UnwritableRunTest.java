package dev.sluice.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.BadInputException;
import dev.sluice.core.SluiceException;
import dev.sluice.pipeline.evidence.Evidence;
import dev.sluice.pipeline.evidence.EvidenceStore;
import dev.sluice.pipeline.evidence.NodeEvent;
import dev.sluice.pipeline.evidence.QualityEval;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A run the database will never take does not hold up the others: the writer sets it aside (logged, counted) after
 * a bounded number of tries, the runs after it are written, and flush returns; a run PostgreSQL cannot hold (a NUL
 * character) is refused at append with a message naming it; a damaged page costs the runs that touch it, not a
 * minute-long stall.
 */
class UnwritableRunTest {
    @TempDir
    Path dir;

    private static final long T0 = 1_760_000_000_000_000_000L;

    /** A run SQLite refuses: a NaN score, which it stores as NULL in a NOT NULL column. */
    private static Evidence withNanScore(int i) {
        Evidence sample = StoreFixtures.sample(i, T0 + i);
        List<QualityEval> quality = new ArrayList<>(sample.quality());
        quality.add(new QualityEval("nan_score", Double.NaN, Map.of(), false));
        return new Evidence(
                sample.runId(),
                sample.traceId(),
                sample.flowName(),
                sample.flowVersion(),
                sample.startedEpochNs(),
                sample.finishedEpochNs(),
                sample.inputHash(),
                sample.outputHash(),
                sample.error(),
                sample.nodes(),
                sample.links(),
                quality);
    }

    /** A run whose second node has an attribute holding a NUL character. */
    private static Evidence withNul(int i) {
        Evidence sample = StoreFixtures.sample(i, T0 + i);
        List<NodeEvent> nodes = new ArrayList<>(sample.nodes());
        NodeEvent node = nodes.get(1);
        Map<String, String> attributes = new HashMap<>(node.attributes());
        attributes.put("reason", "before\u0000after");
        nodes.set(
                1,
                new NodeEvent(
                        node.nodeId(),
                        node.nodeVersion(),
                        node.inputHash(),
                        node.outputHash(),
                        node.startedEpochNs(),
                        node.finishedEpochNs(),
                        attributes));
        return new Evidence(
                sample.runId(),
                sample.traceId(),
                sample.flowName(),
                sample.flowVersion(),
                sample.startedEpochNs(),
                sample.finishedEpochNs(),
                sample.inputHash(),
                sample.outputHash(),
                sample.error(),
                nodes,
                sample.links(),
                sample.quality());
    }

    @Test
    void aRunTheDatabaseRefusesIsSetAsideAndTheOthersAreWritten() {
        try (EvidenceStore store = StoreFixtures.sqlite(dir)) {
            for (int i = 0; i < 10; i++) {
                store.append(
                        i == 5 ? withNanScore(i) : StoreFixtures.sample(i, T0 + i), 1, StoreFixtures.sampleInput(i));
            }
            store.flush(); // returns: the refused run does not hold it
            assertEquals(9, store.committedRuns());
            assertEquals(1, store.setAsideRuns());
            SluiceException e = assertThrows(SluiceException.class, () -> store.evidence(new UUID(0x5100CE, 5)));
            assertTrue(e.getMessage().contains("set aside"), e.getMessage());
            assertTrue(e.getMessage().contains(new UUID(0x5100CE, 5).toString()), e.getMessage());
            for (int i = 10; i < 20; i++) {
                store.append(StoreFixtures.sample(i, T0 + i), 1, StoreFixtures.sampleInput(i));
            }
            store.flush();
            assertEquals(19, store.committedRuns(), "the writer goes on after it");
            assertEquals(19, store.journal(Instant.EPOCH, Instant.MAX).size());
            for (int i = 0; i < 20; i++) {
                if (i != 5) {
                    assertEquals(
                            StoreFixtures.sample(i, T0 + i),
                            store.evidence(new UUID(0x5100CE, i)).orElseThrow());
                }
            }
            assertTrue(store.toString().contains("1 set aside"), store.toString());
        }
    }

    @Test
    void aDamagedPageCostsTheRunsThatTouchItNotAStall() throws Exception {
        Path file = dir.resolve("damaged.db");
        try (EvidenceStore store = JdbcEvidence.sqlite(file)) {
            for (int i = 0; i < 50; i++) {
                store.append(StoreFixtures.sample(i, T0 + i), 1, StoreFixtures.sampleInput(i));
            }
        }
        int pageSize;
        int rootPage;
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = db.createStatement()) {
            try (ResultSet r = s.executeQuery("PRAGMA page_size")) {
                pageSize = r.getInt(1);
            }
            try (ResultSet r = s.executeQuery("SELECT rootpage FROM sqlite_master WHERE name = 'event_envelope_run'")) {
                rootPage = r.getInt(1);
            }
        }
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
            raw.seek((long) (rootPage - 1) * pageSize);
            byte[] garbage = new byte[pageSize];
            java.util.Arrays.fill(garbage, (byte) 0xA5);
            raw.write(garbage); // the index of runs by id: every insert of an envelope row goes through it
        }
        try (EvidenceStore store = JdbcEvidence.sqlite(file)) {
            for (int i = 50; i < 53; i++) {
                store.append(StoreFixtures.sample(i, T0 + i), 1, StoreFixtures.sampleInput(i));
            }
            store.flush(); // returns at once, not after the minute a flush waits for a database that is down
            assertEquals(3, store.setAsideRuns());
            assertEquals(0, store.committedRuns());
            SluiceException e = assertThrows(SluiceException.class, () -> store.evidence(new UUID(0x5100CE, 51)));
            assertTrue(e.getMessage().contains("set aside"), e.getMessage());
        }
    }

    @Test
    void postgresRefusesANulCharacterAtAppendNamingTheRunAndTheField() throws Exception {
        try (EvidenceStore store = StoreFixtures.postgres("nul")) {
            store.append(StoreFixtures.sample(0, T0), 1, StoreFixtures.sampleInput(0));
            BadInputException e = assertThrows(
                    BadInputException.class, () -> store.append(withNul(1), 1, StoreFixtures.sampleInput(1)));
            assertTrue(e.getMessage().contains(new UUID(0x5100CE, 1).toString()), e.getMessage());
            assertTrue(e.getMessage().contains("node 2 ('call_model') attribute 'reason'"), e.getMessage());
            assertTrue(e.getMessage().contains("NUL"), e.getMessage());
            store.append(StoreFixtures.sample(2, T0 + 2), 1, StoreFixtures.sampleInput(2));
            store.flush();
            assertEquals(2, store.committedRuns());
            assertEquals(0, store.setAsideRuns());
            assertTrue(store.evidence(new UUID(0x5100CE, 1)).isEmpty(), "nothing of the refused run is written");
            assertEquals(
                    StoreFixtures.sample(2, T0 + 2),
                    store.evidence(new UUID(0x5100CE, 2)).orElseThrow());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aNulCharacterIsStoredAsIsWhereTheDatabaseCanHoldIt(boolean reopen) {
        Path file = dir.resolve("nul.db");
        try (EvidenceStore store = JdbcEvidence.sqlite(file)) {
            store.append(withNul(1), 1, StoreFixtures.sampleInput(1));
            store.flush();
            if (!reopen) {
                assertEquals(withNul(1), store.evidence(new UUID(0x5100CE, 1)).orElseThrow());
            }
        }
        if (reopen) {
            try (EvidenceStore store = JdbcEvidence.sqlite(file)) {
                assertEquals(withNul(1), store.evidence(new UUID(0x5100CE, 1)).orElseThrow());
            }
        }
    }
}
