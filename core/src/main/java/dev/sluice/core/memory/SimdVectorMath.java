package dev.sluice.core.memory;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels at the platform's preferred width, with a scalar tail. Segments are read in native byte
 * order, the order {@link FloatMatrix} stores. Only loaded when {@code jdk.incubator.vector} is present.
 */
final class SimdVectorMath implements VectorMath {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    @Override
    public String name() {
        return "simd(" + SPECIES.vectorBitSize() + "-bit)";
    }

    @Override
    public float dot(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dimension) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int bound = SPECIES.loopBound(dimension);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            FloatVector va = FloatVector.fromMemorySegment(SPECIES, a, aOffset + 4L * i, ORDER);
            FloatVector vb = FloatVector.fromMemorySegment(SPECIES, b, bOffset + 4L * i, ORDER);
            acc = va.fma(vb, acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < dimension; i++) {
            sum += a.get(JAVA_FLOAT_UNALIGNED, aOffset + 4L * i) * b.get(JAVA_FLOAT_UNALIGNED, bOffset + 4L * i);
        }
        return sum;
    }

    @Override
    public float dot(MemorySegment a, long aOffset, float[] b, int dimension) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int bound = SPECIES.loopBound(dimension);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            FloatVector va = FloatVector.fromMemorySegment(SPECIES, a, aOffset + 4L * i, ORDER);
            FloatVector vb = FloatVector.fromArray(SPECIES, b, i);
            acc = va.fma(vb, acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < dimension; i++) {
            sum += a.get(JAVA_FLOAT_UNALIGNED, aOffset + 4L * i) * b[i];
        }
        return sum;
    }

    @Override
    public float squaredDistance(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dimension) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int bound = SPECIES.loopBound(dimension);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            FloatVector d = FloatVector.fromMemorySegment(SPECIES, a, aOffset + 4L * i, ORDER)
                    .sub(FloatVector.fromMemorySegment(SPECIES, b, bOffset + 4L * i, ORDER));
            acc = d.fma(d, acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < dimension; i++) {
            float d = a.get(JAVA_FLOAT_UNALIGNED, aOffset + 4L * i) - b.get(JAVA_FLOAT_UNALIGNED, bOffset + 4L * i);
            sum += d * d;
        }
        return sum;
    }

    @Override
    public float squaredDistance(MemorySegment a, long aOffset, float[] b, int dimension) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int bound = SPECIES.loopBound(dimension);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            FloatVector d = FloatVector.fromMemorySegment(SPECIES, a, aOffset + 4L * i, ORDER)
                    .sub(FloatVector.fromArray(SPECIES, b, i));
            acc = d.fma(d, acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < dimension; i++) {
            float d = a.get(JAVA_FLOAT_UNALIGNED, aOffset + 4L * i) - b[i];
            sum += d * d;
        }
        return sum;
    }
}
