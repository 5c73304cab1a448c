package dev.sluice.core.memory;

import java.lang.foreign.MemorySegment;

/**
 * Dot product, squared Euclidean distance and cosine over float32 vectors in segments (native order; off-heap,
 * mapped, or heap arrays wrapped with {@link MemorySegment#ofArray(float[])}). SIMD through the Vector API when
 * {@code jdk.incubator.vector} is in the boot layer, scalar loops otherwise or with {@code -Dsluice.simd=false};
 * the choice is made once and logged.
 *
 * <p>Results are deterministic: SIMD lanes are summed in a fixed pairwise order (not {@code reduceLanes}, whose
 * order may differ between the interpreter and compiled code), so the same inputs give the same bits at every JIT
 * tier and in every run. The SIMD and scalar paths sum in different orders and may differ in the last bits.
 *
 * <p>Bounds are checked by the segments; callers check dimensions once. Allocation-free and thread-safe.
 */
public final class VectorMath {
    private static final VectorKernels KERNELS = choose();

    private VectorMath() {}

    private static VectorKernels choose() {
        System.Logger log = System.getLogger("dev.sluice.core.memory");
        if (!Boolean.parseBoolean(System.getProperty("sluice.simd", "true"))) {
            log.log(System.Logger.Level.INFO, "Sluice vector math: scalar (-Dsluice.simd=false)");
            return new ScalarKernels();
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            log.log(
                    System.Logger.Level.WARNING,
                    "Sluice vector math: scalar, because the Vector API is not enabled;"
                            + " add --add-modules jdk.incubator.vector to the JVM flags for SIMD");
            return new ScalarKernels();
        }
        VectorKernels simd = new SimdKernels();
        log.log(System.Logger.Level.DEBUG, "Sluice vector math: " + simd.name());
        return simd;
    }

    /** @return the implementation in use, such as {@code "simd(512-bit)"} or {@code "scalar"} */
    public static String implementation() {
        return KERNELS.name();
    }

    /**
     * @param a the first vector's segment
     * @param aOffset the first vector's byte offset in it
     * @param b the second vector's segment
     * @param bOffset the second vector's byte offset in it
     * @param dimension the number of floats
     * @return the dot product
     */
    public static float dot(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dimension) {
        return KERNELS.dot(a, aOffset, b, bOffset, dimension);
    }

    /**
     * @param a the first vector's segment
     * @param aOffset the first vector's byte offset in it
     * @param b the second vector's segment
     * @param bOffset the second vector's byte offset in it
     * @param dimension the number of floats
     * @return the squared Euclidean distance
     */
    public static float squaredDistance(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dimension) {
        return KERNELS.squaredDistance(a, aOffset, b, bOffset, dimension);
    }

    /**
     * @param a the vector's segment
     * @param aOffset the vector's byte offset in it
     * @param b a heap vector of at least {@code dimension} floats (a query)
     * @param dimension the number of floats
     * @return the dot product; allocation-free, unlike wrapping {@code b} in a segment
     */
    public static float dot(MemorySegment a, long aOffset, float[] b, int dimension) {
        return KERNELS.dot(a, aOffset, b, dimension);
    }

    /**
     * @param a the vector's segment
     * @param aOffset the vector's byte offset in it
     * @param b a heap vector of at least {@code dimension} floats (a query)
     * @param dimension the number of floats
     * @return the squared Euclidean distance
     */
    public static float squaredDistance(MemorySegment a, long aOffset, float[] b, int dimension) {
        return KERNELS.squaredDistance(a, aOffset, b, dimension);
    }

    /**
     * The fastest way to score many rows that lie scattered in memory: copy each row into one scratch array (a bulk
     * copy fetches all of its cache lines at once) and call this, which keeps several SIMD accumulators in flight.
     *
     * @param a a heap vector of at least {@code dimension} floats
     * @param b another
     * @param dimension the number of floats
     * @return the dot product
     */
    public static float dot(float[] a, float[] b, int dimension) {
        return KERNELS.dot(a, b, dimension);
    }

    /**
     * @param a a heap vector of at least {@code dimension} floats
     * @param b another
     * @param dimension the number of floats
     * @return the squared Euclidean distance; see {@link #dot(float[], float[], int)}
     */
    public static float squaredDistance(float[] a, float[] b, int dimension) {
        return KERNELS.squaredDistance(a, b, dimension);
    }

    /**
     * @param a signed bytes (quantised codes, one per component)
     * @param aOffset the first byte's offset in {@code a}
     * @param b a heap vector of at least {@code dimension} floats
     * @param dimension the number of components
     * @return the dot product of the bytes, as numbers from -128 to 127, with {@code b}
     */
    public static float dotBytes(MemorySegment a, long aOffset, float[] b, int dimension) {
        return KERNELS.dotBytes(a, aOffset, b, dimension);
    }

    /**
     * Four {@link #dotBytes} at once, faster than one by one when the rows lie scattered in memory (their loads
     * overlap). Each result has the same bits as {@code dotBytes} of that row.
     *
     * @param a the segment holding the four rows of signed bytes
     * @param offset0 the first row's offset in {@code a}
     * @param offset1 the second's
     * @param offset2 the third's
     * @param offset3 the fourth's
     * @param b a heap vector of at least {@code dimension} floats
     * @param dimension the number of components
     * @param out receives the four dot products
     * @param at where in {@code out} the first goes
     */
    public static void dotBytes4(
            MemorySegment a,
            long offset0,
            long offset1,
            long offset2,
            long offset3,
            float[] b,
            int dimension,
            float[] out,
            int at) {
        KERNELS.dotBytes4(a, offset0, offset1, offset2, offset3, b, dimension, out, at);
    }

    /**
     * Computes the dot product and both norms in one pass.
     *
     * @param a the first vector's segment
     * @param aOffset the first vector's byte offset in it
     * @param b the second vector's segment
     * @param bOffset the second vector's byte offset in it
     * @param dimension the number of floats
     * @return the cosine similarity; NaN, never an infinity, if either vector is zero or its float32 squared norm
     *     underflows (subnormal components, such as 1e-42) or overflows
     */
    public static float cosine(MemorySegment a, long aOffset, MemorySegment b, long bOffset, int dimension) {
        float cosine = KERNELS.cosine(a, aOffset, b, bOffset, dimension);
        return Float.isFinite(cosine) ? cosine : Float.NaN;
    }

    /**
     * The factor that scales a vector to unit length, {@code 1 / sqrt(squaredNorm)} as a float32, when there is a
     * usable one: the norm must be positive and finite, and the factor a finite normal float32, so that each
     * component times it is finite and keeps its precision. A vector of subnormal components (near 1e-42) has no
     * such factor (its inverse norm overflows to infinity), nor has a vector whose norm exceeds about 8.5e37.
     *
     * @param squaredNorm the vector's squared Euclidean norm, summed in double
     * @return the factor, or NaN when the vector cannot be scaled to a finite unit vector
     */
    public static float unitScale(double squaredNorm) {
        if (!(squaredNorm > 0) || squaredNorm == Double.POSITIVE_INFINITY) {
            return Float.NaN;
        }
        float scale = (float) (1 / Math.sqrt(squaredNorm));
        return Float.isFinite(scale) && scale >= Float.MIN_NORMAL ? scale : Float.NaN;
    }
}
