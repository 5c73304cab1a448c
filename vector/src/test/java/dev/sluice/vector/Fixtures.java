package dev.sluice.vector;

import dev.sluice.fixtures.ClusteredVectors;

/** Seeded data for the vector tests. */
final class Fixtures {
    static final long SEED = 20_261_126L;

    private Fixtures() {}

    /** A store of {@code rows} clustered vectors with string keys "k0", "k1", ... and document ids "doc-(row % 100)". */
    static VectorStore clusteredStore(int rows, int dimension, Similarity similarity) {
        VectorStore store = VectorStore.create("test", dimension, similarity, KeyKind.STRING);
        ClusteredVectors vectors = new ClusteredVectors(SEED, SEED, dimension, 64, 0.6f);
        for (int row = 0; row < rows; row++) {
            store.add("k" + row, vectors.next(), new Metadata("doc-" + (row % 100), null));
        }
        return store;
    }

    /** Queries from the same distribution as {@link #clusteredStore} but another stream of points. */
    static float[][] queries(int count, int dimension) {
        ClusteredVectors vectors = new ClusteredVectors(SEED, SEED + 1, dimension, 64, 0.6f);
        float[][] queries = new float[count][];
        for (int i = 0; i < count; i++) {
            queries[i] = vectors.next();
        }
        return queries;
    }

    /** @return the fraction of the exact top k found by the approximate top k, averaged over queries */
    static double recall(VectorIndex exact, VectorIndex approximate, float[][] queries, int k, SearchFilter filter) {
        long found = 0;
        for (float[] query : queries) {
            Hits truth = exact.search(query, k, filter);
            Hits hits = approximate.search(query, k, filter);
            java.util.Set<Integer> expected = new java.util.HashSet<>();
            for (int i = 0; i < truth.size(); i++) {
                expected.add(truth.row(i));
            }
            for (int i = 0; i < hits.size(); i++) {
                if (expected.contains(hits.row(i))) {
                    found++;
                }
            }
        }
        return (double) found / ((long) queries.length * k);
    }
}
