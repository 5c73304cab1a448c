package dev.sluice.vector;

import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * Restricts a search to the rows it accepts. A search evaluates the filter once per live row before searching
 * (cost: one call per row and one bit per row of memory), then searches only accepted rows: exactly by brute force
 * when few rows pass (so a filter keeping 1% of rows still finds the true nearest ones), through the graph
 * otherwise. Implementations must be thread-safe when searches run concurrently.
 */
@FunctionalInterface
public interface SearchFilter {
    /** Accepts every row. */
    SearchFilter ALL = (store, row) -> true;

    /**
     * @param store the searched store
     * @param row a live row of it
     * @return whether the row may be returned
     */
    boolean accepts(VectorStore store, int row);

    /**
     * @param keyPredicate tested with each row's key (a {@link String} or a {@link Long})
     * @return a filter on keys
     */
    static SearchFilter keys(Predicate<Object> keyPredicate) {
        return (store, row) -> keyPredicate.test(store.key(row));
    }

    /**
     * @param metadataPredicate tested with each row's metadata
     * @return a filter on metadata
     */
    static SearchFilter metadata(Predicate<Metadata> metadataPredicate) {
        return (store, row) -> metadataPredicate.test(store.metadata(row));
    }

    /**
     * @param rowPredicate tested with each row number
     * @return a filter on row numbers
     */
    static SearchFilter rows(IntPredicate rowPredicate) {
        return (store, row) -> rowPredicate.test(row);
    }
}
