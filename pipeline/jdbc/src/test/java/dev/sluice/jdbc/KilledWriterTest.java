package dev.sluice.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.fixtures.ForkedJvm;
import dev.sluice.pipeline.evidence.EvidenceStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process killed with SIGKILL while it writes keeps every run it saw committed, and the store reopens. */
class KilledWriterTest {
    @TempDir
    Path dir;

    /** Appends sample runs for ever, printing after each flush how many are committed. */
    public static final class Writer {
        public static void main(String[] args) {
            EvidenceStore store = JdbcEvidence.sqlite(Path.of(args[0]));
            for (int i = 0; ; i++) {
                store.append(StoreFixtures.sample(i, 1_000L + i), 1, StoreFixtures.sampleInput(i));
                if (i % 25 == 24) {
                    store.flush();
                    System.out.println("committed " + (i + 1));
                    System.out.flush();
                }
            }
        }
    }

    @Test
    void aKilledWriterKeepsEveryCommittedRunAndTheStoreOpensCleanly() throws Exception {
        Path file = dir.resolve("killed.db");
        Process writer = ForkedJvm.start(dir, Writer.class, file.toString());
        int committed = 0;
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (committed < 400 && (line = out.readLine()) != null) {
                if (line.startsWith("committed ")) {
                    committed = Integer.parseInt(line.substring("committed ".length()));
                }
            }
            writer.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no close
            assertTrue(writer.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(400, committed, "the writer reported its commits");
        assertEquals(137, writer.exitValue(), "killed by SIGKILL (128 + 9)");
        assertFalse(ForkedJvm.hasCrashLog(dir));
        try (EvidenceStore reopened = JdbcEvidence.sqlite(file)) {
            int found = reopened.journal(Instant.EPOCH, Instant.MAX).size();
            assertTrue(found >= committed, found + " runs in the store, " + committed + " reported committed");
            for (int i = 0; i < found; i++) {
                assertEquals(
                        StoreFixtures.sample(i, 1_000L + i),
                        reopened.evidence(new UUID(0x5100CE, i)).orElseThrow(),
                        "run " + i + " is whole: every row of its transaction");
            }
        }
    }
}
