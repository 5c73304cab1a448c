package dev.sluice.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.schema.Schemas;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Closes a pipelined pipeline while several threads keep submitting, many times over: every future that
 * {@code submit} returned is done once close has returned (after a bounded wait for the threads that were completing
 * runs as close swept the table), whether it was accepted and finished, accepted and abandoned, or refused.
 */
class CloseWhileSubmittingTest {
    private static final int ROUNDS = 60;
    private static final int SUBMITTERS = 4;
    /** How long, at most, the futures may take to be done after close returned: a bound, not a measurement. */
    private static final long SETTLE_NS = TimeUnit.SECONDS.toNanos(2);

    /**
     * An input whose encoding and hashing take a while, which widens the window between {@code submit}'s look at
     * the closed flag and its taking the run into the table: the window of the race this test is about.
     */
    private static final String LARGE = "x".repeat(256 << 10);

    private static Flow<String, String> flow() {
        Adapter<String, String> model = new Adapter<>() {
            @Override
            public String apply(String input, AdapterContext context) {
                LockSupport.parkNanos(20_000);
                return input.toUpperCase(Locale.ROOT);
            }

            @Override
            public boolean cacheable() {
                return false;
            }

            @Override
            public int maxConcurrency() {
                return 2;
            }
        };
        return Flow.named("closing", "1")
                .input(Schemas.string())
                .map("prefix", "1", Schemas.string(), s -> "request " + s.length())
                .call("model", "1", Schemas.string(), model)
                .map("length", "1", Schemas.string(), s -> s + " " + s.length())
                .build();
    }

    @Test
    void everyFutureSubmitReturnedIsDoneOnceCloseReturns() throws Exception {
        SplittableRandom random = new SplittableRandom(20_260_131L);
        Flow<String, String> flow = flow();
        long submitted = 0;
        long accepted = 0;
        long pending = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Pipeline<String, String> p = flow.start(FlowRuntime.pipelined()
                    .withRingCapacity(4 << 20)
                    .withAdapterThreads(2)
                    .withSubmitTimeout(Duration.ofMillis(1)));
            Queue<CompletableFuture<RunResult<String>>> futures = new ConcurrentLinkedQueue<>();
            CountDownLatch running = new CountDownLatch(SUBMITTERS);
            List<Thread> submitters = new ArrayList<>();
            for (int t = 0; t < SUBMITTERS; t++) {
                int submitter = t;
                submitters.add(Thread.ofPlatform().start(() -> {
                    running.countDown();
                    for (int i = 0; ; i++) {
                        CompletableFuture<RunResult<String>> f = p.submit(i % 2 == 0 ? LARGE : submitter + "-" + i);
                        futures.add(f);
                        if (f.isCompletedExceptionally()
                                && f.exceptionNow() instanceof IllegalStateException closed
                                && closed.getMessage().contains("is closed")) {
                            return; // refused: the pipeline is closed
                        }
                    }
                }));
            }
            running.await();
            LockSupport.parkNanos(random.nextLong(0, TimeUnit.MILLISECONDS.toNanos(20)));
            p.close(Duration.ofMillis(random.nextInt(0, 3)));
            for (Thread submitter : submitters) {
                submitter.join();
            }
            long deadlineNs = System.nanoTime() + SETTLE_NS;
            while (futures.stream().anyMatch(f -> !f.isDone()) && System.nanoTime() - deadlineNs < 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            long pendingBefore = pending;
            for (CompletableFuture<RunResult<String>> f : futures) {
                submitted++;
                if (!f.isDone()) {
                    pending++;
                } else if (!f.isCompletedExceptionally()
                        || !(f.exceptionNow() instanceof IllegalStateException e
                                        && e.getMessage().contains("is closed"))
                                && !(f.exceptionNow() instanceof PipelineFullException)) {
                    accepted++;
                }
            }
            if (pending > pendingBefore) {
                System.out.printf("round %d: %d futures left pending%n", round, pending - pendingBefore);
            }
        }
        System.out.printf(
                "close while submitting: %d rounds x %d submitters, %d submitted, %d accepted, %d left pending%n",
                ROUNDS, SUBMITTERS, submitted, accepted, pending);
        assertTrue(accepted > 0, "some requests were accepted");
        assertEquals(0, pending, "accepted futures left pending after close returned");
    }
}
