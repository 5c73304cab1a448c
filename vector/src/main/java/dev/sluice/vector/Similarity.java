package dev.sluice.vector;

import dev.sluice.core.memory.VectorMath;
import java.lang.foreign.MemorySegment;

/**
 * How two vectors are compared. Every score is "higher is closer" and follows jvector's scale, so exact and
 * approximate scores can be mixed: cosine and dot product map to {@code (1 + x) / 2}, Euclidean to
 * {@code 1 / (1 + squaredDistance)}.
 *
 * <p><b>Cosine is a dot product.</b> A {@link VectorStore} under {@link #COSINE} stores every vector scaled to unit
 * length, so the cosine of two stored vectors is their dot product, and the cosine of a query with a stored vector
 * is their dot product times the query's {@linkplain #queryScale inverse norm}, computed once per search. A score
 * reads each vector once with one fused multiply-add per component instead of three.
 *
 * <p>Scoring one pair reads both vectors once with SIMD kernels and allocates nothing. Thread-safe.
 */
public enum Similarity {
    /**
     * Cosine of the angle; zero vectors are refused because they have no direction. Stores keep vectors normalised
     * to unit length.
     */
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
     * Scores two vectors held in segments (native-order float32), computing the cosine in full.
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
            case DOT_PRODUCT, EUCLIDEAN -> scoreStored(a, aOffsetBytes, b, bOffsetBytes, dimension, 1);
        };
    }

    /**
     * Scores a vector as a store holds it (unit length under cosine) against another vector scaled by
     * {@code otherScale}: the {@link #queryScale} of a query, or 1 for another stored vector.
     *
     * @param stored the stored vector's segment
     * @param storedOffsetBytes where it starts
     * @param other the other vector's segment
     * @param otherOffsetBytes where it starts
     * @param dimension the number of floats of each
     * @param otherScale the other vector's scale (only used under cosine)
     * @return the similarity, higher is closer
     */
    public float scoreStored(
            MemorySegment stored,
            long storedOffsetBytes,
            MemorySegment other,
            long otherOffsetBytes,
            int dimension,
            float otherScale) {
        return switch (this) {
            case COSINE ->
                (1 + otherScale * VectorMath.dot(stored, storedOffsetBytes, other, otherOffsetBytes, dimension)) / 2;
            case DOT_PRODUCT -> (1 + VectorMath.dot(stored, storedOffsetBytes, other, otherOffsetBytes, dimension)) / 2;
            case EUCLIDEAN ->
                1 / (1 + VectorMath.squaredDistance(stored, storedOffsetBytes, other, otherOffsetBytes, dimension));
        };
    }

    /**
     * @param squaredNorm a vector's squared Euclidean norm, positive under cosine
     * @return what the vector is multiplied by to be compared with stored vectors: its inverse norm under cosine
     *     ({@link VectorMath#unitScale}, NaN for a vector that cannot be scaled to unit length, which stores
     *     refuse), 1 otherwise
     */
    public float queryScale(double squaredNorm) {
        return this == COSINE ? VectorMath.unitScale(squaredNorm) : 1;
    }
}
