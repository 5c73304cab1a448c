package dev.sluice.core.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.BadInputException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FloatMatrixTest {
    @Test
    void allocatesZeroedAlignedMemoryAndReadsBackWhatIsWritten() {
        try (FloatMatrix m = FloatMatrix.allocate("embeddings", 3, 5)) {
            assertEquals(0, m.segment().address() % FloatMatrix.ALIGNMENT_BYTES);
            assertEquals(60, m.segment().byteSize());
            assertEquals(0f, m.get(2, 4));
            m.set(1, 2, 7.5f);
            m.setRow(2, new float[] {1, 2, 3, 4, 5});
            assertEquals(7.5f, m.get(1, 2));
            assertArrayEquals(new float[] {1, 2, 3, 4, 5}, m.row(2).toArray());
        }
    }

    @Test
    void rowsAndSlicesAreViewsOfTheSameMemory() {
        try (FloatMatrix m = FloatMatrix.allocate("m", 4, 3)) {
            VectorView row = m.row(1);
            row.set(0, 9f);
            assertEquals(9f, m.get(1, 0));
            FloatMatrix lastTwo = m.slice(2, 2);
            lastTwo.set(0, 1, 4f);
            assertEquals(4f, m.get(2, 1));
            assertEquals(m.segment().address() + 2 * 3 * 4, lastTwo.segment().address());
            lastTwo.close();
            assertFalse(m.isClosed(), "closing a slice must not end the owner's lifetime");
        }
    }

    @Test
    void directBuffersShareTheMemoryInNativeOrder() {
        try (FloatMatrix m = FloatMatrix.allocate("m", 2, 2)) {
            FloatBuffer buffer = m.asFloatBuffer();
            assertTrue(buffer.isDirect());
            buffer.put(3, 6.25f);
            assertEquals(6.25f, m.get(1, 1));
        }
    }

    @Test
    void useAfterCloseThrowsNamingTheOwnerForTheMatrixAndEveryView() {
        FloatMatrix m = FloatMatrix.allocate("query-embeddings", 2, 4);
        VectorView row = m.row(0);
        FloatMatrix slice = m.slice(1, 1);
        m.close();
        m.close();
        for (Runnable use : new Runnable[] {
            () -> m.get(0, 0),
            () -> m.segment(),
            () -> row.get(0),
            () -> row.dot(new float[4]),
            () -> slice.get(0, 0),
            () -> m.row(1),
            m::asByteBuffer
        }) {
            IllegalStateException e = assertThrows(IllegalStateException.class, use::run);
            assertTrue(e.getMessage().contains("query-embeddings"), e.getMessage());
        }
    }

    @Test
    void wrapsACallersSegmentWithoutFreeingIt() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment segment = arena.allocate(4 * 6, 4);
            segment.setAtIndex(ValueLayout.JAVA_FLOAT, 4, 2.5f);
            FloatMatrix m = FloatMatrix.wrap("borrowed", segment, 2, 3);
            assertEquals(2.5f, m.get(1, 1));
            m.close();
            assertTrue(m.isClosed());
            assertEquals(2.5f, segment.getAtIndex(ValueLayout.JAVA_FLOAT, 4), "the caller's memory is untouched");
            assertThrows(BadInputException.class, () -> FloatMatrix.wrap("small", segment, 3, 3));
        }
    }

    @Test
    void checksBoundsAndShapesAtTheBoundary() {
        try (FloatMatrix m = FloatMatrix.allocate("m", 2, 3)) {
            assertThrows(IndexOutOfBoundsException.class, () -> m.get(2, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> m.get(0, 3));
            assertThrows(IndexOutOfBoundsException.class, () -> m.row(-1));
            assertThrows(IndexOutOfBoundsException.class, () -> m.slice(1, 2));
            BadInputException e = assertThrows(BadInputException.class, () -> m.setRow(0, new float[4]));
            assertTrue(e.getMessage().contains("dimension 4 does not match the matrix's 3"), e.getMessage());
            assertThrows(BadInputException.class, () -> m.row(0).dot(new float[2]));
        }
        assertThrows(BadInputException.class, () -> FloatMatrix.allocate("m", -1, 3));
        assertThrows(BadInputException.class, () -> FloatMatrix.allocate("m", 1, 0));
    }

    @Test
    void simdKernelsAgreeWithTheScalarReference() {
        VectorKernels simd = new SimdKernels();
        VectorKernels scalar = new ScalarKernels();
        SplittableRandom random = new SplittableRandom(11);
        for (int dimension : new int[] {1, 3, 7, 8, 16, 17, 384, 1000}) {
            try (FloatMatrix m = FloatMatrix.allocate("m", 2, dimension)) {
                float[] query = new float[dimension];
                for (int i = 0; i < dimension; i++) {
                    m.set(0, i, (float) random.nextGaussian());
                    m.set(1, i, (float) random.nextGaussian());
                    query[i] = (float) random.nextGaussian();
                }
                MemorySegment s = m.segment();
                MemorySegment q = MemorySegment.ofArray(query);
                long second = 4L * dimension;
                float tolerance = 1e-4f * dimension;
                assertEquals(scalar.dot(s, 0, s, second, dimension), simd.dot(s, 0, s, second, dimension), tolerance);
                assertEquals(scalar.dot(s, second, q, 0, dimension), simd.dot(s, second, q, 0, dimension), tolerance);
                assertEquals(
                        scalar.squaredDistance(s, 0, s, second, dimension),
                        simd.squaredDistance(s, 0, s, second, dimension),
                        tolerance);
                assertEquals(scalar.cosine(s, 0, q, 0, dimension), simd.cosine(s, 0, q, 0, dimension), 1e-4f);
                assertEquals(simd.dot(s, second, q, 0, dimension), simd.dot(s, second, query, dimension));
                assertEquals(scalar.dot(s, second, query, dimension), simd.dot(s, second, query, dimension), tolerance);
                assertEquals(
                        scalar.squaredDistance(s, 0, query, dimension),
                        simd.squaredDistance(s, 0, query, dimension),
                        tolerance);
                float[] row = m.row(1).toArray();
                assertEquals(scalar.dot(row, query, dimension), simd.dot(row, query, dimension), tolerance);
                assertEquals(
                        scalar.squaredDistance(row, query, dimension),
                        simd.squaredDistance(row, query, dimension),
                        tolerance);
                byte[] codes = new byte[dimension];
                random.nextBytes(codes);
                MemorySegment codeSegment = MemorySegment.ofArray(codes);
                assertEquals(
                        scalar.dotBytes(codeSegment, 0, query, dimension),
                        simd.dotBytes(codeSegment, 0, query, dimension),
                        tolerance * 128);
                for (VectorKernels kernels : new VectorKernels[] {simd, scalar}) {
                    float[] four = new float[5];
                    kernels.dotBytes4(codeSegment, 0, 0, 0, 0, query, dimension, four, 1);
                    float alone = kernels.dotBytes(codeSegment, 0, query, dimension);
                    assertArrayEquals(new float[] {0, alone, alone, alone, alone}, four);
                }
                assertEquals(m.row(1).dot(query), m.dot(1, query));
                assertEquals(m.row(0).dot(m.row(1)), m.row(1).dot(m.row(0)), tolerance);
            }
        }
    }

    @Test
    void eachKernelGivesTheSameBitsWhereverItsOperandsLive() {
        SplittableRandom random = new SplittableRandom(12);
        for (VectorKernels kernels : new VectorKernels[] {new SimdKernels(), new ScalarKernels()}) {
            for (int dimension : new int[] {1, 7, 16, 31, 64, 100, 384, 1000}) {
                try (FloatMatrix m = FloatMatrix.allocate("m", 2, dimension)) {
                    for (int i = 0; i < dimension; i++) {
                        m.set(0, i, (float) random.nextGaussian());
                        m.set(1, i, (float) random.nextGaussian());
                    }
                    MemorySegment s = m.segment();
                    long second = 4L * dimension;
                    float[] a = m.row(0).toArray();
                    float[] b = m.row(1).toArray();
                    String where = kernels.name() + " at dimension " + dimension;
                    float dot = kernels.dot(s, 0, s, second, dimension);
                    assertEquals(dot, kernels.dot(s, 0, b, dimension), where);
                    assertEquals(dot, kernels.dot(a, b, dimension), where);
                    assertEquals(dot, kernels.dot(b, a, dimension), where);
                    float distance = kernels.squaredDistance(s, 0, s, second, dimension);
                    assertEquals(distance, kernels.squaredDistance(s, 0, b, dimension), where);
                    assertEquals(distance, kernels.squaredDistance(a, b, dimension), where);
                }
            }
        }
    }

    @Test
    void rowDotProductsAgainstAHeapQueryAllocateNothingOnceCompiled() {
        // The Vector API allocates until C2 compiles the kernel, so rounds run until one allocates nothing (or the
        // test gives up): a regression to a per-call allocation, like wrapping the query in a segment, never does.
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        float[] query = new float[384];
        java.util.Arrays.fill(query, 0.5f);
        try (FloatMatrix m = FloatMatrix.allocate("m", 1_000, 384)) {
            long allocated = Long.MAX_VALUE;
            for (int round = 0; round < 200 && allocated >= 1_000; round++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                float sum = 0;
                for (int row = 0; row < m.rows(); row++) {
                    sum += m.dot(row, query);
                }
                allocated = threads.getCurrentThreadAllocatedBytes() - before;
                assertEquals(0f, sum);
            }
            assertTrue(
                    allocated < 1_000, "1,000 dot products still allocated " + allocated + " bytes after 200 rounds");
        }
    }

    @Test
    void kernelsGiveTheSameBitsAtEveryJitTier() {
        SplittableRandom random = new SplittableRandom(3);
        float[] a = new float[384];
        float[] b = new float[384];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
            b[i] = (float) random.nextGaussian();
        }
        MemorySegment sa = MemorySegment.ofArray(a);
        MemorySegment sb = MemorySegment.ofArray(b);
        int first = Float.floatToIntBits(VectorMath.dot(sa, 0, sb, 0, a.length));
        int firstArrays = Float.floatToIntBits(VectorMath.dot(a, b, a.length));
        int firstDistance = Float.floatToIntBits(VectorMath.squaredDistance(a, b, a.length));
        for (int i = 0; i < 200_000; i++) { // long enough for C2 to compile the kernel
            assertEquals(first, Float.floatToIntBits(VectorMath.dot(sa, 0, sb, 0, a.length)), "call " + i);
            assertEquals(firstArrays, Float.floatToIntBits(VectorMath.dot(a, b, a.length)), "call " + i);
            assertEquals(firstDistance, Float.floatToIntBits(VectorMath.squaredDistance(a, b, a.length)), "call " + i);
        }
    }
}
