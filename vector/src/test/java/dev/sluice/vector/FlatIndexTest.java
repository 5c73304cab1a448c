package dev.sluice.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.BadInputException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FlatIndexTest {
    private static final int DIMENSION = 37; // not a multiple of any SIMD width: the scalar tail runs too

    private static float[][] randomVectors(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] vectors = new float[count][DIMENSION];
        for (float[] vector : vectors) {
            for (int i = 0; i < DIMENSION; i++) {
                vector[i] = (float) (random.nextDouble() * 2 - 1);
            }
        }
        return vectors;
    }

    private static double referenceScore(Similarity similarity, float[] a, float[] b) {
        double dot = 0;
        double aa = 0;
        double bb = 0;
        double squared = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
            squared += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
        }
        return switch (similarity) {
            case COSINE -> (1 + dot / Math.sqrt(aa * bb)) / 2;
            case DOT_PRODUCT -> (1 + dot) / 2;
            case EUCLIDEAN -> 1 / (1 + squared);
        };
    }

    @ParameterizedTest
    @EnumSource(Similarity.class)
    void matchesAScalarDoublePrecisionReference(Similarity similarity) {
        float[][] vectors = randomVectors(1, 700);
        float[] query = randomVectors(2, 1)[0];
        try (VectorStore store = VectorStore.create("ref", DIMENSION, similarity, KeyKind.LONG)) {
            for (int row = 0; row < vectors.length; row++) {
                store.add(row, vectors[row], null);
            }
            Hits hits = FlatIndex.of(store).search(query, 10);
            Integer[] expected = IntStream.range(0, vectors.length)
                    .boxed()
                    .sorted(Comparator.comparingDouble(row -> -referenceScore(similarity, vectors[row], query)))
                    .limit(10)
                    .toArray(Integer[]::new);
            assertEquals(
                    Arrays.toString(expected),
                    Arrays.toString(Arrays.stream(hits.rows()).boxed().toArray()));
            for (int rank = 0; rank < 10; rank++) {
                assertEquals(referenceScore(similarity, vectors[expected[rank]], query), hits.score(rank), 1e-5);
            }
        }
    }

    @Test
    void skipsDeletedRowsAndHonoursFilters() {
        try (VectorStore store = Fixtures.clusteredStore(2_000, 16, Similarity.COSINE)) {
            FlatIndex index = FlatIndex.of(store);
            float[] query = store.vector(5).toArray();
            assertEquals(5, index.search(query, 1).row(0));
            store.delete("k5");
            assertTrue(Arrays.stream(index.search(query, 50).rows()).noneMatch(row -> row == 5));
            Hits filtered = index.search(
                    query, 30, SearchFilter.metadata(m -> m.documentId().equals("doc-7")));
            assertEquals(20, filtered.size(), "2000 rows, doc-7 holds every hundredth: fewer than k is fine");
            for (int rank = 0; rank < filtered.size(); rank++) {
                assertEquals(7, filtered.row(rank) % 100);
            }
        }
    }

    @Test
    void rejectsBadKAndBadQueries() {
        try (VectorStore store = Fixtures.clusteredStore(100, 16, Similarity.COSINE)) {
            FlatIndex index = FlatIndex.of(store);
            float[] query = store.vector(0).toArray();
            for (int k : new int[] {0, -1, 101}) {
                BadInputException e = assertThrows(BadInputException.class, () -> index.search(query, k));
                assertTrue(
                        e.getMessage().contains("k must be from 1 to the store's 100 rows, got " + k), e.getMessage());
            }
            assertThrows(BadInputException.class, () -> index.search(new float[15], 1));
            float[] nan = query.clone();
            nan[3] = Float.NaN;
            assertThrows(BadInputException.class, () -> index.search(nan, 1));
            BadInputException zero = assertThrows(BadInputException.class, () -> index.search(new float[16], 1));
            assertTrue(zero.getMessage().contains("query is a zero vector"), zero.getMessage());
        }
    }
}
