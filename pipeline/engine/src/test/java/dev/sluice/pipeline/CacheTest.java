package dev.sluice.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.hash.CacheKey;
import dev.sluice.core.hash.Seed;
import dev.sluice.core.schema.Schemas;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CacheTest {
    private static CacheKey key(int i) {
        return CacheKey.of(new byte[] {(byte) i}, "m", Seed.of(0), List.of(), "1");
    }

    @Test
    void identicalKeysInFlightAreComputedOnce() throws Exception {
        ResultCache cache = ResultCache.inMemory(1 << 20);
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(CompletableFuture.supplyAsync(
                        () -> cache.computeIfAbsent(
                                        key(1),
                                        () -> CompletableFuture.supplyAsync(() -> {
                                            loads.incrementAndGet();
                                            try {
                                                release.await();
                                            } catch (InterruptedException e) {
                                                throw new IllegalStateException(e);
                                            }
                                            return new byte[] {42};
                                        }))
                                .join(),
                        callers));
            }
            Thread.sleep(100);
            release.countDown();
            for (CompletableFuture<byte[]> r : results) {
                assertArrayEquals(new byte[] {42}, r.get(10, TimeUnit.SECONDS));
            }
            assertEquals(1, loads.get());
            assertEquals(7, cache.stats().joinedInFlight() + cache.stats().memoryHits());
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void failedLoadsAreNotCached() {
        ResultCache cache = ResultCache.inMemory(1 << 20);
        CompletableFuture<byte[]> failed = cache.computeIfAbsent(
                key(2), () -> CompletableFuture.failedFuture(new IllegalStateException("model down")));
        assertTrue(failed.isCompletedExceptionally());
        assertNull(cache.getIfPresent(key(2)));
        assertArrayEquals(
                new byte[] {1},
                cache.computeIfAbsent(key(2), () -> CompletableFuture.completedFuture(new byte[] {1}))
                        .join());
    }

    @Test
    void memoryTierStaysWithinItsByteBudget() {
        ResultCache cache = ResultCache.inMemory(10_000);
        for (int i = 0; i < 100; i++) {
            cache.put(key(i), new byte[1_000]);
        }
        cache.getIfPresent(key(0)); // lets Caffeine run its maintenance
        assertTrue(
                cache.stats().memoryBytes() <= 10_000, "held " + cache.stats().memoryBytes());
        assertTrue(cache.stats().evictions() > 0);
    }

    @Test
    void hitsReturnTheStoredBytesUnchanged() {
        ResultCache cache = ResultCache.inMemory(1 << 20);
        byte[] stored = Schemas.string().encode("stored");
        cache.put(key(3), stored);
        assertArrayEquals(Schemas.string().encode("stored"), cache.getIfPresent(key(3)));
    }
}
