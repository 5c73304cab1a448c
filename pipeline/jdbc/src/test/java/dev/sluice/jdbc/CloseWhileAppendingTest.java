package dev.sluice.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.pipeline.evidence.EvidenceStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/** Closing a store while other threads append: every append that returned is committed by the time close does. */
class CloseWhileAppendingTest {
    private static final int THREADS = 4;
    private static final int RUNS_BEFORE_CLOSE = 200;

    @TempDir
    Path dir;

    @RepeatedTest(3)
    void everyAcceptedRunIsCommittedByClose() throws Exception {
        Path file = dir.resolve("closing.db");
        EvidenceStore store = JdbcEvidence.sqlite(file);
        CountDownLatch started = new CountDownLatch(RUNS_BEFORE_CLOSE);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<Integer>> accepted = new ArrayList<>();
        try {
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                accepted.add(pool.submit(() -> {
                    int count = 0;
                    try {
                        for (int i = thread; ; i += THREADS) {
                            store.append(StoreFixtures.sample(i, 1_000L + i), 1, StoreFixtures.sampleInput(i));
                            count++;
                            started.countDown();
                        }
                    } catch (IllegalStateException closed) {
                        return count;
                    }
                }));
            }
            started.await();
            store.close();
            int total = 0;
            for (Future<Integer> f : accepted) {
                total += f.get();
            }
            assertTrue(total >= RUNS_BEFORE_CLOSE, total + " runs accepted");
            try (EvidenceStore reopened = JdbcEvidence.sqlite(file)) {
                assertEquals(
                        total,
                        reopened.journal(Instant.EPOCH, Instant.MAX).size(),
                        "every run whose append returned is in the store");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
