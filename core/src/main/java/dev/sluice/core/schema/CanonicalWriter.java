package dev.sluice.core.schema;

import static dev.sluice.core.schema.CanonicalFormat.BYTE_ORDER;

import dev.sluice.core.BadInputException;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Writes canonical values into a {@link MutableDirectBuffer} from a position that moves forward. An expandable
 * buffer grows as needed; a fixed one that is too small fails with {@link BadInputException} before any byte
 * beyond its capacity is touched.
 *
 * <p>Allocates nothing (strings are encoded to UTF-8 in place). Not thread-safe: one writer per thread, reused
 * with {@link #wrap}.
 */
public final class CanonicalWriter {
    private MutableDirectBuffer buffer;
    private int position;
    private int depth;

    /** A writer that must be {@linkplain #wrap wrapped} around a buffer before use. */
    public CanonicalWriter() {}

    /**
     * @param buffer where to write
     * @param offset the first byte to write
     */
    public CanonicalWriter(MutableDirectBuffer buffer, int offset) {
        wrap(buffer, offset);
    }

    /**
     * Points this writer at a buffer.
     *
     * @param buffer where to write
     * @param offset the first byte to write
     * @return this writer
     */
    public CanonicalWriter wrap(MutableDirectBuffer buffer, int offset) {
        if (offset < 0 || offset > buffer.capacity()) {
            throw new BadInputException("offset " + offset + " is outside the buffer's capacity " + buffer.capacity());
        }
        this.buffer = buffer;
        this.position = offset;
        this.depth = 0;
        return this;
    }

    /** @return how many lists, maps, optionals and records enclose the next value written */
    int depth() {
        return depth;
    }

    /**
     * Starts at a depth other than 0: a map key encoded apart from its map counts the levels that enclose the map.
     *
     * @param enclosing the levels that enclose the values this writer writes
     * @return this writer
     */
    CanonicalWriter atDepth(int enclosing) {
        this.depth = enclosing;
        return this;
    }

    /**
     * Enters a list, map, optional or record.
     *
     * @param what the type entered, for the message
     * @throws BadInputException if that nests deeper than {@link CanonicalFormat#MAX_NESTING_DEPTH}
     */
    void enter(String what) {
        if (depth >= CanonicalFormat.MAX_NESTING_DEPTH) {
            throw new BadInputException("value nests deeper than " + CanonicalFormat.MAX_NESTING_DEPTH
                    + " levels (a " + what + " at depth " + (depth + 1) + "; lists, maps, optionals and records"
                    + " count one level each); canonical encoding refuses it");
        }
        depth++;
    }

    /** Leaves what {@link #enter} entered. */
    void exit() {
        depth--;
    }

    /** @return the index of the next byte to be written */
    public int position() {
        return position;
    }

    /** @return the buffer written to */
    public MutableDirectBuffer buffer() {
        return buffer;
    }

    /**
     * @param tag a tag from {@link CanonicalFormat}
     */
    public void writeTag(byte tag) {
        ensure(1);
        buffer.putByte(position++, tag);
    }

    /** @param value written as one byte, 0 or 1 */
    public void writeBooleanBody(boolean value) {
        ensure(1);
        buffer.putByte(position++, value ? (byte) 1 : (byte) 0);
    }

    /** @param value written as four big-endian bytes */
    public void writeIntBody(int value) {
        ensure(4);
        buffer.putInt(position, value, BYTE_ORDER);
        position += 4;
    }

    /** @param value written as eight big-endian bytes */
    public void writeLongBody(long value) {
        ensure(8);
        buffer.putLong(position, value, BYTE_ORDER);
        position += 8;
    }

    /** @param value written as its IEEE bits, NaN canonicalised */
    public void writeFloatBody(float value) {
        writeIntBody(Float.floatToIntBits(value));
    }

    /** @param value written as its IEEE bits, NaN canonicalised */
    public void writeDoubleBody(double value) {
        writeLongBody(Double.doubleToLongBits(value));
    }

    /**
     * Writes a four-byte count; counts are never negative.
     *
     * @param count a length or element count
     */
    public void writeCount(int count) {
        writeIntBody(count);
    }

    /**
     * Writes a string body: its UTF-8 byte count, then the bytes.
     *
     * @param value the string; an unpaired surrogate is refused because it has no UTF-8 form
     * @throws BadInputException if the string has an unpaired surrogate
     */
    public void writeStringBody(CharSequence value) {
        int lengthAt = position;
        writeCount(0);
        int start = position;
        int length = value.length();
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                ensure(1);
                buffer.putByte(position++, (byte) c);
            } else if (c < 0x800) {
                ensure(2);
                buffer.putByte(position++, (byte) (0xC0 | (c >> 6)));
                buffer.putByte(position++, (byte) (0x80 | (c & 0x3F)));
            } else if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c)
                        || i + 1 >= length
                        || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    throw new BadInputException("string has an unpaired surrogate at index " + i
                            + "; only well-formed UTF-16 can be encoded canonically");
                }
                int codePoint = Character.toCodePoint(c, value.charAt(++i));
                ensure(4);
                buffer.putByte(position++, (byte) (0xF0 | (codePoint >> 18)));
                buffer.putByte(position++, (byte) (0x80 | ((codePoint >> 12) & 0x3F)));
                buffer.putByte(position++, (byte) (0x80 | ((codePoint >> 6) & 0x3F)));
                buffer.putByte(position++, (byte) (0x80 | (codePoint & 0x3F)));
            } else {
                ensure(3);
                buffer.putByte(position++, (byte) (0xE0 | (c >> 12)));
                buffer.putByte(position++, (byte) (0x80 | ((c >> 6) & 0x3F)));
                buffer.putByte(position++, (byte) (0x80 | (c & 0x3F)));
            }
        }
        buffer.putInt(lengthAt, position - start, BYTE_ORDER);
    }

    /**
     * Writes a byte-array body: the count, then the bytes.
     *
     * @param bytes the bytes
     * @param offset the first byte
     * @param length how many bytes
     */
    public void writeBytesBody(byte[] bytes, int offset, int length) {
        writeCount(length);
        ensure(length);
        buffer.putBytes(position, bytes, offset, length);
        position += length;
    }

    /**
     * Writes a byte-array body from another buffer: the count, then the bytes.
     *
     * @param source the buffer holding the bytes
     * @param offset the first byte
     * @param length how many bytes
     */
    public void writeBytesBody(DirectBuffer source, int offset, int length) {
        writeCount(length);
        ensure(length);
        buffer.putBytes(position, source, offset, length);
        position += length;
    }

    /**
     * Writes a float-vector body: the element count, then each element's canonical bits.
     *
     * @param vector the elements
     */
    public void writeFloatVectorBody(float[] vector) {
        writeCount(vector.length);
        ensure(vector.length * 4L);
        for (float v : vector) {
            buffer.putInt(position, Float.floatToIntBits(v), BYTE_ORDER);
            position += 4;
        }
    }

    /**
     * Copies bytes that are already canonical (for example a map key encoded earlier) without a count.
     *
     * @param bytes canonical bytes
     */
    void writeRaw(byte[] bytes) {
        ensure(bytes.length);
        buffer.putBytes(position, bytes);
        position += bytes.length;
    }

    private void ensure(long bytes) {
        long limit = position + bytes;
        if (limit > Integer.MAX_VALUE) {
            throw new BadInputException("canonical encoding would exceed " + Integer.MAX_VALUE + " bytes");
        }
        if (limit > buffer.capacity() && !buffer.isExpandable()) {
            throw new BadInputException("encoding needs " + limit + " bytes but the buffer holds " + buffer.capacity()
                    + "; give a larger or an expandable buffer");
        }
        buffer.checkLimit((int) limit);
    }
}
