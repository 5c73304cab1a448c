package dev.sluice.vector;

import dev.sluice.core.hash.ContentHash;
import dev.sluice.vector.internal.AcceptedRows;
import dev.sluice.vector.internal.RowSource;
import dev.sluice.vector.internal.TopK;
import java.lang.foreign.MemorySegment;

/**
 * Exact top-k search by brute force: every live row is scored against the query with SIMD kernels reading the
 * store's memory in place, and a bounded heap keeps the k best. The ground truth for recall, and the right index for
 * small stores or very selective filters.
 *
 * <p>Cost: one pass over all vectors per query ({@code 4 * dimension * rows} bytes read); allocates only the k-sized
 * heap and the result (plus one bit per row with a filter). Thread-safe; sees rows added concurrently up to the
 * moment the search starts.
 */
public final class FlatIndex implements VectorIndex {
    private final VectorStore store;

    private FlatIndex(VectorStore store) {
        this.store = store;
    }

    /**
     * @param store the store to search; not copied, rows added later are searched too
     * @return the index
     */
    public static FlatIndex of(VectorStore store) {
        store.ensureOpen();
        return new FlatIndex(store);
    }

    @Override
    public VectorStore store() {
        return store;
    }

    @Override
    public Hits search(float[] query, int k, SearchFilter filter) {
        float queryScale = store.checkQuery(query, k);
        MemorySegment querySegment = MemorySegment.ofArray(query);
        RowSource rows = store.rows();
        int rowCount = rows.rows();
        if (filter == SearchFilter.ALL) {
            TopK top = new TopK(k);
            for (int row = 0; row < rowCount; row++) {
                if (!rows.isDeleted(row)) {
                    top.offer(row, rows.score(row, querySegment, 0, queryScale));
                }
            }
            return top.drain();
        }
        return searchAccepted(rows, querySegment, queryScale, k, acceptedRows(store, filter, rowCount));
    }

    /** Evaluates a filter over the live rows below {@code rowCount}. */
    static AcceptedRows acceptedRows(VectorStore store, SearchFilter filter, int rowCount) {
        RowSource rows = store.rows();
        AcceptedRows accepted = new AcceptedRows(rowCount);
        for (int row = 0; row < rowCount; row++) {
            if (!rows.isDeleted(row) && filter.accepts(store, row)) {
                accepted.accept(row);
            }
        }
        return accepted;
    }

    /** Exact search over the accepted rows only. */
    static Hits searchAccepted(RowSource rows, MemorySegment query, float queryScale, int k, AcceptedRows accepted) {
        TopK top = new TopK(k);
        for (int row = accepted.nextAccepted(0); row >= 0; row = accepted.nextAccepted(row + 1)) {
            top.offer(row, rows.score(row, query, 0, queryScale));
        }
        return top.drain();
    }

    /** @return the store's version: exact results depend on nothing else */
    @Override
    public ContentHash version() {
        return store.version();
    }

    @Override
    public String toString() {
        return "FlatIndex[" + store + "]";
    }
}
