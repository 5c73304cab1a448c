package dev.sluice.inference.gguf;

import dev.sluice.core.BadInputException;
import dev.sluice.ffi.MappedFile;
import dev.sluice.inference.gguf.internal.GgufLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a GGUF version 3 file: metadata entries and tensors are added, then {@link #write(Path)} lays out the
 * header, aligns the tensor data to 32 bytes and lets each tensor's {@link TensorFiller} write its bytes straight
 * into the memory-mapped file.
 *
 * <p>Cost: the header is built on the heap; tensor data is written through one read-write mapping, so writing a
 * 1 GB model needs no heap buffer of that size. Not thread-safe; one writer per file.
 */
public final class GgufWriter {
    private final Map<String, byte[]> metadata = new LinkedHashMap<>();
    private final List<PendingTensor> tensors = new ArrayList<>();

    /** Writes a tensor's data into its region of the file. */
    @FunctionalInterface
    public interface TensorFiller {
        /**
         * @param data exactly the tensor's bytes, to be filled in the type's little-endian block format
         */
        void fill(MemorySegment data);
    }

    private record PendingTensor(String name, GgufTensorType type, long[] dims, long sizeBytes, TensorFiller filler) {
    }

    /** Creates an empty writer. */
    public GgufWriter() {
    }

    /**
     * @param key the key
     * @param value the value
     * @return this
     */
    public GgufWriter putString(String key, String value) {
        return put(key, GgufLayout.TYPE_STRING, b -> string(b, value));
    }

    /**
     * @param key the key
     * @param value the value, written as uint32
     * @return this
     */
    public GgufWriter putUint32(String key, long value) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new BadInputException("uint32 value " + value + " for '" + key + "' is out of range");
        }
        return put(key, GgufLayout.TYPE_UINT32, b -> b.putInt((int) value));
    }

    /**
     * @param key the key
     * @param value the value
     * @return this
     */
    public GgufWriter putFloat32(String key, float value) {
        return put(key, GgufLayout.TYPE_FLOAT32, b -> b.putFloat(value));
    }

    /**
     * @param key the key
     * @param value the value
     * @return this
     */
    public GgufWriter putBool(String key, boolean value) {
        return put(key, GgufLayout.TYPE_BOOL, b -> b.put((byte) (value ? 1 : 0)));
    }

    /**
     * @param key the key
     * @param values the values
     * @return this
     */
    public GgufWriter putStringArray(String key, List<String> values) {
        return put(key, GgufLayout.TYPE_ARRAY, b -> {
            b.putInt(GgufLayout.TYPE_STRING).putLong(values.size());
            values.forEach(v -> string(b, v));
        });
    }

    /**
     * @param key the key
     * @param values the values
     * @return this
     */
    public GgufWriter putFloat32Array(String key, float[] values) {
        return put(key, GgufLayout.TYPE_ARRAY, b -> {
            b.putInt(GgufLayout.TYPE_FLOAT32).putLong(values.length);
            for (float v : values) {
                b.putFloat(v);
            }
        });
    }

    /**
     * @param key the key
     * @param values the values
     * @return this
     */
    public GgufWriter putInt32Array(String key, int[] values) {
        return put(key, GgufLayout.TYPE_ARRAY, b -> {
            b.putInt(GgufLayout.TYPE_INT32).putLong(values.length);
            for (int v : values) {
                b.putInt(v);
            }
        });
    }

    /**
     * Adds a tensor.
     *
     * @param name its name, unique, at most 63 bytes
     * @param type its type
     * @param dims its shape, innermost first; the first a multiple of the type's block size
     * @param filler writes its data when the file is written
     * @return this
     * @throws BadInputException when the name or shape is not valid
     */
    public GgufWriter addTensor(String name, GgufTensorType type, long[] dims, TensorFiller filler) {
        if (name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > GgufLayout.MAX_TENSOR_NAME_BYTES
                || tensors.stream().anyMatch(t -> t.name.equals(name))) {
            throw new BadInputException("tensor name '" + name + "' is empty, too long or already used");
        }
        if (dims.length < 1 || dims.length > GgufLayout.MAX_DIMS || Arrays.stream(dims).anyMatch(d -> d < 1)
                || dims[0] % type.blockSize() != 0) {
            throw new BadInputException("tensor '" + name + "' has shape " + Arrays.toString(dims) + "; " + type
                    + " needs 1 to 4 dimensions of at least 1, the first a multiple of " + type.blockSize());
        }
        long elements = Arrays.stream(dims).reduce(1, Math::multiplyExact);
        tensors.add(new PendingTensor(name, type, dims.clone(), elements / type.blockSize() * type.blockSizeBytes(),
                filler));
        return this;
    }

    /**
     * Writes the file, replacing any file at {@code path}.
     *
     * @param path where to write
     * @return the file's size in bytes
     * @throws UncheckedIOException when the file cannot be written
     */
    public long write(Path path) {
        ByteBuffer header = headerBuffer();
        header.putInt(GgufLayout.MAGIC).putInt(GgufLayout.MAX_VERSION).putLong(tensors.size()).putLong(metadata.size());
        for (Map.Entry<String, byte[]> e : metadata.entrySet()) {
            string(header, e.getKey());
            header.put(e.getValue());
        }
        long offset = 0;
        long[] offsets = new long[tensors.size()];
        for (int i = 0; i < tensors.size(); i++) {
            PendingTensor t = tensors.get(i);
            string(header, t.name);
            header.putInt(t.dims.length);
            for (long d : t.dims) {
                header.putLong(d);
            }
            header.putInt(t.type.id()).putLong(offset);
            offsets[i] = offset;
            offset = alignUp(offset + t.sizeBytes);
        }
        long dataStart = alignUp(header.position());
        long total = tensors.isEmpty() ? header.position() : dataStart + offsets[offsets.length - 1]
                + tensors.getLast().sizeBytes;
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace " + path, e);
        }
        try (MappedFile file = MappedFile.openReadWrite(path, total)) {
            MemorySegment segment = file.segment();
            MemorySegment.copy(header.array(), 0, segment, ValueLayout.JAVA_BYTE, 0, header.position());
            for (int i = 0; i < tensors.size(); i++) {
                PendingTensor t = tensors.get(i);
                t.filler.fill(segment.asSlice(dataStart + offsets[i], t.sizeBytes));
            }
            file.force();
        }
        return total;
    }

    private ByteBuffer headerBuffer() {
        long bytes = 24 + metadata.entrySet().stream().mapToLong(e -> 8L + e.getKey().length() * 4L
                + e.getValue().length).sum() + tensors.stream().mapToLong(t -> 8L + t.name.length() * 4L + 48).sum();
        return ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private GgufWriter put(String key, int type, java.util.function.Consumer<ByteBuffer> value) {
        if (key.isEmpty() || metadata.containsKey(key)) {
            throw new BadInputException("metadata key '" + key + "' is empty or already used");
        }
        GrowableBuffer out = new GrowableBuffer();
        out.buffer.putInt(type);
        out.write(value);
        metadata.put(key, Arrays.copyOf(out.buffer.array(), out.buffer.position()));
        return this;
    }

    /** A little-endian heap buffer that doubles until the value fits. */
    private static final class GrowableBuffer {
        private ByteBuffer buffer = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);

        void write(java.util.function.Consumer<ByteBuffer> value) {
            int start = buffer.position();
            while (true) {
                try {
                    value.accept(buffer);
                    return;
                } catch (java.nio.BufferOverflowException e) {
                    ByteBuffer bigger = ByteBuffer.allocate(buffer.capacity() * 2).order(ByteOrder.LITTLE_ENDIAN);
                    bigger.put(buffer.array(), 0, start);
                    buffer = bigger;
                }
            }
        }
    }

    private static void string(ByteBuffer out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.putLong(bytes.length).put(bytes);
    }

    private static long alignUp(long value) {
        return (value + GgufLayout.DEFAULT_ALIGNMENT - 1) & -GgufLayout.DEFAULT_ALIGNMENT;
    }
}
