package dev.sluice.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.schema.Schemas;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Offers about ten times the load the pipeline can serve, for three seconds, from four threads: every accepted
 * request completes, refusals are counted, and neither the heap nor direct memory grows with the offered load.
 */
class PipelineStressTest {
    private static long usedHeapAfterGc() {
        System.gc();
        return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    }

    private static long directBytes() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct"))
                .mapToLong(BufferPoolMXBean::getMemoryUsed)
                .sum();
    }

    @Test
    void tenfoldOverloadCompletesEveryAcceptedRequestWithinBoundedMemory() throws Exception {
        Adapter<String, String> model = new Adapter<>() {
            @Override
            public String apply(String input, AdapterContext context) throws InterruptedException {
                Thread.sleep(0, 200_000); // about 0.2 ms per call, two slots: a few thousand calls a second
                return input.toUpperCase(java.util.Locale.ROOT);
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
        Flow<String, String> flow = Flow.named("stress", "1")
                .input(Schemas.string())
                .map("prefix", "1", Schemas.string(), s -> "request " + s)
                .call("model", "1", Schemas.string(), model)
                .map("length", "1", Schemas.string(), s -> s + " " + s.length())
                .build();
        long heapBefore = usedHeapAfterGc();
        long directBefore = directBytes();
        AtomicLong accepted = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        Queue<CompletableFuture<RunResult<String>>> futures = new ConcurrentLinkedQueue<>();
        long directDuring;
        try (Pipeline<String, String> p =
                flow.start(FlowRuntime.pipelined().withRingCapacity(1 << 16).withAdapterThreads(2))) {
            long endNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            List<Thread> producers = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int producer = t;
                producers.add(Thread.ofPlatform().start(() -> {
                    for (long i = 0; System.nanoTime() < endNs; i++) {
                        CompletableFuture<RunResult<String>> f = p.submit(producer + "-" + i);
                        if (f.isCompletedExceptionally() && !f.isCancelled()) {
                            refused.incrementAndGet();
                        } else {
                            accepted.incrementAndGet();
                            futures.add(f);
                        }
                        if (i % 64 == 0) {
                            futures.removeIf(CompletableFuture::isDone);
                            java.util.concurrent.locks.LockSupport.parkNanos(20_000);
                        }
                    }
                }));
            }
            for (Thread producer : producers) {
                producer.join();
            }
            directDuring = directBytes();
            for (CompletableFuture<RunResult<String>> f : futures) {
                assertTrue(f.get(30, TimeUnit.SECONDS).value().startsWith("REQUEST "));
            }
            assertEquals(List.of(), p.close(Duration.ofSeconds(5)));
        }
        System.out.printf(
                "stress: accepted %d, refused %d (%.1f%% refused)%n",
                accepted.get(), refused.get(), 100.0 * refused.get() / (accepted.get() + refused.get()));
        assertTrue(refused.get() > accepted.get(), "the offered load should exceed what was served");
        assertTrue(directDuring - directBefore < 8L << 20, "direct memory grew by " + (directDuring - directBefore));
        long heapGrowth = usedHeapAfterGc() - heapBefore;
        assertTrue(heapGrowth < 64L << 20, "heap grew by " + heapGrowth + " bytes");
    }
}
