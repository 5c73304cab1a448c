package dev.sluice.core.memory;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels at the platform's preferred width with a scalar tail, lanes summed in a fixed pairwise order
 * ({@link #sum}). Only loaded when {@code jdk.incubator.vector} is present.
 */
final class SimdKernels implements VectorKernels {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Rotations by half, a quarter, ... of the lanes: adding each in turn folds every lane into lane 0. */
    private static final VectorShuffle<Float>[] FOLDS = folds();

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static VectorShuffle<Float>[] folds() {
        int steps = Integer.numberOfTrailingZeros(SPECIES.length());
        VectorShuffle<Float>[] folds = new VectorShuffle[steps];
        for (int i = 0, distance = SPECIES.length() / 2; i < steps; i++, distance /= 2) {
            folds[i] = VectorShuffle.iota(SPECIES, distance, 1, true);
        }
        return folds;
    }

    private static float sum(FloatVector lanes) {
        for (VectorShuffle<Float> fold : FOLDS) {
            lanes = lanes.add(lanes.rearrange(fold));
        }
        return lanes.lane(0);
    }

    private static FloatVector load(MemorySegment segment, long offset) {
        return FloatVector.fromMemorySegment(SPECIES, segment, offset, ORDER);
    }

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
            acc = load(a, aOffset + 4L * i).fma(load(b, bOffset + 4L * i), acc);
        }
        float sum = sum(acc);
        for (; i < dimension; i++) {
            sum += a.get(JAVA_FLOAT_UNALIGNED, aOffset + 4L * i) * b.get(JAVA_FLOAT_UNALIGNED, bOffset + 4L * i);
        }
        return sum;
    }

    @Override
    public float squaredDistance(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dimension) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int bound = SPECIES.loopBound(dimension);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            FloatVector d = load(a, aOffset + 4L * i).sub(load(b, bOffset + 4L * i));
            acc = d.fma(d, acc);
        }
        float sum = sum(acc);
        for (; i < dimension; i++) {
            float d = a.get(JAVA_FLOAT_UNALIGNED, aOffset + 4L * i) - b.get(JAVA_FLOAT_UNALIGNED, bOffset + 4L * i);
            sum += d * d;
        }
        return sum;
    }

    @Override
    public float dot(MemorySegment a, long aOffset, float[] b, int dimension) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int bound = SPECIES.loopBound(dimension);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            acc = load(a, aOffset + 4L * i).fma(FloatVector.fromArray(SPECIES, b, i), acc);
        }
        float sum = sum(acc);
        for (; i < dimension; i++) {
            sum += a.get(JAVA_FLOAT_UNALIGNED, aOffset + 4L * i) * b[i];
        }
        return sum;
    }

    @Override
    public float squaredDistance(MemorySegment a, long aOffset, float[] b, int dimension) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int bound = SPECIES.loopBound(dimension);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            FloatVector d = load(a, aOffset + 4L * i).sub(FloatVector.fromArray(SPECIES, b, i));
            acc = d.fma(d, acc);
        }
        float sum = sum(acc);
        for (; i < dimension; i++) {
            float d = a.get(JAVA_FLOAT_UNALIGNED, aOffset + 4L * i) - b[i];
            sum += d * d;
        }
        return sum;
    }

    @Override
    public float cosine(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dimension) {
        FloatVector dot = FloatVector.zero(SPECIES);
        FloatVector aa = FloatVector.zero(SPECIES);
        FloatVector bb = FloatVector.zero(SPECIES);
        int bound = SPECIES.loopBound(dimension);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            FloatVector va = load(a, aOffset + 4L * i);
            FloatVector vb = load(b, bOffset + 4L * i);
            dot = va.fma(vb, dot);
            aa = va.fma(va, aa);
            bb = vb.fma(vb, bb);
        }
        float sumDot = sum(dot);
        float sumAa = sum(aa);
        float sumBb = sum(bb);
        for (; i < dimension; i++) {
            float x = a.get(JAVA_FLOAT_UNALIGNED, aOffset + 4L * i);
            float y = b.get(JAVA_FLOAT_UNALIGNED, bOffset + 4L * i);
            sumDot += x * y;
            sumAa += x * x;
            sumBb += y * y;
        }
        return (float) (sumDot / Math.sqrt((double) sumAa * sumBb));
    }
}
