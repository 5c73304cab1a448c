package dev.sluice.inference.gguf.internal;

import static dev.sluice.inference.gguf.internal.GgufLayout.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * A metadata array of fixed-size values kept as the file's own little-endian bytes: one byte per {@code uint8}
 * element instead of a boxed {@code Long}, so a vocabulary's scores or token types cost what the file holds. Elements
 * are boxed when read, as the parser boxes scalars: integers as {@link Long}, floats as {@link Double}, bools as
 * {@link Boolean}. Unmodifiable and thread-safe.
 */
final class GgufArrayList extends AbstractList<Object> implements RandomAccess {
    private final int elementType;
    private final int elementBytes;
    private final ByteBuffer bytes;
    private final int size;

    GgufArrayList(int elementType, byte[] bytes) {
        this.elementType = elementType;
        this.elementBytes = fixedSizeBytes(elementType);
        this.bytes = ByteBuffer.wrap(bytes).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        this.size = bytes.length / elementBytes;
    }

    /** @return the element type id */
    int elementType() {
        return elementType;
    }

    @Override
    public Object get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " of " + size);
        }
        int at = index * elementBytes;
        return switch (elementType) {
            case TYPE_UINT8 -> (long) Byte.toUnsignedInt(bytes.get(at));
            case TYPE_INT8 -> (long) bytes.get(at);
            case TYPE_UINT16 -> (long) Short.toUnsignedInt(bytes.getShort(at));
            case TYPE_INT16 -> (long) bytes.getShort(at);
            case TYPE_UINT32 -> Integer.toUnsignedLong(bytes.getInt(at));
            case TYPE_INT32 -> (long) bytes.getInt(at);
            case TYPE_FLOAT32 -> (double) bytes.getFloat(at);
            case TYPE_BOOL -> bytes.get(at) != 0;
            case TYPE_UINT64, TYPE_INT64 -> bytes.getLong(at);
            case TYPE_FLOAT64 -> bytes.getDouble(at);
            default -> throw new IllegalStateException("not a fixed-size type: " + elementType);
        };
    }

    /**
     * @param index an element index
     * @return the element of an {@code int32} array, unboxed
     */
    int int32(int index) {
        return bytes.getInt(index * 4);
    }

    @Override
    public int size() {
        return size;
    }
}
