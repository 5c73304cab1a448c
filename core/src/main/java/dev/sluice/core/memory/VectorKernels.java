package dev.sluice.core.memory;

import java.lang.foreign.MemorySegment;

/** The kernels behind {@link VectorMath}: one SIMD and one scalar implementation. Offsets are in bytes. */
interface VectorKernels {
    String name();

    float dot(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dimension);

    float squaredDistance(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dimension);

    float cosine(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dimension);
}
