package dev.sluice.core.schema;

import dev.sluice.core.BadInputException;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The data contract of one type: its canonical codec and its version. The same bytes serve for transport on a
 * pipeline edge, for hashing into cache keys and for the journal, so two different values never share an encoding
 * and decoding gives back an equal value. Instances come from {@link Schemas}; they are immutable and thread-safe.
 *
 * <p>The version names the contract, not the bytes: it travels in envelope headers and cache keys so that a
 * changed contract never matches an old one. Change it when the meaning of a type changes.
 *
 * @param <T> the Java type encoded
 */
public abstract class Schema<T> {
    private final String typeName;
    private final int version;

    Schema(String typeName, int version) {
        if (version < 1) {
            throw new BadInputException("schema version must be at least 1, got " + version);
        }
        this.typeName = typeName;
        this.version = version;
    }

    /** @return a readable name of the encoded type, such as {@code list<string>} */
    public final String typeName() {
        return typeName;
    }

    /** @return the version of this contract, at least 1 */
    public final int version() {
        return version;
    }

    /**
     * @param newVersion the version of the returned contract
     * @return the same codec under another version
     */
    public final Schema<T> withVersion(int newVersion) {
        Schema<T> self = this;
        return new Schema<>(typeName, newVersion) {
            @Override
            void write(T value, CanonicalWriter out) {
                self.write(value, out);
            }

            @Override
            T read(CanonicalReader in) {
                return self.read(in);
            }
        };
    }

    /**
     * Encodes a value into a new array.
     *
     * @param value the value, not null (absent values are {@code Optional})
     * @return its canonical bytes
     * @throws BadInputException if the value holds a null or a string that is not well-formed UTF-16, or nests
     *     deeper than {@link CanonicalFormat#MAX_NESTING_DEPTH}
     */
    public final byte[] encode(T value) {
        ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(64);
        int length = encode(value, scratch, 0);
        byte[] bytes = new byte[length];
        scratch.getBytes(0, bytes);
        return bytes;
    }

    /**
     * Encodes a value that lies inside others (a map key, encoded apart to sort the keys) into a new array.
     *
     * @param value the value, not null
     * @param depth the levels that enclose it, counted against {@link CanonicalFormat#MAX_NESTING_DEPTH}
     * @return its canonical bytes
     */
    final byte[] encodeNested(T value, int depth) {
        ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(64);
        CanonicalWriter writer = new CanonicalWriter(scratch, 0).atDepth(depth);
        writeValue(value, writer);
        byte[] bytes = new byte[writer.position()];
        scratch.getBytes(0, bytes);
        return bytes;
    }

    /**
     * Encodes a value into a buffer, in place.
     *
     * @param value the value, not null
     * @param buffer where to write; expandable buffers grow, fixed ones must be large enough
     * @param offset the first byte to write
     * @return the number of bytes written
     * @throws BadInputException if the value cannot be encoded or a fixed buffer is too small
     */
    public final int encode(T value, MutableDirectBuffer buffer, int offset) {
        CanonicalWriter writer = new CanonicalWriter(buffer, offset);
        writeValue(value, writer);
        return writer.position() - offset;
    }

    /**
     * Writes a value at the writer's position.
     *
     * @param value the value, not null
     * @param out the writer
     */
    public final void writeValue(T value, CanonicalWriter out) {
        if (value == null) {
            throw new BadInputException("null cannot be encoded as " + typeName + "; use Optional for absent values");
        }
        write(value, out);
    }

    /**
     * Decodes a whole array.
     *
     * @param bytes canonical bytes of exactly one value
     * @return the value
     * @throws dev.sluice.core.CorruptDataException if the bytes are not the canonical form of one value (or nest
     *     deeper than {@link CanonicalFormat#MAX_NESTING_DEPTH})
     */
    public final T decode(byte[] bytes) {
        return decode(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    /**
     * Decodes a region that holds exactly one value.
     *
     * @param buffer the buffer
     * @param offset the first byte of the value
     * @param length the value's length in bytes
     * @return the value
     * @throws dev.sluice.core.CorruptDataException if the region is not the canonical form of one value
     */
    public final T decode(DirectBuffer buffer, int offset, int length) {
        CanonicalReader reader = new CanonicalReader(buffer, offset, length);
        T value = read(reader);
        reader.expectEnd();
        return value;
    }

    /**
     * Reads one value at the reader's position.
     *
     * @param in the reader
     * @return the value
     */
    public final T readValue(CanonicalReader in) {
        return read(in);
    }

    abstract void write(T value, CanonicalWriter out);

    abstract T read(CanonicalReader in);

    @Override
    public String toString() {
        return "Schema[" + typeName + " v" + version + "]";
    }
}
