package dev.sluice.inference.gguf.internal;

import static dev.sluice.inference.gguf.internal.GgufLayout.*;

import dev.sluice.core.CorruptDataException;
import dev.sluice.inference.gguf.GgufTensor;
import dev.sluice.inference.gguf.GgufTensorType;
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
 * <p>Cost: one pass over the header region; metadata strings and arrays are copied onto the heap; tensor data is
 * never touched. Not thread-safe; one instance per parse.
 */
public final class GgufParser {
    private final MemorySegment segment;
    private final String source;
    private final long sizeBytes;
    private long position;

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
        for (long i = 0; i < metadataCount; i++) {
            long keyOffset = position;
            String key = readString("the key of metadata entry " + i, MAX_KEY_BYTES, true);
            if (key.isEmpty()) {
                throw corrupt("metadata entry " + i + " at offset " + keyOffset + " has an empty key");
            }
            int type = readU32("the value type of '" + key + "'");
            Object value = readValue(type, key, 0);
            if (metadata.putIfAbsent(key, value) != null) {
                throw corrupt("has the metadata key '" + key + "' twice (again at offset " + keyOffset + ")");
            }
        }

        long alignment = alignment(metadata.get(ALIGNMENT_KEY));
        List<TensorHeader> headers = new ArrayList<>((int) tensorCount);
        Set<String> names = new HashSet<>();
        for (long i = 0; i < tensorCount; i++) {
            TensorHeader header = readTensorHeader(i);
            if (!names.add(header.name)) {
                throw corrupt("has the tensor name '" + header.name + "' twice");
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
                placeTensors(headers, dataOffset, alignment));
    }

    private record TensorHeader(
            String name, GgufTensorType type, long[] dims, long elements, long sizeBytes, long relativeOffset) {}

    private TensorHeader readTensorHeader(long index) {
        String name = readString("the name of tensor " + index, MAX_TENSOR_NAME_BYTES, true);
        if (name.isEmpty()) {
            throw corrupt("tensor " + index + " has an empty name");
        }
        long nDims = Integer.toUnsignedLong(readU32("the dimension count of tensor '" + name + "'"));
        if (nDims < 1 || nDims > MAX_DIMS) {
            throw corrupt("tensor '" + name + "' has " + nDims + " dimensions; ggml allows 1 to " + MAX_DIMS);
        }
        long[] dims = new long[(int) nDims];
        long elements = 1;
        for (int d = 0; d < nDims; d++) {
            dims[d] = readU64("dimension " + d + " of tensor '" + name + "'");
            if (dims[d] < 1) {
                throw corrupt("tensor '" + name + "' has dimension " + d + " of " + Long.toUnsignedString(dims[d])
                        + "; each dimension must be at least 1");
            }
            try {
                elements = Math.multiplyExact(elements, dims[d]);
            } catch (ArithmeticException e) {
                throw corrupt("tensor '" + name + "' has shape " + Arrays.toString(dims)
                        + " whose element count does not fit in 63 bits");
            }
        }
        int typeId = readU32("the type of tensor '" + name + "'");
        GgufTensorType type = GgufTensorType.byId(Integer.toUnsignedLong(typeId))
                .orElseThrow(() ->
                        corrupt("tensor '" + name + "' has unknown tensor type " + Integer.toUnsignedString(typeId)));
        if (dims[0] % type.blockSize() != 0) {
            throw corrupt("tensor '" + name + "' of type " + type + " has first dimension " + dims[0]
                    + ", not a multiple of the block size " + type.blockSize());
        }
        long size;
        try {
            size = Math.multiplyExact(elements / type.blockSize(), (long) type.blockSizeBytes());
        } catch (ArithmeticException e) {
            throw corrupt("tensor '" + name + "' has " + elements + " elements of " + type
                    + ", more bytes than fit in 63 bits");
        }
        long offset = readU64("the data offset of tensor '" + name + "'");
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
                throw corrupt("tensor '" + t.name + "' needs bytes " + Long.toUnsignedString(offset) + " to "
                        + (offset < 0 ? "?" : String.valueOf(offset + Math.min(t.sizeBytes, Long.MAX_VALUE - offset)))
                        + " of the tensor data, but the data section holds only " + dataBytes + " bytes");
            }
            if (offset % alignment != 0) {
                throw corrupt("tensor '" + t.name + "' starts at data offset " + offset
                        + ", not a multiple of the alignment " + alignment);
            }
            if (offset < previousEnd) {
                throw corrupt("tensor '" + t.name + "' at data offset " + offset + " overlaps tensor '" + previousName
                        + "', which ends at " + previousEnd);
            }
            previousEnd = offset + t.sizeBytes;
            previousName = t.name;
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

