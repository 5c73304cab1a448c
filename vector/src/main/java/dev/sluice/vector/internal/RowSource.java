package dev.sluice.vector.internal;

import dev.sluice.vector.Similarity;
import java.lang.foreign.MemorySegment;

/**
 * Where the vector of a row lives: a segment and a byte offset in it. Implemented by the store for its indexes, so
 * that exact scoring reads the store's memory (owned chunks or the mapped file) in place. Reads are thread-safe
 * and allocation-free.
 */
public interface RowSource {
    /** @return the floats per vector */
    int dimension();

    /** @return how vectors are compared */
    Similarity similarity();

    /** @return the number of rows visible now (deleted ones included) */
    int rows();

    /**
     * @param row a row below {@link #rows()}
     * @return the segment holding the row's vector
     */
    MemorySegment segment(int row);

    /**
     * @param row a row below {@link #rows()}
     * @return the byte offset of the row's vector in {@link #segment(int)}
     */
    long offset(int row);

    /**
     * @param row a row below {@link #rows()}
     * @return whether the row was deleted
     */
    boolean isDeleted(int row);

    /**
     * Scores a row against a vector held in a segment.
     *
     * @param row the row
     * @param other the other vector's segment
     * @param otherOffset its offset in bytes
     * @param otherScale the other vector's {@linkplain Similarity#queryScale scale}: 1 for a stored vector
     * @return the similarity, higher is closer
     */
    default float score(int row, MemorySegment other, long otherOffset, float otherScale) {
        return similarity().scoreStored(segment(row), offset(row), other, otherOffset, dimension(), otherScale);
    }
}
