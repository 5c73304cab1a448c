package dev.sluice.core.memory;

import java.lang.foreign.MemorySegment;

/** The kernels behind {@link VectorMath}: one SIMD and one scalar implementation. Offsets are in bytes. */
interface VectorKernels {
    String name();

    float dot(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dimension);

    float squaredDistance(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dimension);

    /** Against a heap array: its own loop, so that no segment is made per call (that would allocate). */
    float dot(MemorySegment a, long aOffset, float[] b, int dimension);

    float squaredDistance(MemorySegment a, long aOffset, float[] b, int dimension);

    /** Both on the heap (a row copied into a scratch array, and a query): several accumulators, for speed. */
    float dot(float[] a, float[] b, int dimension);

    float squaredDistance(float[] a, float[] b, int dimension);

    /** Signed bytes (quantised codes) in a segment against a heap vector. */
    float dotBytes(MemorySegment a, long aOffset, float[] b, int dimension);

    /** Four rows of {@link #dotBytes} at once, each giving the same bits as alone, into {@code out[at..at+3]}. */
    void dotBytes4(
            MemorySegment a,
            long offset0,
            long offset1,
            long offset2,
            long offset3,
            float[] b,
            int dimension,
            float[] out,
            int at);

    float cosine(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dimension);
}
