package dev.sluice.pipeline;

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
 */
public interface PersistentTier extends AutoCloseable {
    /**
     * @param key the key
     * @return the stored bytes exactly as {@link #put} received them, or null when the tier has none
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
