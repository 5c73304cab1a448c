package dev.sluice.vector.internal;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD kernels over two float32 vectors held in segments (off-heap, mapped, or heap arrays wrapped with
 * {@link MemorySegment#ofArray(float[])}), at the platform's preferred vector width with a scalar tail. Bounds are
 * checked by the segments; callers check dimensions once at the API boundary. Allocation-free.
 *
 * <p>Lanes are summed in a fixed pairwise order ({@link #sum}), not with {@code reduceLanes}, whose float order is
 * unspecified and differs between the interpreter and compiled code: the same inputs give the same bits at every
 * JIT tier, so an index searched before and after warm-up (or after save and open) returns identical scores.
 */
public final class Kernels {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    /** Rotations by half, a quarter, ... of the lanes: adding each in turn folds every lane into lane 0. */
    private static final VectorShuffle<Float>[] FOLDS = folds();

    private Kernels() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static VectorShuffle<Float>[] folds() {
        int steps = Integer.numberOfTrailingZeros(SPECIES.length());
        VectorShuffle<Float>[] folds = new VectorShuffle[steps];
        for (int i = 0, distance = SPECIES.length() / 2; i < steps; i++, distance /= 2) {
            folds[i] = VectorShuffle.iota(SPECIES, distance, 1, true);
        }
        return folds;
    }

    /** @return the sum of the lanes in a fixed pairwise order */
    private static float sum(FloatVector lanes) {
        for (VectorShuffle<Float> fold : FOLDS) {
            lanes = lanes.add(lanes.rearrange(fold));
        }
        return lanes.lane(0);
    }

    /** @return the SIMD width in bits, for logs and benchmark reports */
    public static int vectorBitSize() {
        return SPECIES.vectorBitSize();
    }

    public static float dot(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dimension) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int bound = SPECIES.loopBound(dimension);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            FloatVector va = FloatVector.fromMemorySegment(SPECIES, a, aOffset + 4L * i, ORDER);
            acc = va.fma(FloatVector.fromMemorySegment(SPECIES, b, bOffset + 4L * i, ORDER), acc);
        }
        float sum = sum(acc);
        for (; i < dimension; i++) {
            sum += a.get(JAVA_FLOAT_UNALIGNED, aOffset + 4L * i) * b.get(JAVA_FLOAT_UNALIGNED, bOffset + 4L * i);
        }
        return sum;
    }

    public static float squaredDistance(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dimension) {
        FloatVector acc = FloatVector.zero(SPECIES);
        int bound = SPECIES.loopBound(dimension);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            FloatVector d = FloatVector.fromMemorySegment(SPECIES, a, aOffset + 4L * i, ORDER)
                    .sub(FloatVector.fromMemorySegment(SPECIES, b, bOffset + 4L * i, ORDER));
            acc = d.fma(d, acc);
        }
        float sum = sum(acc);
        for (; i < dimension; i++) {
            float d = a.get(JAVA_FLOAT_UNALIGNED, aOffset + 4L * i) - b.get(JAVA_FLOAT_UNALIGNED, bOffset + 4L * i);
            sum += d * d;
        }
        return sum;
    }

    /** The cosine in one pass: the dot product and both squared norms accumulate together. */
    public static float cosine(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dimension) {
        FloatVector dot = FloatVector.zero(SPECIES);
        FloatVector aa = FloatVector.zero(SPECIES);
        FloatVector bb = FloatVector.zero(SPECIES);
        int bound = SPECIES.loopBound(dimension);
        int i = 0;
        for (; i < bound; i += SPECIES.length()) {
            FloatVector va = FloatVector.fromMemorySegment(SPECIES, a, aOffset + 4L * i, ORDER);
            FloatVector vb = FloatVector.fromMemorySegment(SPECIES, b, bOffset + 4L * i, ORDER);
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
