package dev.sluice.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.BadInputException;
import dev.sluice.core.memory.FloatMatrix;
import dev.sluice.core.memory.VectorView;
import org.junit.jupiter.api.Test;

class VectorStoreTest {
    private static VectorStore smallStore() {
        VectorStore store = VectorStore.create("small", 3, Similarity.COSINE, KeyKind.STRING);
        store.add("a", new float[] {1, 0, 0}, new Metadata("doc-a", "hash-a"));
        store.add("b", new float[] {0, 1, 0}, null);
        return store;
    }

    @Test
    void addsRowsInOrderWithKeysAndMetadata() {
        try (VectorStore store = smallStore()) {
            assertEquals(2, store.size());
            assertEquals(1, store.rowOf("b"));
            assertEquals("a", store.key(0));
            assertEquals(new Metadata("doc-a", "hash-a"), store.metadata(0));
            assertEquals(Metadata.NONE, store.metadata(1));
            assertArrayEquals(new float[] {0, 1, 0}, store.vector(1).toArray());
        }
    }

    @Test
    void cosineStoreKeepsVectorsAtUnitLengthAndOtherSimilaritiesAsGiven() {
        try (VectorStore cosine = VectorStore.create("cos", 2, Similarity.COSINE, KeyKind.LONG);
                VectorStore dot = VectorStore.create("dot", 2, Similarity.DOT_PRODUCT, KeyKind.LONG)) {
            cosine.add(1L, new float[] {3, 4}, null);
            dot.add(1L, new float[] {3, 4}, null);
            assertArrayEquals(new float[] {0.6f, 0.8f}, cosine.vector(0).toArray(), 1e-7f);
            assertArrayEquals(new float[] {3, 4}, dot.vector(0).toArray());
            Hits hits = FlatIndex.of(cosine).search(new float[] {-30, -40}, 1);
            assertEquals(0, hits.score(0), 1e-7, "cosine of opposite vectors, on the (1 + cos) / 2 scale");
        }
    }

    @Test
    void longKeysWorkAndStringKeysAreRefused() {
        try (VectorStore store = VectorStore.create("ids", 2, Similarity.DOT_PRODUCT, KeyKind.LONG)) {
            store.add(42L, new float[] {1, 2}, null);
            assertEquals(0, store.rowOf(42L));
            assertEquals(42L, store.key(0));
            BadInputException e = assertThrows(BadInputException.class, () -> store.add("x", new float[] {1, 2}, null));
            assertTrue(e.getMessage().contains("LONG keys"), e.getMessage());
        }
    }

    @Test
    void addsFromOffHeapMatrixRowsWithoutHeapArrays() {
        try (VectorStore store = VectorStore.create("m", 4, Similarity.EUCLIDEAN, KeyKind.LONG);
                FloatMatrix matrix = FloatMatrix.allocate("embeddings", 2, 4)) {
            matrix.setRow(1, new float[] {1, 2, 3, 4});
            store.add(7L, matrix.row(1), null);
            assertArrayEquals(new float[] {1, 2, 3, 4}, store.vector(0).toArray());
        }
    }

