package dev.sluice.vector;

import java.util.Arrays;

/**
 * The result of a search: rows and their similarity scores, best first (ties broken by the lower row). Fewer than
 * {@code k} when fewer rows pass the filter. Immutable; thread-safe.
 */
public final class Hits {
    private final int[] rows;
    private final float[] scores;

    /**
     * @param rows the rows, best first; the array is kept, not copied
     * @param scores their scores, same length
     */
    public Hits(int[] rows, float[] scores) {
        if (rows.length != scores.length) {
            throw new IllegalArgumentException(rows.length + " rows but " + scores.length + " scores");
        }
        this.rows = rows;
        this.scores = scores;
    }

    /** @return the number of hits */
    public int size() {
        return rows.length;
    }

    /**
     * @param rank from 0 (the best)
     * @return the row at that rank
     */
    public int row(int rank) {
        return rows[rank];
    }

    /**
     * @param rank from 0 (the best)
     * @return the score at that rank, higher is closer
     */
    public float score(int rank) {
        return scores[rank];
    }

    /** @return a copy of the rows, best first */
    public int[] rows() {
        return rows.clone();
    }

    /** @return a copy of the scores, best first */
    public float[] scores() {
        return scores.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hits other && Arrays.equals(rows, other.rows) && Arrays.equals(scores, other.scores);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(rows) + Arrays.hashCode(scores);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Hits[");
        for (int i = 0; i < rows.length; i++) {
            text.append(i == 0 ? "" : ", ").append(rows[i]).append('=').append(scores[i]);
        }
        return text.append(']').toString();
    }
}
