package dev.sluice.core.hash;

import dev.sluice.core.BadInputException;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A 32-byte SHA-256 result held as four words, so that equality and hashing need no array. The shared base of
 * {@link ContentHash} and {@link CacheKey}; values of different subclasses are never equal.
 */
abstract sealed class Sha256Value permits ContentHash, CacheKey {
    private static final HexFormat HEX = HexFormat.of();

    final long w0;
    final long w1;
    final long w2;
    final long w3;

    Sha256Value(long w0, long w1, long w2, long w3) {
        this.w0 = w0;
        this.w1 = w1;
        this.w2 = w2;
        this.w3 = w3;
    }

    /** @return the 64 lower-case hex digits, as used in span attributes and the evidence store */
    public final String hex() {
        return HEX.toHexDigits(w0) + HEX.toHexDigits(w1) + HEX.toHexDigits(w2) + HEX.toHexDigits(w3);
    }

    /** @return the 32 bytes, big-endian, in a new array */
    public final byte[] toBytes() {
        byte[] bytes = new byte[Sha256.LENGTH_BYTES];
        long[] words = {w0, w1, w2, w3};
        for (int i = 0; i < 32; i++) {
            bytes[i] = (byte) (words[i >> 3] >>> (56 - 8 * (i & 7)));
        }
        return bytes;
    }

    /**
     * Writes the 32 bytes, big-endian, without allocating.
     *
     * @param buffer the destination
     * @param offset the first byte written
     */
    public final void writeTo(MutableDirectBuffer buffer, int offset) {
        buffer.putLong(offset, w0, ByteOrder.BIG_ENDIAN);
        buffer.putLong(offset + 8, w1, ByteOrder.BIG_ENDIAN);
        buffer.putLong(offset + 16, w2, ByteOrder.BIG_ENDIAN);
        buffer.putLong(offset + 24, w3, ByteOrder.BIG_ENDIAN);
    }

    static long word(DirectBuffer buffer, int offset, int i) {
        return buffer.getLong(offset + 8 * i, ByteOrder.BIG_ENDIAN);
    }

    static long[] parseHex(String hex, String what) {
        if (hex == null || hex.length() != 64) {
            throw new BadInputException(
                    what + " must be 64 hex digits, got " + (hex == null ? "null" : hex.length() + " characters"));
        }
        for (int i = 0; i < 64; i++) {
            if (!HexFormat.isHexDigit(hex.charAt(i))) {
                throw new BadInputException(what + " has a non-hex character '" + hex.charAt(i) + "' at index " + i);
            }
        }
        long[] words = new long[4];
        for (int i = 0; i < 4; i++) {
            words[i] = HexFormat.fromHexDigitsToLong(hex, 16 * i, 16 * i + 16);
        }
        return words;
    }

    @Override
    public final boolean equals(Object o) {
        return o instanceof Sha256Value other
                && other.getClass() == getClass()
                && w0 == other.w0
                && w1 == other.w1
                && w2 == other.w2
                && w3 == other.w3;
    }

    @Override
    public final int hashCode() {
        return (int) w0;
    }

    @Override
    public final String toString() {
        return hex();
    }
}
