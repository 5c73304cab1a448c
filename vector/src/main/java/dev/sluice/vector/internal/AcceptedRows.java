package dev.sluice.vector.internal;

import io.github.jbellis.jvector.util.Bits;

/**
 * The rows a search may return, materialised once per filtered search: live rows below a bound that the filter
 * accepts, as a bit set (one bit per row) with its cardinality. Serves as jvector's {@link Bits} for graph search.
 */
public final class AcceptedRows implements Bits {
    private final long[] words;
    private int count;

    /** @param rows the number of rows covered */
    public AcceptedRows(int rows) {
        words = new long[StoreFileLayout.deletedWords(rows)];
    }

    /** Marks a row accepted. */
    public void accept(int row) {
        words[row >>> 6] |= 1L << row;
        count++;
    }

    @Override
    public boolean get(int row) {
        int word = row >>> 6;
        return word < words.length && (words[word] & (1L << row)) != 0;
    }

    /** @return how many rows are accepted */
    public int count() {
        return count;
    }

    /**
     * @param from a row
     * @return the first accepted row at or after {@code from}, or -1
     */
    public int nextAccepted(int from) {
        int word = from >>> 6;
        if (word >= words.length) {
            return -1;
        }
        long bits = words[word] & (-1L << from);
        while (bits == 0) {
            if (++word == words.length) {
                return -1;
            }
            bits = words[word];
        }
        return (word << 6) + Long.numberOfTrailingZeros(bits);
    }
}
