package dev.sluice.core.memory;

import java.lang.foreign.MemorySegment;

/**
 * The kernels behind {@link VectorView}: dot product and squared Euclidean distance over float32 data in native
 * byte order. Two implementations: the Vector API (SIMD) when {@code jdk.incubator.vector} is in the boot layer,
 * and a scalar loop otherwise (or when {@code -Dsluice.simd=false}); the choice is made once and logged.
 */
interface VectorMath {
    /** @return the implementation in use in this JVM */
    static VectorMath current() {
        return VectorMathProvider.INSTANCE;
    }

    /** @return a short name of the implementation, such as {@code "simd(256-bit)"} or {@code "scalar"} */
    String name();

    float dot(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dimension);

    float dot(MemorySegment a, long aOffset, float[] b, int dimension);

    float squaredDistance(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dimension);

    float squaredDistance(MemorySegment a, long aOffset, float[] b, int dimension);
}
