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

    float cosine(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dimension);
}
