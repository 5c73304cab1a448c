package dev.sluice.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.schema.Schemas;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Retries, timeouts and cancellation of adapters, on both runtimes. */
class AdapterPolicyTest {
    private static FlowRuntime runtime(boolean pipelined) {
        return pipelined ? FlowRuntime.pipelined().withSubmitTimeout(Duration.ofSeconds(5)) : FlowRuntime.inline();
    }

    /** Fails its first {@code failures} calls, then answers. */
    private static final class FlakyModel implements Adapter<String, String> {
        final AtomicInteger calls = new AtomicInteger();
        final int failures;

        FlakyModel(int failures) {
            this.failures = failures;
        }

        @Override
        public String apply(String input, AdapterContext context) {
            if (calls.incrementAndGet() <= failures) {
                throw new IllegalStateException("transient failure " + calls.get());
            }
            return input + "!";
        }

        @Override
        public int maxRetries() {
            return 2;
        }
    }

    /** Runs until cancelled or past its timeout, checking between steps as a generator would. */
    private static final class SlowModel implements Adapter<String, String> {
        final AtomicInteger stoppedEarly = new AtomicInteger();

        @Override
        public String apply(String input, AdapterContext context) throws InterruptedException {
            for (int step = 0; step < 2_000; step++) {
                if (context.isCancelled()) {
                    stoppedEarly.incrementAndGet();
                    return "partial";
                }
                Thread.sleep(1);
            }
            return "complete";
        }

        @Override
        public Duration timeout() {
            return Duration.ofMillis(50);
        }
    }

    private static Flow<String, String> flow(Adapter<String, String> model) {
        return Flow.named("policy", "1")
                .input(Schemas.string())
                .call("model", "1", Schemas.string(), model)
                .build();
    }

    @ParameterizedTest(name = "pipelined={0}")
    @ValueSource(booleans = {false, true})
    void retriesTransientFailuresAndCountsThem(boolean pipelined) {
        FlakyModel model = new FlakyModel(2);
        try (Pipeline<String, String> p = flow(model).start(runtime(pipelined))) {
            RunResult<String> r = p.submit("q").orTimeout(10, TimeUnit.SECONDS).join();
            assertEquals("q!", r.value());
            assertEquals(2, r.nodes().get(0).retries());
            assertEquals(3, model.calls.get());
        }
    }

    @ParameterizedTest(name = "pipelined={0}")
    @ValueSource(booleans = {false, true})
    void givesUpAfterTheLastRetryNamingTheNode(boolean pipelined) {
        try (Pipeline<String, String> p = flow(new FlakyModel(5)).start(runtime(pipelined))) {
            CompletionException e = assertThrows(
                    CompletionException.class,
                    () -> p.submit("q").orTimeout(10, TimeUnit.SECONDS).join());
            NodeFailedException failure = assertInstanceOf(NodeFailedException.class, e.getCause());
            assertEquals("model", failure.nodeId());
            assertTrue(failure.getMessage().contains("after 2 retries"), failure.getMessage());
        }
    }

    @ParameterizedTest(name = "pipelined={0}")
    @ValueSource(booleans = {false, true})
    void anAdapterPastItsTimeoutFailsTheRequestAndSeesItIsCancelled(boolean pipelined) {
        SlowModel model = new SlowModel();
        try (Pipeline<String, String> p = flow(model).start(runtime(pipelined))) {
            CompletionException e = assertThrows(
                    CompletionException.class,
                    () -> p.submit("q").orTimeout(10, TimeUnit.SECONDS).join());
            NodeFailedException failure = assertInstanceOf(NodeFailedException.class, e.getCause());
            assertTrue(failure.getMessage().contains("timed out after 50 ms"), failure.getMessage());
        }
        assertEquals(1, model.stoppedEarly.get(), "the adapter saw isCancelled() and stopped early");
    }

    @Test
    void aCancelledRequestStopsItsAdapter() throws Exception {
        AtomicInteger sawCancel = new AtomicInteger();
        Adapter<String, String> waits = new Adapter<>() {
            @Override
            public String apply(String input, AdapterContext context) throws InterruptedException {
                while (!context.isCancelled()) {
                    Thread.sleep(1);
                }
                sawCancel.incrementAndGet();
                return "stopped";
            }

            @Override
            public boolean cacheable() {
                return false;
            }
        };
        try (Pipeline<String, String> p = flow(waits).start(runtime(true))) {
            var future = p.submit("q");
            Thread.sleep(50);
            future.cancel(true);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (sawCancel.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(1, sawCancel.get());
        }
    }
}
