package dev.sluice.inference.gguf.internal;

import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.RandomAccess;

/**
 * The vocabulary, {@code tokenizer.ggml.tokens}, kept as one block of the file's bytes with an offset per token: a
 * token costs its bytes and four more, not a {@code String} object, and tokens compare by their bytes, as llama.cpp
 * compares them. {@link #get} decodes a token as UTF-8 (malformed bytes as U+FFFD). Unmodifiable and thread-safe.
 */
public final class TokenTable extends AbstractList<String> implements RandomAccess {
    private final byte[] text;
    private final int[] offsets;

    TokenTable(byte[] text, int[] offsets) {
        this.text = text;
        this.offsets = offsets;
    }

    @Override
    public String get(int index) {
        return new String(text, offsets[index], length(index), StandardCharsets.UTF_8);
    }

    @Override
    public int size() {
        return offsets.length - 1;
    }

    /**
     * @param id a token id
     * @return the token's length in bytes
     */
    public int length(int id) {
        return offsets[id + 1] - offsets[id];
    }

    /**
     * @param id a token id
     * @return the token's bytes
     */
    public byte[] bytes(int id) {
        return Arrays.copyOfRange(text, offsets[id], offsets[id + 1]);
    }

    /**
     * @param id a token id
     * @param bytes some bytes
     * @return whether the token is exactly these bytes
     */
    public boolean is(int id, byte[] bytes) {
        return Arrays.equals(text, offsets[id], offsets[id + 1], bytes, 0, bytes.length);
    }

    /**
     * Builds a lookup from token bytes to id, which llama.cpp's {@code token_to_id} map is. Costs two {@code int}s
     * per token; build it for a check and let it go.
     *
     * @return the index
     */
    public Index index() {
        return new Index();
    }

    /** An open-addressing hash table over the token ids, looked up by bytes. Not thread-safe. */
    public final class Index {
        private final int[] slots;
        private final int mask;
        private int duplicateFirst = -1;
        private int duplicateSecond = -1;

        private Index() {
            int n = size();
            int capacity = Integer.highestOneBit(Math.max(8, n)) << 2;
            slots = new int[capacity]; // id + 1; 0 is empty
            mask = capacity - 1;
            for (int id = 0; id < n; id++) {
                int length = length(id);
                if (length == 0) {
                    continue; // llama.cpp renames an empty token; see emptyTokenName
                }
                int found = insert(id, offsets[id], length);
                if (found >= 0 && duplicateFirst < 0) {
                    duplicateFirst = found;
                    duplicateSecond = id;
                }
            }
            for (int id = 0; id < n && duplicateFirst < 0; id++) {
                if (length(id) == 0) {
                    int found = find(emptyTokenName(id));
                    if (found >= 0) {
                        duplicateFirst = Math.min(found, id);
                        duplicateSecond = Math.max(found, id);
                    }
                }
            }
        }

        /**
         * @return the ids of the first two tokens llama.cpp would map to the same text (it asserts that none do), or
         *     null
         */
        public int[] duplicate() {
            return duplicateFirst < 0 ? null : new int[] {duplicateFirst, duplicateSecond};
        }

        /**
         * @param bytes a token's bytes
         * @return the id of the first token with exactly these bytes, or -1
         */
        public int find(byte[] bytes) {
            int slot = hash(bytes, 0, bytes.length) & mask;
            while (slots[slot] != 0) {
                int id = slots[slot] - 1;
                if (is(id, bytes)) {
                    return id;
                }
                slot = (slot + 1) & mask;
            }
            return -1;
        }

        private int insert(int id, int offset, int length) {
            int slot = hash(text, offset, length) & mask;
            while (slots[slot] != 0) {
                int other = slots[slot] - 1;
                if (Arrays.equals(text, offsets[other], offsets[other + 1], text, offset, offset + length)) {
                    return other;
                }
                slot = (slot + 1) & mask;
            }
            slots[slot] = id + 1;
            return -1;
        }
    }

    /**
     * @param id a token id
     * @return the text llama.cpp gives an empty token: {@code [EMPTY_id]}
     */
    public static byte[] emptyTokenName(int id) {
        return ("[EMPTY_" + id + "]").getBytes(StandardCharsets.US_ASCII);
    }

    private static int hash(byte[] bytes, int offset, int length) {
        int h = 0x9E3779B9 ^ length;
        for (int i = offset; i < offset + length; i++) {
            h = (h ^ bytes[i]) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }
}
