package dev.sluice.core.memory;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels at the platform's preferred width with a scalar tail, lanes summed in a fixed pairwise order
 * ({@link #sum}). Only loaded when {@code jdk.incubator.vector} is present.
 */
final class SimdKernels implements VectorKernels {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Bytes with as many lanes as {@link #SPECIES} (widened to floats one register at a time), or null. */
    private static final VectorSpecies<Byte> BYTES = byteSpecies();
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

    private static VectorSpecies<Byte> byteSpecies() {
        int bits = SPECIES.vectorBitSize() / 4;
        return bits >= 64 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(bits)) : null;
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

    // The six float kernels below differ only in where their operands live (native segment or heap array): each
    // has four independent accumulators (one would wait on the latency of every fused multiply-add), then folds
    // them and the lanes in the same order, so a score has the same bits whichever kernel computed it (a graph
    // search's exact rerank from a heap copy equals the flat index's score from the store).

    @Override
    public float dot(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dimension) {
        int lanes = SPECIES.length();
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        int i = 0;
        for (; i <= dimension - 4 * lanes; i += 4 * lanes) {
            acc0 = load(a, aOffset + 4L * i).fma(load(b, bOffset + 4L * i), acc0);
            acc1 = load(a, aOffset + 4L * (i + lanes)).fma(load(b, bOffset + 4L * (i + lanes)), acc1);
            acc2 = load(a, aOffset + 4L * (i + 2 * lanes)).fma(load(b, bOffset + 4L * (i + 2 * lanes)), acc2);
            acc3 = load(a, aOffset + 4L * (i + 3 * lanes)).fma(load(b, bOffset + 4L * (i + 3 * lanes)), acc3);
        }
        for (; i <= dimension - lanes; i += lanes) {
            acc0 = load(a, aOffset + 4L * i).fma(load(b, bOffset + 4L * i), acc0);
        }
        float sum = sum(acc0.add(acc1).add(acc2.add(acc3)));
        for (; i < dimension; i++) {
            sum += a.get(JAVA_FLOAT_UNALIGNED, aOffset + 4L * i) * b.get(JAVA_FLOAT_UNALIGNED, bOffset + 4L * i);
        }
        return sum;
    }

    @Override
    public float squaredDistance(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dimension) {
        int lanes = SPECIES.length();
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        int i = 0;
        for (; i <= dimension - 4 * lanes; i += 4 * lanes) {
            FloatVector d0 = load(a, aOffset + 4L * i).sub(load(b, bOffset + 4L * i));
            FloatVector d1 = load(a, aOffset + 4L * (i + lanes)).sub(load(b, bOffset + 4L * (i + lanes)));
            FloatVector d2 = load(a, aOffset + 4L * (i + 2 * lanes)).sub(load(b, bOffset + 4L * (i + 2 * lanes)));
            FloatVector d3 = load(a, aOffset + 4L * (i + 3 * lanes)).sub(load(b, bOffset + 4L * (i + 3 * lanes)));
            acc0 = d0.fma(d0, acc0);
            acc1 = d1.fma(d1, acc1);
            acc2 = d2.fma(d2, acc2);
            acc3 = d3.fma(d3, acc3);
        }
        for (; i <= dimension - lanes; i += lanes) {
            FloatVector d = load(a, aOffset + 4L * i).sub(load(b, bOffset + 4L * i));
            acc0 = d.fma(d, acc0);
        }
        float sum = sum(acc0.add(acc1).add(acc2.add(acc3)));
        for (; i < dimension; i++) {
            float d = a.get(JAVA_FLOAT_UNALIGNED, aOffset + 4L * i) - b.get(JAVA_FLOAT_UNALIGNED, bOffset + 4L * i);
            sum += d * d;
        }
        return sum;
    }

    @Override
    public float dot(MemorySegment a, long aOffset, float[] b, int dimension) {
        int lanes = SPECIES.length();
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        int i = 0;
        for (; i <= dimension - 4 * lanes; i += 4 * lanes) {
            acc0 = load(a, aOffset + 4L * i).fma(FloatVector.fromArray(SPECIES, b, i), acc0);
            acc1 = load(a, aOffset + 4L * (i + lanes)).fma(FloatVector.fromArray(SPECIES, b, i + lanes), acc1);
            acc2 = load(a, aOffset + 4L * (i + 2 * lanes)).fma(FloatVector.fromArray(SPECIES, b, i + 2 * lanes), acc2);
            acc3 = load(a, aOffset + 4L * (i + 3 * lanes)).fma(FloatVector.fromArray(SPECIES, b, i + 3 * lanes), acc3);
        }
        for (; i <= dimension - lanes; i += lanes) {
            acc0 = load(a, aOffset + 4L * i).fma(FloatVector.fromArray(SPECIES, b, i), acc0);
        }
        float sum = sum(acc0.add(acc1).add(acc2.add(acc3)));
        for (; i < dimension; i++) {
            sum += a.get(JAVA_FLOAT_UNALIGNED, aOffset + 4L * i) * b[i];
        }
        return sum;
    }

    @Override
    public float squaredDistance(MemorySegment a, long aOffset, float[] b, int dimension) {
        int lanes = SPECIES.length();
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        int i = 0;
        for (; i <= dimension - 4 * lanes; i += 4 * lanes) {
            FloatVector d0 = load(a, aOffset + 4L * i).sub(FloatVector.fromArray(SPECIES, b, i));
            FloatVector d1 = load(a, aOffset + 4L * (i + lanes)).sub(FloatVector.fromArray(SPECIES, b, i + lanes));
            FloatVector d2 =
                    load(a, aOffset + 4L * (i + 2 * lanes)).sub(FloatVector.fromArray(SPECIES, b, i + 2 * lanes));
            FloatVector d3 =
                    load(a, aOffset + 4L * (i + 3 * lanes)).sub(FloatVector.fromArray(SPECIES, b, i + 3 * lanes));
            acc0 = d0.fma(d0, acc0);
            acc1 = d1.fma(d1, acc1);
            acc2 = d2.fma(d2, acc2);
            acc3 = d3.fma(d3, acc3);
        }
        for (; i <= dimension - lanes; i += lanes) {
            FloatVector d = load(a, aOffset + 4L * i).sub(FloatVector.fromArray(SPECIES, b, i));
            acc0 = d.fma(d, acc0);
        }
        float sum = sum(acc0.add(acc1).add(acc2.add(acc3)));
        for (; i < dimension; i++) {
            float d = a.get(JAVA_FLOAT_UNALIGNED, aOffset + 4L * i) - b[i];
            sum += d * d;
        }
        return sum;
    }

    @Override
    public float dot(float[] a, float[] b, int dimension) {
        int lanes = SPECIES.length();
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        int i = 0;
        for (; i <= dimension - 4 * lanes; i += 4 * lanes) {
            acc0 = FloatVector.fromArray(SPECIES, a, i).fma(FloatVector.fromArray(SPECIES, b, i), acc0);
            acc1 = FloatVector.fromArray(SPECIES, a, i + lanes).fma(FloatVector.fromArray(SPECIES, b, i + lanes), acc1);
            acc2 = FloatVector.fromArray(SPECIES, a, i + 2 * lanes)
                    .fma(FloatVector.fromArray(SPECIES, b, i + 2 * lanes), acc2);
            acc3 = FloatVector.fromArray(SPECIES, a, i + 3 * lanes)
                    .fma(FloatVector.fromArray(SPECIES, b, i + 3 * lanes), acc3);
        }
        for (; i <= dimension - lanes; i += lanes) {
            acc0 = FloatVector.fromArray(SPECIES, a, i).fma(FloatVector.fromArray(SPECIES, b, i), acc0);
        }
        float sum = sum(acc0.add(acc1).add(acc2.add(acc3)));
        for (; i < dimension; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    @Override
    public float squaredDistance(float[] a, float[] b, int dimension) {
        int lanes = SPECIES.length();
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = acc0;
        FloatVector acc2 = acc0;
        FloatVector acc3 = acc0;
        int i = 0;
        for (; i <= dimension - 4 * lanes; i += 4 * lanes) {
            FloatVector d0 = FloatVector.fromArray(SPECIES, a, i).sub(FloatVector.fromArray(SPECIES, b, i));
            FloatVector d1 =
                    FloatVector.fromArray(SPECIES, a, i + lanes).sub(FloatVector.fromArray(SPECIES, b, i + lanes));
            FloatVector d2 = FloatVector.fromArray(SPECIES, a, i + 2 * lanes)
                    .sub(FloatVector.fromArray(SPECIES, b, i + 2 * lanes));
            FloatVector d3 = FloatVector.fromArray(SPECIES, a, i + 3 * lanes)
                    .sub(FloatVector.fromArray(SPECIES, b, i + 3 * lanes));
            acc0 = d0.fma(d0, acc0);
            acc1 = d1.fma(d1, acc1);
            acc2 = d2.fma(d2, acc2);
            acc3 = d3.fma(d3, acc3);
        }
        for (; i <= dimension - lanes; i += lanes) {
            FloatVector d = FloatVector.fromArray(SPECIES, a, i).sub(FloatVector.fromArray(SPECIES, b, i));
            acc0 = d.fma(d, acc0);
        }
        float sum = sum(acc0.add(acc1).add(acc2.add(acc3)));
        for (; i < dimension; i++) {
            float d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }

    private static FloatVector widen(MemorySegment bytes, long offset) {
        return (FloatVector)
                ByteVector.fromMemorySegment(BYTES, bytes, offset, ORDER).convertShape(VectorOperators.B2F, SPECIES, 0);
    }

    @Override
    public float dotBytes(MemorySegment a, long aOffset, float[] b, int dimension) {
        int i = 0;
        float sum = 0f;
        if (BYTES != null) {
            FloatVector acc = FloatVector.zero(SPECIES);
            for (; i <= dimension - SPECIES.length(); i += SPECIES.length()) {
                acc = widen(a, aOffset + i).fma(FloatVector.fromArray(SPECIES, b, i), acc);
            }
            sum = sum(acc);
        }
        for (; i < dimension; i++) {
            sum += a.get(JAVA_BYTE, aOffset + i) * b[i];
        }
        return sum;
    }

    @Override
    public void dotBytes4(
            MemorySegment a,
            long offset0,
            long offset1,
            long offset2,
            long offset3,
            float[] b,
            int dimension,
            float[] out,
            int at) {
        // The four rows' loads are interleaved, so that their cache misses overlap; each row keeps the operation
        // order of dotBytes, so a row's score has the same bits whichever way it is computed.
        if (BYTES == null) {
            out[at] = dotBytes(a, offset0, b, dimension);
            out[at + 1] = dotBytes(a, offset1, b, dimension);
            out[at + 2] = dotBytes(a, offset2, b, dimension);
            out[at + 3] = dotBytes(a, offset3, b, dimension);
            return;
        }
        FloatVector acc0 = FloatVector.zero(SPECIES);
        FloatVector acc1 = FloatVector.zero(SPECIES);
        FloatVector acc2 = FloatVector.zero(SPECIES);
        FloatVector acc3 = FloatVector.zero(SPECIES);
        int i = 0;
        for (; i <= dimension - SPECIES.length(); i += SPECIES.length()) {
            FloatVector query = FloatVector.fromArray(SPECIES, b, i);
            acc0 = widen(a, offset0 + i).fma(query, acc0);
            acc1 = widen(a, offset1 + i).fma(query, acc1);
            acc2 = widen(a, offset2 + i).fma(query, acc2);
            acc3 = widen(a, offset3 + i).fma(query, acc3);
        }
        float sum0 = sum(acc0);
        float sum1 = sum(acc1);
        float sum2 = sum(acc2);
        float sum3 = sum(acc3);
        for (; i < dimension; i++) {
            sum0 += a.get(JAVA_BYTE, offset0 + i) * b[i];
            sum1 += a.get(JAVA_BYTE, offset1 + i) * b[i];
            sum2 += a.get(JAVA_BYTE, offset2 + i) * b[i];
            sum3 += a.get(JAVA_BYTE, offset3 + i) * b[i];
        }
        out[at] = sum0;
        out[at + 1] = sum1;
        out[at + 2] = sum2;
        out[at + 3] = sum3;
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
