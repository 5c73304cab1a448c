package dev.sluice.inference.gguf.internal;

import static dev.sluice.inference.gguf.internal.GgufLayout.*;

import dev.sluice.core.CorruptDataException;
import dev.sluice.inference.gguf.GgufSkippedArray;
import dev.sluice.inference.gguf.GgufTensor;
import dev.sluice.inference.gguf.GgufTensorType;
import dev.sluice.inference.gguf.GgufText;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and checks the structure of a GGUF file held in a {@link MemorySegment}: header, every metadata value
 * (nested arrays included) and every tensor description, then the placement of the tensor data. Every length and
 * count is checked against the bytes that remain before it is used, and all arithmetic on values from the file is
 * overflow-checked, so a hostile file ends in a {@link CorruptDataException} naming the problem and its offset.
 *
 * <p>The placement rules are llama.cpp's (b4916, which java-llama.cpp 4.2.0 ships): {@code general.alignment} is a
 * {@code uint32} (ggml aborts on another type), a power of two and at least {@link GgufLayout#MIN_ALIGNMENT}; tensors
 * are stored back to back in file order, each padded to the alignment, as ggml's reader requires.
 *
 * <p>Cost: one pass over the header region. Memory is bounded by what is kept, never by a length the file claims:
 * scalar strings and small arrays are copied onto the heap; the vocabulary is kept as its bytes plus an offset per
 * token; its scores and token types as their bytes; other arrays over {@link GgufSkippedArray#KEPT_ELEMENTS}
 * elements, and arrays of arrays, are walked and checked but kept only as a {@link GgufSkippedArray}. Tensor data
 * is never touched. Not thread-safe; one instance per parse.
 */
public final class GgufParser {
    private static final String TOKENS_KEY = "tokenizer.ggml.tokens";
    private static final Set<String> ALWAYS_KEPT = Set.of("tokenizer.ggml.scores", "tokenizer.ggml.token_type");

    private final MemorySegment segment;
    private final String source;
    private final long sizeBytes;
    private long position;
    private long keptElements;
    private long keptStringBytes;

    private GgufParser(MemorySegment segment, String source) {
        this.segment = segment;
        this.source = source;
        this.sizeBytes = segment.byteSize();
    }

    /**
     * Parses and checks a whole GGUF file.
     *
     * @param segment the file's bytes
     * @param source the file's name for messages
     * @return what the file holds
     * @throws CorruptDataException when the file is not a well-formed GGUF file
     */
    public static ParsedGguf parse(MemorySegment segment, String source) {
        return new GgufParser(segment, source).parse();
    }

    private ParsedGguf parse() {
        if (sizeBytes < 24) {
            throw corrupt("is " + sizeBytes + " bytes long, shorter than the 24-byte GGUF header (truncated?)");
        }
        int magic = segment.get(U32, 0);
        if (magic != MAGIC) {
            throw corrupt(String.format(
                    "does not start with the GGUF magic: found bytes %02x %02x %02x %02x",
                    magic & 0xff, (magic >>> 8) & 0xff, (magic >>> 16) & 0xff, magic >>> 24));
        }
        int version = segment.get(U32, 4);
        if (Integer.reverseBytes(version) >= MIN_VERSION && Integer.reverseBytes(version) <= MAX_VERSION) {
            throw corrupt("is a big-endian GGUF file (version " + Integer.reverseBytes(version)
                    + "); only little-endian files are supported");
        }
        if (version < MIN_VERSION || version > MAX_VERSION) {
            throw corrupt("has GGUF version " + Integer.toUnsignedString(version) + "; supported versions are "
                    + MIN_VERSION + " to " + MAX_VERSION);
        }
        position = 8;
        long tensorCount = readU64("the tensor count");
        long metadataCount = readU64("the metadata count");
        // each entry takes at least a 9-byte key, a type and a 1-byte value; each tensor at least 33 bytes
        checkCount("metadata entries", metadataCount, MAX_METADATA_COUNT, 14);
        checkCount("tensors", tensorCount, MAX_TENSOR_COUNT, 33);

        Map<String, Object> metadata = new LinkedHashMap<>();
        Map<String, GgufValueType> types = new LinkedHashMap<>();
        for (long i = 0; i < metadataCount; i++) {
            long keyOffset = position;
            String key = readString("the key of metadata entry " + i, MAX_KEY_BYTES, true);
            if (key.isEmpty()) {
                // ggml's reader asserts on an empty key: an abort, not an error
                throw corrupt("metadata entry " + i + " at offset " + keyOffset + " has an empty key");
            }
            if (metadata.containsKey(key)) {
                throw corrupt("has the metadata key '" + quote(key) + "' twice (again at offset " + keyOffset + ")");
            }
            int type = readU32("the value type of '" + quote(key) + "'");
            GgufValueType[] valueType = new GgufValueType[1];
            Object value = readTopLevelValue(type, key, valueType);
            metadata.put(key, value);
            types.put(key, valueType[0]);
        }

        long alignment = alignment(metadata.get(ALIGNMENT_KEY), types.get(ALIGNMENT_KEY));
        List<TensorHeader> headers = new ArrayList<>((int) tensorCount);
        Set<String> names = new HashSet<>();
        for (long i = 0; i < tensorCount; i++) {
            TensorHeader header = readTensorHeader(i);
            if (!names.add(header.name)) {
                throw corrupt("has the tensor name '" + quote(header.name) + "' twice");
            }
            headers.add(header);
        }
        long dataOffset = alignUp(position, alignment);
        if (tensorCount > 0 && dataOffset > sizeBytes) {
            throw corrupt("ends at byte " + sizeBytes + " before its tensor data, which starts at " + dataOffset
                    + " (truncated?)");
        }
        return new ParsedGguf(
                version,
                alignment,
                dataOffset,
                sizeBytes,
                Collections.unmodifiableMap(metadata),
                Collections.unmodifiableMap(types),
                placeTensors(headers, dataOffset, alignment));
    }

    private record TensorHeader(
            String name, GgufTensorType type, long[] dims, long elements, long sizeBytes, long relativeOffset) {}

    private TensorHeader readTensorHeader(long index) {
        String name = readString("the name of tensor " + index, MAX_TENSOR_NAME_BYTES, true);
        if (name.isEmpty()) {
            throw corrupt("tensor " + index + " has an empty name");
        }
        String quoted = quote(name);
        long nDims = Integer.toUnsignedLong(readU32("the dimension count of tensor '" + quoted + "'"));
        if (nDims < 1 || nDims > MAX_DIMS) {
            throw corrupt("tensor '" + quoted + "' has " + nDims + " dimensions; ggml allows 1 to " + MAX_DIMS);
        }
        long[] dims = new long[(int) nDims];
        long elements = 1;
        for (int d = 0; d < nDims; d++) {
            dims[d] = readU64("dimension " + d + " of tensor '" + quoted + "'");
            if (dims[d] < 1) {
                throw corrupt("tensor '" + quoted + "' has dimension " + d + " of " + Long.toUnsignedString(dims[d])
                        + "; each dimension must be at least 1");
            }
            try {
                elements = Math.multiplyExact(elements, dims[d]);
            } catch (ArithmeticException e) {
                throw corrupt("tensor '" + quoted + "' has shape " + Arrays.toString(dims)
                        + " whose element count does not fit in 63 bits");
            }
        }
        int typeId = readU32("the type of tensor '" + quoted + "'");
        GgufTensorType type = GgufTensorType.byId(Integer.toUnsignedLong(typeId))
                .orElseThrow(() ->
                        corrupt("tensor '" + quoted + "' has unknown tensor type " + Integer.toUnsignedString(typeId)));
        if (dims[0] % type.blockSize() != 0) {
            throw corrupt("tensor '" + quoted + "' of type " + type + " has first dimension " + dims[0]
                    + ", not a multiple of the block size " + type.blockSize());
        }
        long size;
        try {
            size = Math.multiplyExact(elements / type.blockSize(), (long) type.blockSizeBytes());
        } catch (ArithmeticException e) {
            throw corrupt("tensor '" + quoted + "' has " + elements + " elements of " + type
                    + ", more bytes than fit in 63 bits");
        }
        long offset = readU64("the data offset of tensor '" + quoted + "'");
        return new TensorHeader(name, type, dims, elements, size, offset);
    }

    private List<GgufTensor> placeTensors(List<TensorHeader> headers, long dataOffset, long alignment) {
        long dataBytes = Math.max(0, sizeBytes - dataOffset);
        List<TensorHeader> byOffset = new ArrayList<>(headers);
        byOffset.sort(Comparator.comparingLong(TensorHeader::relativeOffset));
        long previousEnd = 0;
        String previousName = null;
        for (TensorHeader t : byOffset) {
            long offset = t.relativeOffset;
            if (offset < 0 || offset > dataBytes || t.sizeBytes > dataBytes - offset) {
                throw corrupt("tensor '" + quote(t.name) + "' needs bytes " + Long.toUnsignedString(offset) + " to "
                        + (offset < 0 ? "?" : String.valueOf(offset + Math.min(t.sizeBytes, Long.MAX_VALUE - offset)))
                        + " of the tensor data, but the data section holds only " + dataBytes + " bytes");
            }
            if (offset % alignment != 0) {
                throw corrupt("tensor '" + quote(t.name) + "' starts at data offset " + offset
                        + ", not a multiple of the alignment " + alignment);
            }
            if (offset < previousEnd) {
                throw corrupt("tensor '" + quote(t.name) + "' at data offset " + offset + " overlaps tensor '"
                        + quote(previousName) + "', which ends at " + previousEnd);
            }
            previousEnd = offset + t.sizeBytes;
            previousName = t.name;
        }
        // ggml's reader refuses any other layout: each tensor where the previous one, padded, ends
        long expected = 0;
        for (TensorHeader t : headers) {
            if (t.relativeOffset != expected) {
                throw corrupt("tensor '" + quote(t.name) + "' starts at data offset " + t.relativeOffset
                        + ", but llama.cpp requires the tensors back to back in file order, each padded to the"
                        + " alignment " + alignment + ": it must start at " + expected);
            }
            expected = alignUp(expected + t.sizeBytes, alignment);
        }
        List<GgufTensor> tensors = new ArrayList<>(headers.size());
        for (TensorHeader t : headers) {
            List<Long> dims = new ArrayList<>(t.dims.length);
            for (long d : t.dims) {
                dims.add(d);
            }
            tensors.add(new GgufTensor(t.name, t.type, dims, t.elements, dataOffset + t.relativeOffset, t.sizeBytes));
        }
        return List.copyOf(tensors);
    }

    private long alignment(Object value, GgufValueType type) {
        if (value == null) {
            return DEFAULT_ALIGNMENT;
        }
        if (type.type() != TYPE_UINT32) {
            throw corrupt("has " + ALIGNMENT_KEY + " of type " + type.describe()
                    + "; ggml reads it as a uint32 and aborts the process on any other type");
        }
        long alignment = (Long) value;
        if (alignment < MIN_ALIGNMENT || alignment > (1L << 30) || Long.bitCount(alignment) != 1) {
            throw corrupt("has " + ALIGNMENT_KEY + " = " + value + "; it must be a power of two from " + MIN_ALIGNMENT
                    + " to 2^30 (llama.cpp maps tensor data and ggml aborts on pointers not aligned to "
                    + MIN_ALIGNMENT + " bytes)");
        }
        return alignment;
    }

    private Object readTopLevelValue(int type, String key, GgufValueType[] valueType) {
        if (type == TYPE_ARRAY) {
            return readArray(key, 0, valueType);
        }
        valueType[0] = GgufValueType.scalar(type);
        return readScalar(type, key);
    }

    private Object readScalar(int type, String key) {
        return switch (type) {
            case TYPE_UINT8 -> (long) Byte.toUnsignedInt(segment.get(ValueLayout.JAVA_BYTE, take(1, key)));
            case TYPE_INT8 -> (long) segment.get(ValueLayout.JAVA_BYTE, take(1, key));
            case TYPE_UINT16 -> (long) Short.toUnsignedInt(segment.get(U16, take(2, key)));
            case TYPE_INT16 -> (long) segment.get(U16, take(2, key));
            case TYPE_UINT32 -> Integer.toUnsignedLong(segment.get(U32, take(4, key)));
            case TYPE_INT32 -> (long) segment.get(U32, take(4, key));
            case TYPE_UINT64, TYPE_INT64 -> segment.get(U64, take(8, key));
            case TYPE_FLOAT32 -> (double) segment.get(F32, take(4, key));
            case TYPE_FLOAT64 -> segment.get(F64, take(8, key));
            case TYPE_BOOL -> {
                long at = take(1, key);
                yield checkedBool(segment.get(ValueLayout.JAVA_BYTE, at), key, at);
            }
            case TYPE_STRING -> keptString(readString("the value of '" + quote(key) + "'", MAX_STRING_BYTES, false));
            default ->
                throw corrupt("has unknown value type " + Integer.toUnsignedString(type) + " for '" + quote(key)
                        + "' at offset " + (position - 4));
        };
    }

    private boolean checkedBool(byte b, String key, long at) {
        if (b != 0 && b != 1) {
            throw corrupt("has bool value " + b + " for '" + quote(key) + "' at offset " + at + "; a bool is 0 or 1");
        }
        return b == 1;
    }

    private String keptString(String value) {
        keptStringBytes += value.length();
        if (keptStringBytes > MAX_KEPT_STRING_BYTES) {
            throw corrupt("holds more than " + (MAX_KEPT_STRING_BYTES >> 20)
                    + " MiB of metadata strings besides the vocabulary; real models hold a few hundred KB");
        }
        return value;
    }

    /** Reads an array; valueType[0] receives its type when depth is 0. */
    private Object readArray(String key, int depth, GgufValueType[] valueType) {
        if (depth >= MAX_ARRAY_DEPTH) {
            throw corrupt("nests arrays deeper than " + MAX_ARRAY_DEPTH + " in '" + quote(key) + "'");
        }
        int elementType = readU32("the element type of array '" + quote(key) + "'");
        if (elementType < 0 || elementType > TYPE_FLOAT64) {
            throw corrupt("has unknown array element type " + Integer.toUnsignedString(elementType) + " for '"
                    + quote(key) + "' at offset " + (position - 4));
        }
        long lengthOffset = position;
        long length = readU64("the length of array '" + quote(key) + "'");
        long remaining = sizeBytes - position;
        int minElementBytes = minSizeBytes(elementType);
        if (length < 0 || length > MAX_ARRAY_LENGTH || length > remaining / minElementBytes) {
            throw corrupt("has array '" + quote(key) + "' of " + Long.toUnsignedString(length) + " "
                    + typeName(elementType) + " elements at offset " + lengthOffset + ", but only " + remaining
                    + " bytes remain (at least " + minElementBytes + " per element; cap " + MAX_ARRAY_LENGTH + ")");
        }
        if (depth == 0) {
            valueType[0] = new GgufValueType(TYPE_ARRAY, elementType, length);
        }
        int n = (int) length;
        if (elementType == TYPE_ARRAY) { // walked and checked, never kept: llama.cpp refuses arrays of arrays
            for (int i = 0; i < n; i++) {
                readArray(key, depth + 1, valueType);
            }
            return new GgufSkippedArray(typeName(TYPE_ARRAY), length);
        }
        boolean needed = depth == 0 && (ALWAYS_KEPT.contains(key) || key.equals(TOKENS_KEY));
        boolean small = depth == 0 && n <= GgufSkippedArray.KEPT_ELEMENTS && keptElements + n <= MAX_KEPT_ELEMENTS;
        if (elementType == TYPE_STRING) {
            if (depth == 0 && key.equals(TOKENS_KEY)) {
                return readTokens(key, n);
            }
            if (small && !needed) {
                keptElements += n;
                String[] values = new String[n];
                for (int i = 0; i < n; i++) {
                    values[i] = keptString(
                            readString("element " + i + " of '" + quote(key) + "'", MAX_STRING_BYTES, false));
                }
                return Collections.unmodifiableList(Arrays.asList(values));
            }
            for (int i = 0; i < n; i++) {
                skipString("element " + i + " of '" + quote(key) + "'");
            }
            return new GgufSkippedArray(typeName(elementType), length);
        }
        int elementBytes = fixedSizeBytes(elementType);
        long start = position;
        long bytes = length * elementBytes;
        need(bytes, "array '" + quote(key) + "'");
        if (elementType == TYPE_BOOL) {
            for (long at = start; at < start + bytes; at++) {
                checkedBool(segment.get(ValueLayout.JAVA_BYTE, at), key, at);
            }
        }
        position += bytes;
        if (needed || small) {
            if (!needed) {
                keptElements += n;
            }
            return new GgufArrayList(elementType, segment.asSlice(start, bytes).toArray(ValueLayout.JAVA_BYTE));
        }
        return new GgufSkippedArray(typeName(elementType), length);
    }

    /** The vocabulary: two passes over the strings, so that what is allocated is exactly what is kept. */
    private TokenTable readTokens(String key, int n) {
        if (n > MAX_VOCABULARY) {
            throw corrupt("has " + n + " tokens in '" + quote(key) + "'; the cap is " + MAX_VOCABULARY
                    + " (real vocabularies have up to about 262,144)");
        }
        long start = position;
        long textBytes = 0;
        for (int i = 0; i < n; i++) {
            textBytes += skipString("token " + i + " of '" + quote(key) + "'");
            if (textBytes > MAX_TOKEN_TEXT_BYTES) {
                throw corrupt("has more than " + (MAX_TOKEN_TEXT_BYTES >> 20) + " MiB of token text in '" + quote(key)
                        + "' (real vocabularies take a few MB)");
            }
        }
        long end = position;
        byte[] text = new byte[(int) textBytes];
        int[] offsets = new int[n + 1];
        long at = start;
        int filled = 0;
        for (int i = 0; i < n; i++) {
            int length = (int) segment.get(U64, at);
            MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, at + 8, text, filled, length);
            at += 8 + length;
            filled += length;
            offsets[i + 1] = filled;
        }
        position = end;
        return new TokenTable(text, offsets);
    }

    /** Checks a string's length against the bytes that remain and steps over it; returns its length. */
    private long skipString(String what) {
        long lengthOffset = position;
        long length = readU64("the length of " + what);
        if (length < 0 || length > MAX_STRING_BYTES || length > sizeBytes - position) {
            throw corrupt("has a string of " + Long.toUnsignedString(length) + " bytes for " + what + " at offset "
                    + lengthOffset + ", but only " + (sizeBytes - position) + " bytes remain (cap " + MAX_STRING_BYTES
                    + ")");
        }
        position += length;
        return length;
    }

    private void checkCount(String what, long count, long cap, long minBytesEach) {
        long remaining = sizeBytes - position;
        if (count < 0 || count > cap || count > remaining / minBytesEach) {
            throw corrupt("declares " + Long.toUnsignedString(count) + " " + what + "; the cap is " + cap + " and the "
                    + remaining + " remaining bytes hold at most " + remaining / minBytesEach);
        }
    }

    /** Checks that a value of this many bytes remains, steps over it and returns where it starts. */
    private long take(int bytes, String key) {
        need(bytes, "the value of '" + quote(key) + "'");
        long at = position;
        position += bytes;
        return at;
    }

    private int readU32(String what) {
        need(4, what);
        int value = segment.get(U32, position);
        position += 4;
        return value;
    }

    private long readU64(String what) {
        need(8, what);
        long value = segment.get(U64, position);
        position += 8;
        return value;
    }

    private String readString(String what, long maxBytes, boolean strictUtf8) {
        long lengthOffset = position;
        long length = readU64("the length of " + what);
        if (length < 0 || length > maxBytes || length > sizeBytes - position) {
            throw corrupt("has a string of " + Long.toUnsignedString(length) + " bytes for " + what + " at offset "
                    + lengthOffset + ", but only " + (sizeBytes - position) + " bytes remain (cap " + maxBytes + ")");
        }
        byte[] bytes = segment.asSlice(position, length).toArray(ValueLayout.JAVA_BYTE);
        position += length;
        if (!strictUtf8) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw corrupt("has " + what + " at offset " + lengthOffset + " that is not valid UTF-8");
        }
    }

    private void need(long bytes, String what) {
        if (sizeBytes - position < bytes) {
            throw corrupt("ends at byte " + sizeBytes + " inside " + what + " (needs " + bytes + " bytes at offset "
                    + position + "; truncated?)");
        }
    }

    private static long alignUp(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }

    private static String quote(String text) {
        return GgufText.printable(text);
    }

    private CorruptDataException corrupt(String problem) {
        return new CorruptDataException("GGUF file " + source + " " + problem);
    }
}
