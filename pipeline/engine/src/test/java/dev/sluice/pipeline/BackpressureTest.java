package dev.sluice.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.schema.Schemas;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackpressureTest {
    /** A model that blocks until released, so that the rings fill up behind it. */
    private static final class BlockedModel implements Adapter<String, String> {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public String apply(String input, AdapterContext context) throws InterruptedException {
            calls.incrementAndGet();
            release.await();
            return "done " + input;
        }

        @Override
        public boolean cacheable() {
            return false;
        }
    }

    private static Flow<String, String> flow(BlockedModel model) {
        return Flow.named("bp", "1")
                .input(Schemas.string())
                .map("pad", "1", Schemas.string(), s -> s + " ".repeat(200))
                .call("model", "1", Schemas.string(), model)
                .map("trim", "1", Schemas.string(), String::strip)
                .build();
    }

    @Test
    void failFastRefusesWhenFullAndEveryAcceptedRequestCompletes() {
        BlockedModel model = new BlockedModel();
        FlowRuntime runtime = FlowRuntime.pipelined().withRingCapacity(4096).withAdapterThreads(1);
        try (Pipeline<String, String> p = flow(model).start(runtime)) {
            List<CompletableFuture<RunResult<String>>> accepted = new ArrayList<>();
            int refused = 0;
            for (int i = 0; i < 2_000; i++) {
                CompletableFuture<RunResult<String>> f = p.submit("request " + i);
                if (f.isCompletedExceptionally()) {
                    CompletionException e =
                            org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, f::join);
                    PipelineFullException full = assertInstanceOf(PipelineFullException.class, e.getCause());
                    assertTrue(
                            full.getMessage().contains("'pad'")
                                    && full.getMessage().contains("4096"),
                            full.getMessage());
                    refused++;
                } else {
                    accepted.add(f);
                }
            }
            assertTrue(refused > 0, "a 4 KiB ring behind a blocked model must refuse some of 2000 requests");
            model.release.countDown();
            for (CompletableFuture<RunResult<String>> f : accepted) {
                assertTrue(f.orTimeout(30, TimeUnit.SECONDS).join().value().startsWith("done request"));
            }
            assertEquals(accepted.size(), model.calls.get());
        }
    }

    @Test
    void submitWithATimeoutWaitsForRoom() throws Exception {
        BlockedModel model = new BlockedModel();
        FlowRuntime runtime = FlowRuntime.pipelined()
                .withRingCapacity(4096)
                .withAdapterThreads(1)
                .withSubmitTimeout(Duration.ofSeconds(20));
        try (Pipeline<String, String> p = flow(model).start(runtime)) {
            CompletableFuture<Void> releaser = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                model.release.countDown();
            });
            List<CompletableFuture<RunResult<String>>> all = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                all.add(p.submit("request " + i));
            }
            for (CompletableFuture<RunResult<String>> f : all) {
                assertEquals(
                        "done request",
                        f.orTimeout(30, TimeUnit.SECONDS).join().value().substring(0, 12));
            }
            releaser.get();
        }
    }

    @Test
    void closeReportsAndFailsWhatDidNotFinish() {
        BlockedModel model = new BlockedModel();
        Pipeline<String, String> p = flow(model).start(FlowRuntime.pipelined());
        CompletableFuture<RunResult<String>> stuck = p.submit("stuck");
        List<String> unfinished = p.close(Duration.ofMillis(200));
        assertEquals(1, unfinished.size(), unfinished.toString());
        CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, stuck::join);
        assertTrue(
                e.getCause().getMessage().contains("closed before"),
                e.getCause().getMessage());
        model.release.countDown();
    }
}
