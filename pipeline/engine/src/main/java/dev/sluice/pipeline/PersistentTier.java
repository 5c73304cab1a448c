package dev.sluice.pipeline;

import dev.sluice.core.CorruptDataException;
import dev.sluice.core.hash.CacheKey;

/**
 * The result cache's persistent tier: canonical output bytes by cache key, kept across restarts. The engine holds
 * no implementation; {@code sluice-jdbc} has one in SQLite ({@code SqliteCacheTier}). A {@link ResultCache} made
 * with a tier owns it and closes it.
 *
 * <p>Implementations are thread-safe. Their calls may block on disk or the network: the engine makes them only on
 * threads that may block: an inline runtime's calling thread, a pipelined runtime's adapter pool threads (which
 * also run the model calls) and gates' re-run threads; never on a pipelined stage (agent) thread, which consults
 * the cache's memory tier only. Each call may come from a different thread.
 *
 * <p><b>Integrity.</b> A tier stores each row with a checksum of its bytes bound to its key (SQLite's tier: the
 * SHA-256 of both) and checks it on every {@link #get}: bytes that do not match are never returned, but reported as
 * a {@link CorruptDataException} naming the file and the key. The {@link ResultCache} then treats the row as a
 * miss: it recomputes the value, overwrites the bad row and counts it ({@link ResultCache.Stats#corruptRows()}).
 */
public interface PersistentTier extends AutoCloseable {
    /**
     * @param key the key
     * @return the stored bytes exactly as {@link #put} received them, or null when the tier has none (or only a
     *     row it cannot verify, such as one written before the tier kept checksums)
     * @throws CorruptDataException if the stored row does not match its checksum (a flipped bit, a changed row):
     *     the message names the file and the key
     * @throws dev.sluice.core.SluiceException if the tier cannot be read
     */
    byte[] get(CacheKey key);

    /**
     * Stores bytes under a key, replacing any bytes stored before.
     *
     * @param key the key
     * @param bytes the canonical output bytes
     * @throws dev.sluice.core.SluiceException if the tier cannot be written
     */
    void put(CacheKey key, byte[] bytes);

    /** Releases the tier's resources; idempotent. */
    @Override
    void close();
}
