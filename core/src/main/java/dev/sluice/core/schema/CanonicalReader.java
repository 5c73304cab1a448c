package dev.sluice.core.schema;

import static dev.sluice.core.schema.CanonicalFormat.BYTE_ORDER;

import dev.sluice.core.CorruptDataException;
import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;

/**
 * Reads canonical values from a region of a {@link DirectBuffer}, checking every length against the bytes that
 * remain before it allocates or reads, and every form against its canonical one (tags, 0/1 booleans, NaN bits,
 * strict UTF-8). Anything else is a {@link CorruptDataException} that names the offset: hostile bytes cannot
 * make it allocate more than the region holds or read outside it.
 *
 * <p>Not thread-safe; reusable with {@link #wrap}.
 */
public final class CanonicalReader {
    private DirectBuffer buffer;
    private int position;
    private int limit;
    private int depth;

    /** A reader that must be {@linkplain #wrap wrapped} around a region before use. */
    public CanonicalReader() {}

    /**
     * @param buffer the buffer holding the region
     * @param offset the region's first byte
     * @param length the region's length in bytes
     */
    public CanonicalReader(DirectBuffer buffer, int offset, int length) {
        wrap(buffer, offset, length);
    }

    /**
     * Points this reader at a region.
     *
     * @param buffer the buffer holding the region
     * @param offset the region's first byte
     * @param length the region's length in bytes
     * @return this reader
     */
    public CanonicalReader wrap(DirectBuffer buffer, int offset, int length) {
        if (offset < 0 || length < 0 || (long) offset + length > buffer.capacity()) {
            throw new CorruptDataException("region [" + offset + ", " + ((long) offset + length)
                    + ") lies outside the buffer's capacity " + buffer.capacity());
        }
        this.buffer = buffer;
        this.position = offset;
        this.limit = offset + length;
        this.depth = 0;
        return this;
    }

    /**
     * Enters a list, map, optional or record whose tag has just been read.
     *
     * @param what the type entered, for the message
     * @throws CorruptDataException if that nests deeper than {@link CanonicalFormat#MAX_NESTING_DEPTH}
     */
    void enter(String what) {
        if (depth >= CanonicalFormat.MAX_NESTING_DEPTH) {
            throw new CorruptDataException("the " + what + " at offset " + (position - 1) + " nests deeper than "
                    + CanonicalFormat.MAX_NESTING_DEPTH + " levels (depth " + (depth + 1) + "; lists, maps, optionals"
                    + " and records count one level each); canonical values never do");
        }
        depth++;
    }

    /** Leaves what {@link #enter} entered. */
    void exit() {
        depth--;
    }

    /** @return the index of the next byte to be read */
    public int position() {
        return position;
    }

    /** @return how many bytes of the region are left */
    public int remaining() {
        return limit - position;
    }

    /**
     * Reads a tag and checks it is the expected one.
     *
     * @param expected the tag the schema requires
     */
    public void expectTag(byte expected) {
        int at = position;
        byte found = readByte();
        if (found != expected) {
            throw new CorruptDataException("expected a " + CanonicalFormat.tagName(expected) + " tag at offset " + at
                    + " but found " + CanonicalFormat.tagName(found));
        }
    }

    /** @return a boolean body; only 0 and 1 are canonical */
    public boolean readBooleanBody() {
        int at = position;
        byte b = readByte();
        if (b != 0 && b != 1) {
            throw new CorruptDataException("boolean at offset " + at + " is " + b + "; only 0 and 1 are canonical");
        }
        return b == 1;
    }

    /** @return an int body */
    public int readIntBody() {
        need(4);
        int v = buffer.getInt(position, BYTE_ORDER);
        position += 4;
        return v;
    }

    /** @return a long body */
    public long readLongBody() {
        need(8);
        long v = buffer.getLong(position, BYTE_ORDER);
        position += 8;
        return v;
    }

    /** @return a float body; a NaN in any but the canonical form is refused */
    public float readFloatBody() {
        int at = position;
        int bits = readIntBody();
        return checkedFloat(bits, at);
    }

    /** @return a double body; a NaN in any but the canonical form is refused */
    public double readDoubleBody() {
        int at = position;
        long bits = readLongBody();
        double v = Double.longBitsToDouble(bits);
        if (Double.isNaN(v) && bits != CanonicalFormat.CANONICAL_DOUBLE_NAN_BITS) {
            throw new CorruptDataException("double at offset " + at + " is a non-canonical NaN");
        }
        return v;
    }

