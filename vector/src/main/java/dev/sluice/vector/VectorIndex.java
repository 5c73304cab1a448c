package dev.sluice.vector;

import dev.sluice.core.hash.ContentHash;

/**
 * Top-k search over a {@link VectorStore}: {@link FlatIndex} (exact) or {@link GraphIndex} (approximate). Searches
 * are thread-safe and may run while rows are added.
 */
public interface VectorIndex {
    /** @return the searched store */
    VectorStore store();

    /**
     * @param query {@link VectorStore#dimension()} finite values (not all zero under cosine)
     * @param k how many hits, from 1 to {@link VectorStore#size()}
     * @return the best live rows, best first
     * @throws dev.sluice.core.BadInputException for a bad query or k
     */
    default Hits search(float[] query, int k) {
        return search(query, k, SearchFilter.ALL);
    }

    /**
     * @param query {@link VectorStore#dimension()} finite values (not all zero under cosine)
     * @param k how many hits, from 1 to {@link VectorStore#size()}
     * @param filter which rows may be returned
     * @return the best live accepted rows, best first
     * @throws dev.sluice.core.BadInputException for a bad query or k
     */
    Hits search(float[] query, int k, SearchFilter filter);

    /** @return the version for cache keys of nodes that read this index: changes whenever results may change */
    ContentHash version();
}
