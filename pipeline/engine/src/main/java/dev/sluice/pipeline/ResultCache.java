package dev.sluice.pipeline;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sluice.core.BadInputException;
import dev.sluice.core.CorruptDataException;
import dev.sluice.core.hash.CacheKey;
import dev.sluice.core.hash.Seed;
import dev.sluice.core.schema.Schema;
import dev.sluice.core.schema.Schemas;
import dev.sluice.pipeline.evidence.EvidenceLink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The result cache behind the idempotency rule: canonical output bytes by {@link CacheKey}. Two tiers: memory
 * (Caffeine, bounded by the bytes it holds) and, optionally, a {@link PersistentTier} (SQLite in
 * {@code sluice-jdbc}), so that a restarted process still hits. A hit returns the stored bytes unchanged. A key is
 * computed at most once at a time ({@link #computeIfAbsent}): the memory tier is a Caffeine {@link AsyncCache}
 * whose in-flight future later callers join; a failed future is removed, so the next caller computes again.
 * Beside each output the cache keeps the evidence links of the execution that computed it ({@link #putEvidence}).
 *
 * <p><b>Integrity.</b> The memory tier is trusted. The persistent tier checks every row it reads against the
 * checksum stored with it ({@link PersistentTier}); a row that does not match (a flipped bit in the file, a row
 * changed behind the cache's back), its output or its evidence links, is never served: the lookup is a miss, so the
 * value is computed again and the bad row overwritten, and it is counted in {@link Stats#corruptRows()} and logged
 * (a warning naming the file and the key). A row the tier cannot verify at all (written before it kept checksums)
 * is a plain miss, and is overwritten the same way.
 *
 * <p>Thread-safe. A memory hit allocates nothing; a persistent hit reads the row (and its evidence links) and
 * promotes it to memory. Close it when done if it is persistent (it holds the database connection).
 *
 * <p><b>Which threads may block.</b> {@link #getIfPresent}, {@link #computeIfAbsent}, {@link #put},
 * {@link #putEvidence} and {@link #evidence} may read or write the persistent tier, which may block on disk: the
 * engine calls them on threads that may block (an inline runtime's caller, a pipelined runtime's adapter pool, a
 * gate's re-run thread). A pipelined runtime's stage threads never block: they look up the memory tier only
 * (a package-private lookup), and the {@link #evidence} of a key they just hit in memory is answered from that
 * hit, without the persistent tier.
 */
public final class ResultCache implements AutoCloseable {
    /** Bytes counted per entry besides its output and links: the key, Caffeine's node and the future, roughly. */
    private static final int ENTRY_OVERHEAD_BYTES = 96;
    /** How many outputs' links are held between {@link #putEvidence} and the output's {@link #put}, at most. */
    private static final int PENDING_LINKS_MAX = 4096;

    private static final Schema<List<EvidenceLink>> LINKS = Schemas.listOf(Schemas.recordOf(EvidenceLink.class));

    /** Where a row that failed its check is reported. */
    private static final System.Logger LOG = System.getLogger("dev.sluice.pipeline");

    /**
     * A memory-tier entry: an output's canonical bytes, and the encoded evidence links of the execution that
     * computed it, or null for none.
     */
    private record Entry(byte[] bytes, byte[] links) {
        int weight() {
            return bytes.length + (links == null ? 0 : links.length) + ENTRY_OVERHEAD_BYTES;
        }
    }

    /** The entry a thread last hit in memory only, by key: what {@link #evidence} answers for that key. */
    private static final class LastHit {
        CacheKey key;
        Entry entry;
    }

    private final AsyncCache<CacheKey, Entry> memory;
    private final PersistentTier persistent;
    /** Links kept by {@link #putEvidence} while their output is still being computed. */
    private final Cache<CacheKey, byte[]> pendingLinks;
    /**
     * Keys whose evidence-links row in the persistent tier failed its check: when their output is stored again
     * without new links, the bad row is overwritten with none.
     */
    private final Cache<CacheKey, Boolean> corruptLinks;
    /**
     * Keys whose persistent rows failed their check: looked up in memory only until their output is stored again
     * (which overwrites the bad rows), so that a bad row is read, counted and logged once, not at every lookup.
     */
    private final Cache<CacheKey, Boolean> failedCheck;

    private final ThreadLocal<LastHit> lastMemoryHit = ThreadLocal.withInitial(LastHit::new);
    private final LongAdder memoryHits = new LongAdder();
    private final LongAdder persistentHits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder joinedInFlight = new LongAdder();
    private final LongAdder corruptRows = new LongAdder();

    private ResultCache(long maxMemoryBytes, PersistentTier persistent) {
        if (maxMemoryBytes < 0) {
            throw new BadInputException("cache size must be at least 0 bytes, got " + maxMemoryBytes);
        }
        this.memory = Caffeine.newBuilder()
                .maximumWeight(maxMemoryBytes)
                .weigher((CacheKey k, Entry v) -> v.weight()) // an in-flight future weighs 0 until it completes
                .recordStats() // for the evictions; hits and misses are counted here, by tier
                .executor(Runnable::run) // maintenance on the caller: no pool thread, and the size bound holds at once
                .buildAsync();
        this.pendingLinks = Caffeine.newBuilder()
                .maximumSize(PENDING_LINKS_MAX)
                .executor(Runnable::run)
                .build();
        this.corruptLinks = Caffeine.newBuilder()
                .maximumSize(PENDING_LINKS_MAX)
                .executor(Runnable::run)
                .build();
        this.failedCheck = Caffeine.newBuilder()
                .maximumSize(PENDING_LINKS_MAX)
                .executor(Runnable::run)
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

    /** @return the completed entry held in memory for the key, or null (absent, in flight or failed) */
    private Entry memoryEntry(CacheKey key) {
        CompletableFuture<Entry> future = memory.getIfPresent(key);
        return future != null && future.state() == Future.State.SUCCESS ? future.resultNow() : null;
    }

    /** {@link #memoryEntry} without touching the statistics or the entry's recency. */
    private Entry memoryEntryQuietly(CacheKey key) {
        return memory.synchronous().policy().getIfPresentQuietly(key);
    }

    /**
     * Looks a key up in memory, then in the persistent tier. May block on the persistent tier. A persistent row
     * (or its evidence links) that fails its check is a miss, counted in {@link Stats#corruptRows()}: the caller
     * computes the value again, and storing it overwrites the bad row.
     *
     * @param key the key
     * @return the stored bytes, or null on a miss
     */
    public byte[] getIfPresent(CacheKey key) {
        Entry entry = memoryEntry(key);
        if (entry != null) {
            memoryHits.increment();
            return entry.bytes;
        }
        if (persistent != null && failedCheck.getIfPresent(key) == null) {
            try {
                byte[] bytes = persistent.get(key);
                if (bytes != null) {
                    byte[] links = persistentLinks(key);
                    persistentHits.increment();
                    // an output computed meanwhile, or in flight, stays; a promoted one brings its links along
                    memory.asMap().putIfAbsent(key, CompletableFuture.completedFuture(new Entry(bytes, links)));
                    return bytes;
                }
            } catch (CorruptDataException e) {
                failedCheck.put(key, Boolean.TRUE);
                corruptRows.increment();
                LOG.log(System.Logger.Level.WARNING, e.getMessage() + "; computing it again");
            }
        }
        misses.increment();
        return null;
    }

    /**
     * @return the encoded evidence links kept in the persistent tier for an output, or null for none
     * @throws CorruptDataException if their row fails its check (the key is remembered, to overwrite the row)
     */
    private byte[] persistentLinks(CacheKey key) {
        try {
            return persistent.get(evidenceKey(key));
        } catch (CorruptDataException e) {
            corruptLinks.put(key, Boolean.TRUE);
            throw e;
        }
    }

    /**
     * Writes an output to the persistent tier; and when its evidence-links row was found corrupt and this output
     * came without links of its own ({@link #putEvidence} clears the mark), overwrites that row with none.
     */
    private void putPersistent(CacheKey key, byte[] bytes) {
        persistent.put(key, bytes);
        if (corruptLinks.asMap().remove(key) != null) {
            persistent.put(evidenceKey(key), LINKS.encode(List.of()));
        }
        failedCheck.invalidate(key);
    }

    /**
     * Looks a key up in the memory tier only: never blocks, and a hit allocates nothing. For pipelined stage
     * threads. A hit is counted as a memory hit; a miss is not counted, because the caller goes on to look the key
     * up in both tiers ({@link #getIfPresent}, {@link #computeIfAbsent}) on a thread that may block, which counts
     * it. A following {@link #evidence} call for the same key object on the same thread is answered from this hit.
     *
     * @param key the key
     * @return the stored bytes, or null when memory does not hold them (they may still be in the persistent tier)
     */
    byte[] getIfPresentInMemory(CacheKey key) {
        Entry entry = memoryEntry(key);
        if (entry == null) {
            return null;
        }
        memoryHits.increment();
        LastHit last = lastMemoryHit.get();
        last.key = key;
        last.entry = entry;
        return entry.bytes;
    }

    /**
     * Returns the stored bytes for a key, or computes them once however many callers ask at the same time. The
     * loader's bytes are stored in both tiers when it succeeds; a failure is not cached (the next caller retries).
     * May block on the persistent tier. The first caller runs the loader on its own thread, outside any lock of
     * the cache; callers that find its computation in flight get a future of its result.
     *
     * @param key the key
     * @param loader computes the canonical output bytes; called at most once per key in flight
     * @return the bytes' future: completed at once on a hit, or when the loader's future is
     */
    public CompletableFuture<byte[]> computeIfAbsent(CacheKey key, Supplier<CompletableFuture<byte[]>> loader) {
        byte[] cached = getIfPresent(key);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        CompletableFuture<Entry> mine = new CompletableFuture<>();
        CompletableFuture<Entry> flight = memory.get(key, (k, executor) -> mine);
        if (flight != mine) {
            joinedInFlight.increment(); // an identical computation was in flight (or has just finished)
            return flight.thenApply(Entry::bytes);
        }
        CompletableFuture<byte[]> loaded;
        try {
            loaded = loader.get();
        } catch (RuntimeException | Error e) {
            loaded = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        loaded.whenComplete((bytes, failure) -> {
            Throwable error = failure;
            if (error == null) {
                try {
                    if (persistent != null) {
                        putPersistent(key, bytes);
                    }
                } catch (RuntimeException e) {
                    error = e;
                }
            }
            if (error == null) {
                mine.complete(newEntry(key, bytes)); // Caffeine weighs it now and evicts to stay within its bytes
                result.complete(bytes);
            } else {
                mine.completeExceptionally(error); // Caffeine removes a failed future: the next caller loads again
                result.completeExceptionally(error);
            }
        });
        return result;
    }

    /**
     * The memory entry for a new output: with the links kept for it by {@link #putEvidence} just before, or else
     * the links of the output it replaces.
     */
    private Entry newEntry(CacheKey key, byte[] bytes) {
        byte[] links = pendingLinks.asMap().remove(key);
        if (links == null) {
            Entry replaced = memoryEntryQuietly(key);
            links = replaced == null ? null : replaced.links;
        }
        return new Entry(bytes, links);
    }

    /**
     * Keeps the evidence links of the execution whose output is cached under {@code key}, in both tiers, so that
     * a later hit (in this process or after a restart) reports the documents, prompt and settings behind it.
     * Not counted in the statistics. May block on the persistent tier.
     *
     * @param key the output's key
     * @param links the execution's evidence links
     */
    public void putEvidence(CacheKey key, List<EvidenceLink> links) {
        byte[] encoded = LINKS.encode(links);
        if (persistent != null) {
            persistent.put(evidenceKey(key), encoded);
            corruptLinks.invalidate(key); // that row is overwritten now
        }
        CompletableFuture<Entry> present = memory.asMap().get(key);
        if (present != null && present.state() == Future.State.SUCCESS) {
            Entry entry = present.resultNow();
            memory.asMap().replace(key, present, CompletableFuture.completedFuture(new Entry(entry.bytes, encoded)));
        } else {
            pendingLinks.put(key, encoded); // its output is being computed: they join it when it is stored
        }
    }

    /**
     * The evidence links kept for an output: from the hit this thread just had in memory for the same key, else
     * from memory, else from the persistent tier (which may block).
     *
     * @param key an output's key
     * @return the evidence links kept for it with {@link #putEvidence}, empty if none; not counted in the statistics
     * @throws CorruptDataException if they had to be read from the persistent tier and their row fails its check
     *     (counted in {@link Stats#corruptRows()})
     */
    public List<EvidenceLink> evidence(CacheKey key) {
        LastHit last = lastMemoryHit.get();
        Entry entry;
        if (last.key == key) {
            entry = last.entry;
            last.key = null;
            last.entry = null;
        } else {
            entry = memoryEntryQuietly(key);
        }
        byte[] links;
        if (entry != null) {
            links = entry.links;
        } else {
            links = pendingLinks.getIfPresent(key);
            if (links == null && persistent != null) {
                try {
                    links = persistentLinks(key);
                } catch (CorruptDataException e) {
                    corruptRows.increment();
                    throw e;
                }
            }
        }
        return links == null ? List.of() : LINKS.decode(links);
    }

    /** The key the links of an output are kept under: derived from the output's key, never equal to any node's. */
    private static CacheKey evidenceKey(CacheKey key) {
        return CacheKey.of(key.toBytes(), "sluice:evidence-links", Seed.of(0), List.of(), "1");
    }

    /**
     * Stores bytes under a key in both tiers. May block on the persistent tier.
     *
     * @param key the key
     * @param bytes canonical output bytes; the cache keeps this array, so do not change it afterwards
     */
    public void put(CacheKey key, byte[] bytes) {
        memory.put(key, CompletableFuture.completedFuture(newEntry(key, bytes)));
        if (persistent != null) {
            putPersistent(key, bytes);
        }
    }

    /** @return a snapshot of the counters */
    public Stats stats() {
        long memory = memoryHits.sum();
        long persisted = persistentHits.sum();
        return new Stats(
                memory + persisted,
                misses.sum(),
                memory,
                persisted,
                joinedInFlight.sum(),
                this.memory.synchronous().stats().evictionCount(),
                this.memory
                        .synchronous()
                        .policy()
                        .eviction()
                        .map(e -> e.weightedSize().orElse(0))
                        .orElse(0L),
                corruptRows.sum());
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
     * @param corruptRows persistent rows (outputs or their evidence links) that failed their check when read: not
     *     served, but counted as misses and computed again
     */
    public record Stats(
            long hits,
            long misses,
            long memoryHits,
            long persistentHits,
            long joinedInFlight,
            long evictions,
            long memoryBytes,
            long corruptRows) {}
}
