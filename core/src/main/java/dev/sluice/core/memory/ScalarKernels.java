package dev.sluice.core.memory;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import java.lang.foreign.MemorySegment;

/** Plain loops: the fallback without the Vector API and the reference the SIMD kernels are tested against. */
final class ScalarKernels implements VectorKernels {
    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public float dot(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dimension) {
        float sum = 0f;
        for (int i = 0; i < dimension; i++) {
            sum += a.get(JAVA_FLOAT_UNALIGNED, aOffset + 4L * i) * b.get(JAVA_FLOAT_UNALIGNED, bOffset + 4L * i);
        }
        return sum;
    }

    @Override
    public float squaredDistance(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dimension) {
        float sum = 0f;
        for (int i = 0; i < dimension; i++) {
            float d = a.get(JAVA_FLOAT_UNALIGNED, aOffset + 4L * i) - b.get(JAVA_FLOAT_UNALIGNED, bOffset + 4L * i);
            sum += d * d;
        }
        return sum;
    }

    @Override
    public float dot(MemorySegment a, long aOffset, float[] b, int dimension) {
        float sum = 0f;
        for (int i = 0; i < dimension; i++) {
            sum += a.get(JAVA_FLOAT_UNALIGNED, aOffset + 4L * i) * b[i];
        }
        return sum;
    }

    @Override
    public float squaredDistance(MemorySegment a, long aOffset, float[] b, int dimension) {
        float sum = 0f;
        for (int i = 0; i < dimension; i++) {
            float d = a.get(JAVA_FLOAT_UNALIGNED, aOffset + 4L * i) - b[i];
            sum += d * d;
        }
        return sum;
    }

    @Override
    public float dot(float[] a, float[] b, int dimension) {
        return dot(MemorySegment.ofArray(a), 0, b, dimension);
    }

    @Override
    public float squaredDistance(float[] a, float[] b, int dimension) {
        return squaredDistance(MemorySegment.ofArray(a), 0, b, dimension);
    }

    @Override
    public float dotBytes(MemorySegment a, long aOffset, float[] b, int dimension) {
        float sum = 0f;
        for (int i = 0; i < dimension; i++) {
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
        out[at] = dotBytes(a, offset0, b, dimension);
        out[at + 1] = dotBytes(a, offset1, b, dimension);
        out[at + 2] = dotBytes(a, offset2, b, dimension);
        out[at + 3] = dotBytes(a, offset3, b, dimension);
    }

    @Override
    public float cosine(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dimension) {
        float dot = 0f;
        float aa = 0f;
        float bb = 0f;
        for (int i = 0; i < dimension; i++) {
            float x = a.get(JAVA_FLOAT_UNALIGNED, aOffset + 4L * i);
            float y = b.get(JAVA_FLOAT_UNALIGNED, bOffset + 4L * i);
            dot += x * y;
            aa += x * x;
            bb += y * y;
        }
        return (float) (dot / Math.sqrt((double) aa * bb));
    }
}
