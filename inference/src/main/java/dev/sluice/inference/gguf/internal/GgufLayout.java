package dev.sluice.inference.gguf.internal;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The byte layout of a GGUF file (versions 2 and 3, little-endian), and the caps the validator applies on top of
 * the format's own limits. All multi-byte values are little-endian; strings are a {@code uint64} byte length
 * followed by UTF-8 bytes without a terminator.
 *
 * <pre>
 *   uint32 magic "GGUF" | uint32 version | uint64 tensorCount | uint64 metadataCount
 *   metadataCount x (string key | uint32 valueType | value)
 *   tensorCount   x (string name | uint32 nDims | nDims x uint64 dim | uint32 ggmlType | uint64 offset)
 *   padding to general.alignment (default 32) | tensor data, each tensor at dataStart + offset
 * </pre>
 */
public final class GgufLayout {
    /** "GGUF" read as a little-endian uint32. */
    public static final int MAGIC = 0x46554747;
    /** The oldest version read (version 1 had 32-bit counts and is not supported). */
    public static final int MIN_VERSION = 2;
    /** The newest version read. */
    public static final int MAX_VERSION = 3;
    /** The alignment of tensor data when {@code general.alignment} is absent. */
    public static final int DEFAULT_ALIGNMENT = 32;
    /** The key that sets the alignment. */
    public static final String ALIGNMENT_KEY = "general.alignment";

    /** Value type ids. */
    public static final int TYPE_UINT8 = 0;
    /** Value type id. */
    public static final int TYPE_INT8 = 1;
    /** Value type id. */
    public static final int TYPE_UINT16 = 2;
    /** Value type id. */
    public static final int TYPE_INT16 = 3;
    /** Value type id. */
    public static final int TYPE_UINT32 = 4;
    /** Value type id. */
    public static final int TYPE_INT32 = 5;
    /** Value type id. */
    public static final int TYPE_FLOAT32 = 6;
    /** Value type id. */
    public static final int TYPE_BOOL = 7;
    /** Value type id. */
    public static final int TYPE_STRING = 8;
    /** Value type id. */
    public static final int TYPE_ARRAY = 9;
    /** Value type id. */
    public static final int TYPE_UINT64 = 10;
    /** Value type id. */
    public static final int TYPE_INT64 = 11;
    /** Value type id. */
    public static final int TYPE_FLOAT64 = 12;

    /** At most this many metadata entries (real models have a few dozen). */
    public static final long MAX_METADATA_COUNT = 65_536;
    /** At most this many tensors (real models have a few thousand). */
    public static final long MAX_TENSOR_COUNT = 1_000_000;
    /** At most this many elements in one metadata array (vocabularies and merges have a few hundred thousand). */
    public static final long MAX_ARRAY_LENGTH = 1L << 24;
    /** Arrays nest at most this deep. */
    public static final int MAX_ARRAY_DEPTH = 4;
    /** A key is at most this many bytes (the format's limit). */
    public static final long MAX_KEY_BYTES = 65_535;
    /** A string value is at most this many bytes. */
    public static final long MAX_STRING_BYTES = 16L << 20;
    /** A tensor name is at most this many bytes (ggml's name buffer less its terminator). */
    public static final long MAX_TENSOR_NAME_BYTES = 63;
    /** A tensor has at most this many dimensions (ggml's limit). */
    public static final int MAX_DIMS = 4;
    /**
     * Tensor data must start at a multiple of this in the file: llama.cpp maps the file and hands ggml pointers into
     * the mapping, and ggml's CPU backend aborts on a buffer pointer that is not 32-byte aligned (TENSOR_ALIGNMENT).
     */
    public static final int MIN_ALIGNMENT = 32;
    /** At most this many tokens in {@code tokenizer.ggml.tokens} (real vocabularies have up to about 262,144). */
    public static final int MAX_VOCABULARY = 1 << 20;
    /** The tokens' text takes at most this many bytes (real vocabularies take a few MB). */
    public static final long MAX_TOKEN_TEXT_BYTES = 16L << 20;
    /** The metadata strings kept, the vocabulary aside, take at most this many bytes in all. */
    public static final long MAX_KEPT_STRING_BYTES = 32L << 20;
    /**
     * At most this many elements are kept over all arrays Sluice does not need (each up to
     * {@link dev.sluice.inference.gguf.GgufSkippedArray#KEPT_ELEMENTS}); further ones are walked and summarised.
     */
    public static final int MAX_KEPT_ELEMENTS = 1 << 16;

    /** Little-endian unaligned layouts. */
    public static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Little-endian unaligned 64-bit. */
    public static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Little-endian unaligned 16-bit. */
    public static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Little-endian unaligned float. */
    public static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Little-endian unaligned double. */
    public static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private GgufLayout() {}

    /**
     * @param type a value type id
     * @return the size of one value of a fixed-size type, or 0 for string and array
     */
    public static int fixedSizeBytes(int type) {
        return switch (type) {
            case TYPE_UINT8, TYPE_INT8, TYPE_BOOL -> 1;
            case TYPE_UINT16, TYPE_INT16 -> 2;
            case TYPE_UINT32, TYPE_INT32, TYPE_FLOAT32 -> 4;
            case TYPE_UINT64, TYPE_INT64, TYPE_FLOAT64 -> 8;
            default -> 0;
        };
    }

    /**
     * @param type a value type id
     * @return the smallest number of bytes a value of the type takes (a string or an array of 8-byte length)
     */
    public static int minSizeBytes(int type) {
        int fixed = fixedSizeBytes(type);
        return fixed > 0 ? fixed : type == TYPE_ARRAY ? 12 : 8;
    }

    /**
     * @param type a value type id
     * @return its name in the GGUF specification
     */
    public static String typeName(int type) {
        return switch (type) {
            case TYPE_UINT8 -> "uint8";
            case TYPE_INT8 -> "int8";
            case TYPE_UINT16 -> "uint16";
            case TYPE_INT16 -> "int16";
            case TYPE_UINT32 -> "uint32";
            case TYPE_INT32 -> "int32";
            case TYPE_FLOAT32 -> "float32";
            case TYPE_BOOL -> "bool";
            case TYPE_STRING -> "string";
            case TYPE_ARRAY -> "array";
            case TYPE_UINT64 -> "uint64";
            case TYPE_INT64 -> "int64";
            case TYPE_FLOAT64 -> "float64";
            default -> "unknown type " + type;
        };
    }
}
