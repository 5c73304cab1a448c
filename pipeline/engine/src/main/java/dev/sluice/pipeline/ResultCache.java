package dev.sluice.pipeline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.sluice.core.BadInputException;
import dev.sluice.core.hash.CacheKey;
import dev.sluice.core.hash.Seed;
import dev.sluice.core.schema.Schema;
import dev.sluice.core.schema.Schemas;
import dev.sluice.pipeline.evidence.EvidenceLink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The result cache behind the idempotency rule: canonical output bytes by {@link CacheKey}. Two tiers: memory
 * (Caffeine, bounded by the bytes it holds) and, optionally, a {@link PersistentTier} (SQLite in
 * {@code sluice-jdbc}), so that a restarted process still hits. A hit returns the stored bytes unchanged. Identical keys in flight are computed once: later callers wait
 * for the first one's result ({@link #computeIfAbsent}).
 *
 * <p>Thread-safe. A memory hit allocates nothing; a persistent hit reads the row and promotes it to memory.
 * Close it when done if it is persistent (it holds the database connection).
 */
public final class ResultCache implements AutoCloseable {
    /** Bytes counted per entry besides its value: the key and Caffeine's node, roughly. */
    private static final int ENTRY_OVERHEAD_BYTES = 96;

    private static final Schema<List<EvidenceLink>> LINKS = Schemas.listOf(Schemas.recordOf(EvidenceLink.class));

    private final Cache<CacheKey, byte[]> memory;
    private final PersistentTier persistent;
    private final ConcurrentHashMap<CacheKey, CompletableFuture<byte[]>> inFlight = new ConcurrentHashMap<>();
    private final LongAdder persistentHits = new LongAdder();
    private final LongAdder joinedInFlight = new LongAdder();

    private ResultCache(long maxMemoryBytes, PersistentTier persistent) {
        if (maxMemoryBytes < 0) {
            throw new BadInputException("cache size must be at least 0 bytes, got " + maxMemoryBytes);
        }
        this.memory = Caffeine.newBuilder()
                .maximumWeight(maxMemoryBytes)
                .weigher((CacheKey k, byte[] v) -> v.length + ENTRY_OVERHEAD_BYTES)
                .recordStats()
                .executor(Runnable::run) // maintenance on the caller: no pool thread, and the size bound holds at once
                .build();
        this.persistent = persistent;
    }

    /**
     * @param maxMemoryBytes the most bytes of outputs (plus a small overhead per entry) kept in memory
     * @return a memory-only cache
     */
    public static ResultCache inMemory(long maxMemoryBytes) {
        return new ResultCache(maxMemoryBytes, null);
    }

    /**
     * @param maxMemoryBytes the most bytes kept in memory
     * @param tier the persistent tier, such as {@code SqliteCacheTier.open(file)}; the cache closes it
     * @return a two-tier cache; close it when done
     * @throws BadInputException if the tier is null
     */
    public static ResultCache persistent(long maxMemoryBytes, PersistentTier tier) {
        if (tier == null) {
            throw new BadInputException("a persistent cache needs a tier, got null");
        }
        return new ResultCache(maxMemoryBytes, tier);
    }

    /**
     * Looks a key up in memory, then in the persistent tier.
     *
     * @param key the key
     * @return the stored bytes, or null on a miss
     */
    public byte[] getIfPresent(CacheKey key) {
        byte[] bytes = memory.getIfPresent(key);
        if (bytes == null && persistent != null) {
            bytes = persistent.get(key);
            if (bytes != null) {
                persistentHits.increment();
                memory.put(key, bytes);
            }
        }
        return bytes;
    }

    /**
     * Returns the stored bytes for a key, or computes them once however many callers ask at the same time. The
     * loader's bytes are stored in both tiers when it succeeds; a failure is not cached (the next caller retries).
     *
     * @param key the key
     * @param loader computes the canonical output bytes; called at most once per key in flight
     * @return the bytes' future: completed at once on a hit
     */
    public CompletableFuture<byte[]> computeIfAbsent(CacheKey key, Supplier<CompletableFuture<byte[]>> loader) {
        byte[] cached = getIfPresent(key);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        CompletableFuture<byte[]> mine = new CompletableFuture<>();
        CompletableFuture<byte[]> existing = inFlight.putIfAbsent(key, mine);
        if (existing != null) {
            joinedInFlight.increment();
            return existing;
        }
        CompletableFuture<byte[]> loaded;
        try {
            loaded = loader.get();
        } catch (RuntimeException | Error e) {
            loaded = CompletableFuture.failedFuture(e);
        }
        loaded.whenComplete((bytes, failure) -> {
            if (failure == null) {
                put(key, bytes);
                inFlight.remove(key, mine);
                mine.complete(bytes);
            } else {
                inFlight.remove(key, mine);
                mine.completeExceptionally(failure);
            }
        });
        return mine;
    }

    /**
     * Keeps the evidence links of the execution whose output is cached under {@code key}, in both tiers, so that
     * a later hit (in this process or after a restart) reports the documents, prompt and settings behind it.
     * Not counted in the statistics.
     *
     * @param key the output's key
     * @param links the execution's evidence links
     */
    public void putEvidence(CacheKey key, List<EvidenceLink> links) {
        put(evidenceKey(key), LINKS.encode(links));
    }

    /**
     * @param key an output's key
     * @return the evidence links kept for it with {@link #putEvidence}, empty if none; not counted in the statistics
     */
    public List<EvidenceLink> evidence(CacheKey key) {
        CacheKey linksKey = evidenceKey(key);
        byte[] bytes = memory.policy().getIfPresentQuietly(linksKey);
        if (bytes == null && persistent != null) {
            bytes = persistent.get(linksKey);
            if (bytes != null) {
                memory.put(linksKey, bytes);
            }
        }
        return bytes == null ? List.of() : LINKS.decode(bytes);
    }

    /** The key the links of an output are kept under: derived from the output's key, never equal to any node's. */
    private static CacheKey evidenceKey(CacheKey key) {
        return CacheKey.of(key.toBytes(), "sluice:evidence-links", Seed.of(0), List.of(), "1");
    }

    /**
     * Stores bytes under a key in both tiers.
     *
     * @param key the key
     * @param bytes canonical output bytes; the cache keeps this array, so do not change it afterwards
     */
    public void put(CacheKey key, byte[] bytes) {
        memory.put(key, bytes);
        if (persistent != null) {
            persistent.put(key, bytes);
        }
    }

    /** @return a snapshot of the counters */
    public Stats stats() {
        CacheStats s = memory.stats();
        return new Stats(s.hitCount() + persistentHits.sum(), s.missCount() - persistentHits.sum(), s.hitCount(),
                persistentHits.sum(), joinedInFlight.sum(), s.evictionCount(),
                memory.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L));
    }

    @Override
    public void close() {
        if (persistent != null) {
            persistent.close();
        }
    }

    /**
     * Cache counters.
     *
     * @param hits lookups answered from either tier
     * @param misses lookups answered by neither tier
     * @param memoryHits lookups answered from memory
     * @param persistentHits lookups answered from the persistent tier
     * @param joinedInFlight callers that waited for an identical computation already running (single flight)
     * @param evictions entries evicted from memory to stay within its size
     * @param memoryBytes the weight held in memory now, bytes
     */
    public record Stats(long hits, long misses, long memoryHits, long persistentHits, long joinedInFlight,
            long evictions, long memoryBytes) {
    }
}