    /**
     * Reads a count and checks that at least {@code count * minBytesEach} bytes remain for what it counts.
     *
     * @param minBytesEach the least number of bytes each counted item takes
     * @return the count
     */
    public int readCount(int minBytesEach) {
        int at = position;
        int count = readIntBody();
        if (count < 0 || (long) count * minBytesEach > remaining()) {
            throw new CorruptDataException("count " + Integer.toUnsignedString(count) + " at offset " + at
                    + " needs at least " + Integer.toUnsignedLong(count) * minBytesEach + " bytes but only "
                    + remaining() + " remain");
        }
        return count;
    }

    /** @return a string body, decoded as strict UTF-8 (validated in place, decoded without a copy when it can) */
    public String readStringBody() {
        int length = readCount(1);
        int start = position;
        int invalidAt = firstInvalidUtf8(start, start + length);
        if (invalidAt >= 0) {
            throw new CorruptDataException(
                    "string at offset " + (start - 4) + " is not valid UTF-8 (byte " + (invalidAt - start) + ")");
        }
        position += length;
        byte[] array = buffer.byteArray();
        if (array != null) {
            return new String(array, buffer.wrapAdjustment() + start, length, StandardCharsets.UTF_8);
        }
        byte[] bytes = new byte[length];
        buffer.getBytes(start, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Checks well-formed UTF-8 as Unicode defines it: no overlong forms, no surrogates, nothing above U+10FFFF, no
     * truncated sequence. Java's decoder would replace such bytes silently; canonical decoding refuses them.
     *
     * @return the index of the first byte of the first ill-formed sequence, or -1
     */
    private int firstInvalidUtf8(int from, int to) {
        int i = from;
        while (i < to) {
            int b0 = buffer.getByte(i) & 0xFF;
            if (b0 < 0x80) {
                i++;
                continue;
            }
            int need;
            int min;
            if (b0 >= 0xC2 && b0 <= 0xDF) {
                need = 1;
                min = 0x80;
            } else if (b0 >= 0xE0 && b0 <= 0xEF) {
                need = 2;
                min = 0x800;
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                need = 3;
                min = 0x10000;
            } else {
                return i;
            }
            if (i + need >= to) {
                return i; // truncated sequence
            }
            int codePoint = b0 & (0x3F >> need);
            for (int k = 1; k <= need; k++) {
                int b = buffer.getByte(i + k) & 0xFF;
                if ((b & 0xC0) != 0x80) {
                    return i;
                }
                codePoint = (codePoint << 6) | (b & 0x3F);
            }
            if (codePoint < min || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF)) {
                return i;
            }
            i += need + 1;
        }
        return -1;
    }

    /** @return a byte-array body */
    public byte[] readBytesBody() {
        int length = readCount(1);
        byte[] bytes = new byte[length];
        buffer.getBytes(position, bytes);
        position += length;
        return bytes;
    }

    /** @return a float-vector body */
    public float[] readFloatVectorBody() {
        int count = readCount(4);
        float[] vector = new float[count];
        for (int i = 0; i < count; i++) {
            int at = position;
            int bits = buffer.getInt(position, BYTE_ORDER);
            position += 4;
            vector[i] = checkedFloat(bits, at);
        }
        return vector;
    }

    /**
     * Checks that the region has been read to its end: canonical bytes have no trailing garbage.
     */
    public void expectEnd() {
        if (position != limit) {
            throw new CorruptDataException(
                    (limit - position) + " unexpected bytes after the value, at offset " + position);
        }
    }

    /**
     * Copies the bytes between two positions already read, for canonical-order checks.
     *
     * @param from the first position
     * @return the bytes from {@code from} to the current position
     */
    byte[] bytesSince(int from) {
        byte[] bytes = new byte[position - from];
        buffer.getBytes(from, bytes);
        return bytes;
    }

    private byte readByte() {
        need(1);
        return buffer.getByte(position++);
    }

    private void need(int bytes) {
        if (remaining() < bytes) {
            throw new CorruptDataException("truncated: " + bytes + " bytes needed at offset " + position + " but only "
                    + remaining() + " remain");
        }
    }

    private static float checkedFloat(int bits, int at) {
        float v = Float.intBitsToFloat(bits);
        if (Float.isNaN(v) && bits != CanonicalFormat.CANONICAL_FLOAT_NAN_BITS) {
            throw new CorruptDataException("float at offset " + at + " is a non-canonical NaN");
        }
        return v;
    }
}