    @Test
    void growsByChunksWithoutMovingStoredRows() {
        try (VectorStore store = VectorStore.create("grow", 8, Similarity.DOT_PRODUCT, KeyKind.LONG)) {
            store.add(0L, new float[] {1, 2, 3, 4, 5, 6, 7, 8}, null);
            VectorView first = store.vector(0);
            long address = first.segment().address();
            for (int row = 1; row < 3 * VectorStore.CHUNK_ROWS + 5; row++) {
                float[] vector = new float[8];
                vector[row % 8] = row;
                store.add(row, vector, null);
            }
            assertEquals(address, store.vector(0).segment().address());
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, first.toArray());
            assertEquals(
                    3 * VectorStore.CHUNK_ROWS + 4f,
                    store.vector(3 * VectorStore.CHUNK_ROWS + 4).get(4));
        }
    }

    @Test
    void rejectsVectorOfWrongDimension() {
        try (VectorStore store = smallStore()) {
            BadInputException e = assertThrows(BadInputException.class, () -> store.add("c", new float[] {1, 2}, null));
            assertTrue(e.getMessage().contains("dimension 2 does not match the store's 3"), e.getMessage());
            assertEquals(2, store.size());
        }
    }

    @Test
    void rejectsNanAndInfiniteComponentsAndLeavesStoreUnchanged() {
        try (VectorStore store = smallStore()) {
            var before = store.version();
            BadInputException nan =
                    assertThrows(BadInputException.class, () -> store.add("c", new float[] {1, Float.NaN, 0}, null));
            assertTrue(nan.getMessage().contains("component 1 is NaN"), nan.getMessage());
            BadInputException infinite = assertThrows(
                    BadInputException.class, () -> store.add("c", new float[] {0, 0, Float.NEGATIVE_INFINITY}, null));
            assertTrue(infinite.getMessage().contains("component 2 is -Infinity"), infinite.getMessage());
            assertEquals(2, store.size());
            assertEquals(before, store.version());
            assertThrows(BadInputException.class, () -> store.rowOf("c"));
        }
    }

    @Test
    void rejectsZeroVectorUnderCosineOnly() {
        try (VectorStore cosine = smallStore();
                VectorStore dot = VectorStore.create("dot", 3, Similarity.DOT_PRODUCT, KeyKind.STRING)) {
            BadInputException e = assertThrows(BadInputException.class, () -> cosine.add("zero", new float[3], null));
            assertTrue(e.getMessage().contains("zero vector"), e.getMessage());
            assertEquals(0, dot.add("zero", new float[3], null));
        }
    }

    @Test
    void rejectsSubnormalVectorsUnderCosineInsteadOfStoringInfinities() {
        float tiny = 1e-42f; // subnormal: the squared norm is positive in double, the inverse norm overflows float
        float[] subnormal = {tiny, tiny, 0};
        try (VectorStore cosine = smallStore();
                VectorStore euclidean = VectorStore.create("l2", 3, Similarity.EUCLIDEAN, KeyKind.STRING)) {
            var before = cosine.version();
            BadInputException e =
                    assertThrows(BadInputException.class, () -> cosine.add("tiny", subnormal.clone(), null));
            assertTrue(e.getMessage().contains("too small to scale to a finite unit vector"), e.getMessage());
            assertEquals(2, cosine.size());
            assertEquals(before, cosine.version());
            try (FloatMatrix matrix = FloatMatrix.allocate("m", 1, 3)) {
                matrix.row(0).segment().copyFrom(java.lang.foreign.MemorySegment.ofArray(subnormal));
                assertThrows(BadInputException.class, () -> cosine.add("tiny", matrix.row(0), null));
            }
            BadInputException query = assertThrows(
                    BadInputException.class, () -> FlatIndex.of(cosine).search(subnormal, 1));
            assertTrue(query.getMessage().startsWith("query has norm"), query.getMessage());
            // the smallest normal components still scale to a finite unit vector
            float[] small = {Float.MIN_NORMAL, 0, Float.MIN_NORMAL};
            int row = cosine.add("small", small, null);
            for (float value : cosine.vector(row).toArray()) {
                assertTrue(
                        Float.isFinite(value),
                        () -> java.util.Arrays.toString(cosine.vector(row).toArray()));
            }
            assertEquals(
                    1f,
                    (float) Math.hypot(
                            cosine.vector(row).get(0), cosine.vector(row).get(2)),
                    1e-6f);
            // without normalisation, subnormal components are just small numbers
            assertEquals(0, euclidean.add("tiny", subnormal, null));
        }
    }

    @Test
    void rejectsVectorsWhoseNormOverflowsAFloatUnderEverySimilarity() {
        float[] huge = {Float.MAX_VALUE, Float.MAX_VALUE, 0};
        for (Similarity similarity : Similarity.values()) {
            try (VectorStore store = VectorStore.create("huge", 3, similarity, KeyKind.LONG)) {
                BadInputException e = assertThrows(BadInputException.class, () -> store.add(1L, huge, null));
                assertTrue(e.getMessage().contains("beyond float32's range"), similarity + ": " + e.getMessage());
                assertEquals(0, store.size());
            }
        }
        try (VectorStore cosine = VectorStore.create("large", 2, Similarity.COSINE, KeyKind.LONG)) {
            BadInputException e =
                    assertThrows(BadInputException.class, () -> cosine.add(1L, new float[] {1e38f, 1e38f}, null));
            assertTrue(e.getMessage().contains("too large"), e.getMessage());
        }
    }

    @Test
    void rejectsDuplicateKeyButAcceptsKeyOfDeletedRow() {
        try (VectorStore store = smallStore()) {
            BadInputException e =
                    assertThrows(BadInputException.class, () -> store.add("a", new float[] {0, 0, 1}, null));
            assertTrue(e.getMessage().contains("duplicate key 'a': already row 0"), e.getMessage());
            assertEquals(0, store.delete("a"));
            assertTrue(store.isDeleted(0));
            assertEquals(2, store.add("a", new float[] {0, 0, 1}, null));
            assertEquals(2, store.rowOf("a"));
            assertEquals(2, store.liveCount());
        }
    }

    @Test
    void rejectsUnknownKey() {
        try (VectorStore store = smallStore()) {
            BadInputException delete = assertThrows(BadInputException.class, () -> store.delete("nope"));
            assertTrue(delete.getMessage().contains("unknown key 'nope'"), delete.getMessage());
            assertThrows(BadInputException.class, () -> store.rowOf("nope"));
            assertThrows(BadInputException.class, () -> store.key(2));
        }
    }

    @Test
    void versionIsDerivedFromContent() {
        try (VectorStore one = smallStore();
                VectorStore two = smallStore()) {
            assertEquals(one.version(), two.version());
            two.add("c", new float[] {0, 0, 1}, null);
            assertNotEquals(one.version(), two.version());
            two.delete("c");
            assertNotEquals(one.version(), two.version(), "a deleted row is still part of the content");
        }
    }

    @Test
    void useAfterCloseIsAnIllegalStateNamingTheStore() {
        VectorStore store = smallStore();
        VectorView view = store.vector(0);
        store.close();
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> store.add("c", new float[] {0, 0, 1}, null));
        assertTrue(e.getMessage().contains("'small' is closed"), e.getMessage());
        assertThrows(IllegalStateException.class, view::toArray);
        assertThrows(IllegalStateException.class, () -> FlatIndex.of(store));
    }
}
