package dev.sluice.vector;

import dev.sluice.core.memory.VectorMath;
import java.lang.foreign.MemorySegment;

/**
 * How two vectors are compared. Every score is "higher is closer" and follows jvector's scale, so exact and
 * approximate scores can be mixed: cosine and dot product map to {@code (1 + x) / 2}, Euclidean to
 * {@code 1 / (1 + squaredDistance)}.
 *
 * <p>Scoring one pair reads both vectors once with SIMD kernels and allocates nothing. Thread-safe.
 */
public enum Similarity {
    /** Cosine of the angle; zero vectors are refused because they have no direction. */
    COSINE(0),
    /** Dot product; meant for vectors normalised to unit length (then it equals cosine, computed faster). */
    DOT_PRODUCT(1),
    /** Euclidean distance, turned into a similarity by {@code 1 / (1 + d^2)}. */
    EUCLIDEAN(2);

    private final int fileCode;

    Similarity(int fileCode) {
        this.fileCode = fileCode;
    }

    /** @return the code written in store files; stable across releases */
    public int fileCode() {
        return fileCode;
    }

    /**
     * @param code a code read from a store file
     * @return the similarity, or {@code null} when the code is unknown
     */
    public static Similarity ofFileCode(int code) {
        for (Similarity similarity : values()) {
            if (similarity.fileCode == code) {
                return similarity;
            }
        }
        return null;
    }

    /**
     * Scores two vectors held in segments (native-order float32).
     *
     * @param a the first segment
     * @param aOffsetBytes where the first vector starts
     * @param b the second segment
     * @param bOffsetBytes where the second vector starts
     * @param dimension the number of floats of each
     * @return the similarity, higher is closer
     */
    public float score(MemorySegment a, long aOffsetBytes, MemorySegment b, long bOffsetBytes, int dimension) {
        return switch (this) {
            case COSINE -> (1 + VectorMath.cosine(a, aOffsetBytes, b, bOffsetBytes, dimension)) / 2;
            case DOT_PRODUCT -> (1 + VectorMath.dot(a, aOffsetBytes, b, bOffsetBytes, dimension)) / 2;
            case EUCLIDEAN -> 1 / (1 + VectorMath.squaredDistance(a, aOffsetBytes, b, bOffsetBytes, dimension));
        };
    }
}
