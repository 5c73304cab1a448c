package dev.sluice.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.jdbc.JdbcEvidence;
import dev.sluice.jdbc.StoreFixtures;
import dev.sluice.pipeline.evidence.Evidence;
import dev.sluice.pipeline.evidence.EvidenceStore;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The writer under failures that {@code append} cannot see coming: a run PostgreSQL refuses once it is in the
 * writer (here, a NUL character that bypassed the check at append) is set aside and does not block the writer; a
 * connection the server drops is opened again; and how failures are classified.
 */
class EvidenceWriterFailureTest {
    private static final long T0 = 1_760_000_000_000_000_000L;

    /** The sample run with a NUL character in its error, which PostgreSQL text cannot hold. */
    private static Evidence withNulError(int i) {
        Evidence s = StoreFixtures.sample(i, T0 + i);
        return new Evidence(
                s.runId(),
                s.traceId(),
                s.flowName(),
                s.flowVersion(),
                s.startedEpochNs(),
                s.finishedEpochNs(),
                s.inputHash(),
                s.outputHash(),
                "bad\u0000error",
                s.nodes(),
                s.links(),
                s.quality());
    }

    @Test
    void aRunPostgresRefusesInTheWriterIsSetAsideNotRetriedForEver() throws Exception {
        String url = StoreFixtures.postgresUrl("poison");
        Connection write = DriverManager.getConnection(url);
        EvidenceSchema.createOrCheck(SqlDialect.POSTGRES, write, "test");
        EvidenceWriter writer = new EvidenceWriter("test", new EvidenceInserts(SqlDialect.POSTGRES, write, null));
        try {
            writer.append(WireRun.of(StoreFixtures.sample(0, T0), 1, StoreFixtures.sampleInput(0)));
            writer.append(WireRun.of(withNulError(1), 1, StoreFixtures.sampleInput(1)));
            writer.append(WireRun.of(StoreFixtures.sample(2, T0 + 2), 1, StoreFixtures.sampleInput(2)));
            writer.flush(); // returns: the poisoned run is set aside, not retried every 100 ms for ever
            assertEquals(2, writer.committedRuns());
            assertEquals(1, writer.setAsideRuns());
            assertNotNull(writer.setAsideReason(new UUID(0x5100CE, 1)));
            assertNull(writer.setAsideReason(new UUID(0x5100CE, 0)));
            writer.append(WireRun.of(StoreFixtures.sample(3, T0 + 3), 1, StoreFixtures.sampleInput(3)));
            writer.flush();
            assertEquals(3, writer.committedRuns());
        } finally {
            writer.close();
        }
        try (EvidenceStore store = JdbcEvidence.postgres(url)) {
            assertEquals(3, store.journal(Instant.EPOCH, Instant.MAX).size());
        }
    }

    @Test
    void aConnectionTheServerDropsIsOpenedAgainAndNothingIsLost() throws Exception {
        String application = "sluice-reconnect-" + Long.toHexString(System.nanoTime());
        String url = StoreFixtures.postgresUrl("reconnect") + "&ApplicationName=" + application;
        try (EvidenceStore store = JdbcEvidence.postgres(url);
                Connection admin = DriverManager.getConnection(url)) {
            store.append(StoreFixtures.sample(0, T0), 1, StoreFixtures.sampleInput(0));
            store.flush();
            int terminated = 0;
            // only this test's writer: its application name is unique, and its last statement was the commit
            try (PreparedStatement kill = admin.prepareStatement("SELECT pg_terminate_backend(pid) FROM"
                    + " pg_stat_activity WHERE application_name = ? AND pid <> pg_backend_pid()"
                    + " AND query = 'COMMIT'")) {
                kill.setString(1, application);
                try (ResultSet killed = kill.executeQuery()) {
                    while (killed.next()) {
                        terminated++;
                    }
                }
            }
            assertEquals(1, terminated, "the writer's connection");
            for (int i = 1; i < 5; i++) {
                store.append(StoreFixtures.sample(i, T0 + i), 1, StoreFixtures.sampleInput(i));
            }
            store.flush();
            assertEquals(5, store.committedRuns());
            assertEquals(0, store.setAsideRuns());
            assertEquals(
                    StoreFixtures.sample(4, T0 + 4),
                    store.evidence(new UUID(0x5100CE, 4)).orElseThrow());
        }
    }

    @Test
    void failuresAreClassifiedByWhatRetryingCanChange() {
        SQLException lost = new SQLException("connection lost", "08006");
        SQLException nul = new SQLException("unsupported Unicode escape sequence", "22P05");
        SQLException duplicate = new SQLException("duplicate key", "23505");
        assertEquals(EvidenceWriter.Failure.UNAVAILABLE, EvidenceWriter.Failure.of(lost, SqlDialect.POSTGRES));
        assertEquals(EvidenceWriter.Failure.REFUSED, EvidenceWriter.Failure.of(nul, SqlDialect.POSTGRES));
        assertEquals(EvidenceWriter.Failure.REFUSED, EvidenceWriter.Failure.of(duplicate, SqlDialect.POSTGRES));
        BatchUpdateException batch = new BatchUpdateException("batch entry 3 failed", "", 0, new int[0]);
        batch.setNextException(nul);
        assertEquals(EvidenceWriter.Failure.REFUSED, EvidenceWriter.Failure.of(batch, SqlDialect.POSTGRES));
        batch.setNextException(lost); // a lost connection wins: the other errors may follow from it
        assertEquals(EvidenceWriter.Failure.UNAVAILABLE, EvidenceWriter.Failure.of(batch, SqlDialect.POSTGRES));
        assertEquals(
                EvidenceWriter.Failure.REFUSED,
                EvidenceWriter.Failure.of(new SQLException("constraint", null, 19), SqlDialect.SQLITE));
        assertEquals(
                EvidenceWriter.Failure.REFUSED,
                EvidenceWriter.Failure.of(new SQLException("malformed", null, 11), SqlDialect.SQLITE));
        assertEquals(
                EvidenceWriter.Failure.UNAVAILABLE,
                EvidenceWriter.Failure.of(new SQLException("busy", null, 5), SqlDialect.SQLITE));
        assertEquals(
                EvidenceWriter.Failure.UNKNOWN,
                EvidenceWriter.Failure.of(new SQLException("what?"), SqlDialect.SQLITE));
        assertEquals(
                EvidenceWriter.Failure.REFUSED,
                EvidenceWriter.Failure.of(new IllegalArgumentException("cannot bind"), SqlDialect.SQLITE));
        assertTrue(WireRun.of(withNulError(1), 1, new byte[0]).fieldWithNul().contains("error"));
        assertNull(WireRun.of(StoreFixtures.sample(1, T0), 1, new byte[0]).fieldWithNul());
    }
}
