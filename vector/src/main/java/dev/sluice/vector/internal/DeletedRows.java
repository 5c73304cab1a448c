package dev.sluice.vector.internal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A growable bit set of deleted rows: one writer at a time (the store's lock), lock-free readers. Growing copies
 * the words (one bit per row, so 1/32 of a float's memory per row), never the vectors.
 */
public final class DeletedRows {
    private volatile AtomicLongArray words;

    /** @param rowCapacity the rows to make room for */
    public DeletedRows(int rowCapacity) {
        words = new AtomicLongArray(StoreFileLayout.deletedWords(Math.max(rowCapacity, 64)));
    }

    /** @return whether the row is marked deleted */
    public boolean get(int row) {
        AtomicLongArray current = words;
        int word = row >>> 6;
        return word < current.length() && (current.get(word) & (1L << row)) != 0;
    }

    /** Marks a row deleted; called under the store's write lock. */
    public void set(int row) {
        int word = row >>> 6;
        AtomicLongArray current = words;
        if (word >= current.length()) {
            AtomicLongArray grown = new AtomicLongArray(Math.max(word + 1, current.length() * 2));
            for (int i = 0; i < current.length(); i++) {
                grown.set(i, current.get(i));
            }
            words = grown;
            current = grown;
        }
        current.set(word, current.get(word) | (1L << row));
    }

    /**
     * @param index a word index
     * @return the 64 bits of rows {@code 64 * index} to {@code 64 * index + 63}, zero past the end
     */
    public long word(int index) {
        AtomicLongArray current = words;
        return index < current.length() ? current.get(index) : 0;
    }
}
