package dev.sluice.core.schema;

import java.nio.ByteOrder;
import java.util.HexFormat;

/**
 * The constants of Sluice's canonical encoding: the byte order and the one-byte type tags. The layout of each
 * value is described in the {@linkplain dev.sluice.core.schema package documentation}; this class is the single
 * place that numbers it, so that a reader in another language can be written from it.
 *
 * <p>Tags are part of the on-disk and hashed format: they never change meaning. A new type takes a new tag.
 */
public final class CanonicalFormat {
    /** Every multi-byte number is written big-endian (network order). */
    public static final ByteOrder BYTE_ORDER = ByteOrder.BIG_ENDIAN;

    /** {@code boolean}: one byte, 0 or 1. */
    public static final byte TAG_BOOLEAN = 0x01;
    /** {@code int}: four bytes, two's complement. */
    public static final byte TAG_INT = 0x02;
    /** {@code long}: eight bytes, two's complement. */
    public static final byte TAG_LONG = 0x03;
    /** {@code float}: the four bytes of its IEEE 754 bits; every NaN as {@link #CANONICAL_FLOAT_NAN_BITS}. */
    public static final byte TAG_FLOAT = 0x04;
    /** {@code double}: the eight bytes of its IEEE 754 bits; every NaN as {@link #CANONICAL_DOUBLE_NAN_BITS}. */
    public static final byte TAG_DOUBLE = 0x05;
    /** {@code String}: a four-byte byte count, then strict UTF-8 (no unpaired surrogates). */
    public static final byte TAG_STRING = 0x06;
    /** {@code byte[]}: a four-byte count, then the bytes. */
    public static final byte TAG_BYTES = 0x07;
    /** {@code float[]} as a vector: a four-byte element count, then each element as a {@code float} body. */
    public static final byte TAG_FLOAT_VECTOR = 0x08;
    /** {@code List}: a four-byte element count, then each element, tagged. */
    public static final byte TAG_LIST = 0x09;
    /** {@code Map}: a four-byte entry count, then key and value, tagged, sorted by the key's encoded bytes. */
    public static final byte TAG_MAP = 0x0A;
    /** {@code Optional}: one byte, 0 for empty or 1 followed by the tagged value. */
    public static final byte TAG_OPTIONAL = 0x0B;
    /** {@code enum}: the constant's name as a string body (count and UTF-8). */
    public static final byte TAG_ENUM = 0x0C;
    /** {@code record}: a four-byte component count, then per component its name (string body) and tagged value. */
    public static final byte TAG_RECORD = 0x0D;

    /** The one NaN a {@code float} is written as ({@code Float.floatToIntBits(Float.NaN)}). */
    public static final int CANONICAL_FLOAT_NAN_BITS = 0x7fc0_0000;
    /** The one NaN a {@code double} is written as ({@code Double.doubleToLongBits(Double.NaN)}). */
    public static final long CANONICAL_DOUBLE_NAN_BITS = 0x7ff8_0000_0000_0000L;

    /**
     * The deepest a value may nest: lists, maps, optionals and records count one level each, and a value that is one
     * of them is at level 1 (so a record whose component is a list of records is 3 levels deep). Encoding a deeper
     * value is refused with a {@link dev.sluice.core.BadInputException}, decoding deeper bytes with a
     * {@link dev.sluice.core.CorruptDataException}, before the recursion could exhaust the thread's stack: both stay
     * well within the smallest stacks a JVM gives its threads.
     */
    public static final int MAX_NESTING_DEPTH = 128;

    private CanonicalFormat() {}

    /**
     * @param tag a tag byte
     * @return the name of the type the tag stands for, or {@code "unknown(0x..)"}, for error messages
     */
    public static String tagName(byte tag) {
        return switch (tag) {
            case TAG_BOOLEAN -> "boolean";
            case TAG_INT -> "int";
            case TAG_LONG -> "long";
            case TAG_FLOAT -> "float";
            case TAG_DOUBLE -> "double";
            case TAG_STRING -> "string";
            case TAG_BYTES -> "bytes";
            case TAG_FLOAT_VECTOR -> "float vector";
            case TAG_LIST -> "list";
            case TAG_MAP -> "map";
            case TAG_OPTIONAL -> "optional";
            case TAG_ENUM -> "enum";
            case TAG_RECORD -> "record";
            default -> "unknown(0x" + HexFormat.of().toHexDigits(tag) + ")";
        };
    }
}
