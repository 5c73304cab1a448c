package dev.sluice.vector.internal;

import dev.sluice.vector.Hits;

/**
 * The k best (row, score) pairs seen so far: a bounded min-heap on score (ties: the higher row is worse), so a
 * candidate costs O(1) when it loses and O(log k) when it enters.
 */
public final class TopK {
    private final int[] rows;
    private final float[] scores;
    private int size;

    /** @param k the capacity, at least 1 */
    public TopK(int k) {
        rows = new int[k];
        scores = new float[k];
    }

    /** @return the score a candidate must beat once full, or negative infinity */
    public float threshold() {
        return size == rows.length ? scores[0] : Float.NEGATIVE_INFINITY;
    }

    /** Offers a candidate. */
    public void offer(int row, float score) {
        if (size < rows.length) {
            rows[size] = row;
            scores[size] = score;
            siftUp(size++);
        } else if (worse(rows[0], scores[0], row, score)) {
            rows[0] = row;
            scores[0] = score;
            siftDown(0);
        }
    }

    /** @return the kept pairs, best first; empties this */
    public Hits drain() {
        int count = size;
        int[] sortedRows = new int[count];
        float[] sortedScores = new float[count];
        for (int i = count - 1; i >= 0; i--) {
            sortedRows[i] = rows[0];
            sortedScores[i] = scores[0];
            size--;
            rows[0] = rows[size];
            scores[0] = scores[size];
            siftDown(0);
        }
        return new Hits(sortedRows, sortedScores);
    }

    /** @return whether (rowA, scoreA) ranks below (rowB, scoreB) */
    private static boolean worse(int rowA, float scoreA, int rowB, float scoreB) {
        return scoreA < scoreB || (scoreA == scoreB && rowA > rowB);
    }

    private void siftUp(int index) {
        while (index > 0) {
            int parent = (index - 1) >>> 1;
            if (!worse(rows[index], scores[index], rows[parent], scores[parent])) {
                return;
            }
            swap(index, parent);
            index = parent;
        }
    }

    private void siftDown(int index) {
        while (true) {
            int child = 2 * index + 1;
            if (child >= size) {
                return;
            }
            if (child + 1 < size && worse(rows[child + 1], scores[child + 1], rows[child], scores[child])) {
                child++;
            }
            if (!worse(rows[child], scores[child], rows[index], scores[index])) {
                return;
            }
            swap(index, child);
            index = child;
        }
    }

    private void swap(int a, int b) {
        int row = rows[a];
        rows[a] = rows[b];
        rows[b] = row;
        float score = scores[a];
        scores[a] = scores[b];
        scores[b] = score;
    }
}