    private long alignment(Object value) {
        if (value == null) {
            return DEFAULT_ALIGNMENT;
        }
        if (!(value instanceof Long alignment)
                || alignment <= 0
                || alignment > (1L << 30)
                || Long.bitCount(alignment) != 1) {
            throw corrupt(
                    "has " + ALIGNMENT_KEY + " = " + value + "; it must be an integer power of two between 1 and 2^30");
        }
        return alignment;
    }

    private Object readValue(int type, String key, int depth) {
        return switch (type) {
            case TYPE_UINT8 -> (long) Byte.toUnsignedInt(readFixed(1, key).get(ValueLayout.JAVA_BYTE, 0));
            case TYPE_INT8 -> (long) readFixed(1, key).get(ValueLayout.JAVA_BYTE, 0);
            case TYPE_UINT16 -> (long) Short.toUnsignedInt(readFixed(2, key).get(U16, 0));
            case TYPE_INT16 -> (long) readFixed(2, key).get(U16, 0);
            case TYPE_UINT32 -> Integer.toUnsignedLong(readFixed(4, key).get(U32, 0));
            case TYPE_INT32 -> (long) readFixed(4, key).get(U32, 0);
            case TYPE_UINT64, TYPE_INT64 -> readFixed(8, key).get(U64, 0);
            case TYPE_FLOAT32 -> (double) readFixed(4, key).get(F32, 0);
            case TYPE_FLOAT64 -> readFixed(8, key).get(F64, 0);
            case TYPE_BOOL -> {
                byte b = readFixed(1, key).get(ValueLayout.JAVA_BYTE, 0);
                if (b != 0 && b != 1) {
                    throw corrupt("has bool value " + b + " for '" + key + "' at offset " + (position - 1)
                            + "; a bool is 0 or 1");
                }
                yield b == 1;
            }
            case TYPE_STRING -> readString("the value of '" + key + "'", MAX_STRING_BYTES, false);
            case TYPE_ARRAY -> readArray(key, depth);
            default ->
                throw corrupt("has unknown value type " + Integer.toUnsignedString(type) + " for '" + key
                        + "' at offset " + (position - 4));
        };
    }

    private List<Object> readArray(String key, int depth) {
        if (depth >= MAX_ARRAY_DEPTH) {
            throw corrupt("nests arrays deeper than " + MAX_ARRAY_DEPTH + " in '" + key + "'");
        }
        int elementType = readU32("the element type of array '" + key + "'");
        if (elementType < 0 || elementType > TYPE_FLOAT64) {
            throw corrupt("has unknown array element type " + Integer.toUnsignedString(elementType) + " for '" + key
                    + "' at offset " + (position - 4));
        }
        long lengthOffset = position;
        long length = readU64("the length of array '" + key + "'");
        long remaining = sizeBytes - position;
        int minElementBytes = minSizeBytes(elementType);
        if (length < 0 || length > MAX_ARRAY_LENGTH || length > remaining / minElementBytes) {
            throw corrupt("has array '" + key + "' of " + Long.toUnsignedString(length) + " "
                    + typeName(elementType) + " elements at offset " + lengthOffset + ", but only " + remaining
                    + " bytes remain (at least " + minElementBytes + " per element; cap " + MAX_ARRAY_LENGTH + ")");
        }
        Object[] values = new Object[(int) length];
        for (int i = 0; i < length; i++) {
            values[i] = readValue(elementType, key, depth + 1);
        }
        return Collections.unmodifiableList(Arrays.asList(values));
    }

    private void checkCount(String what, long count, long cap, long minBytesEach) {
        long remaining = sizeBytes - position;
        if (count < 0 || count > cap || count > remaining / minBytesEach) {
            throw corrupt("declares " + Long.toUnsignedString(count) + " " + what + "; the cap is " + cap + " and the "
                    + remaining + " remaining bytes hold at most " + remaining / minBytesEach);
        }
    }

    private MemorySegment readFixed(int bytes, String key) {
        need(bytes, "the value of '" + key + "'");
        MemorySegment slice = segment.asSlice(position, bytes);
        position += bytes;
        return slice;
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

    private CorruptDataException corrupt(String problem) {
        return new CorruptDataException("GGUF file " + source + " " + problem);
    }
}
