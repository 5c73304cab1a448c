package dev.sluice.inference.gguf.internal;

/**
 * The type a metadata value has in the file, which {@link ParsedGguf#metadata()} does not show (every integer type
 * reads as a {@code Long}): llama.cpp reads each key it knows with one exact type and refuses, or aborts on, another.
 *
 * @param type the value type id ({@link GgufLayout#TYPE_ARRAY} for an array)
 * @param elementType an array's element type id, or -1 for a scalar
 * @param length an array's element count, or 1 for a scalar
 */
public record GgufValueType(int type, int elementType, long length) {
    /**
     * @param type a scalar type id
     * @return the scalar type
     */
    public static GgufValueType scalar(int type) {
        return new GgufValueType(type, -1, 1);
    }

    /** @return whether the value is an array */
    public boolean isArray() {
        return type == GgufLayout.TYPE_ARRAY;
    }

    /** @return the type as the GGUF specification names it, such as {@code uint32} or {@code array[int32]} */
    public String describe() {
        return isArray() ? "array[" + GgufLayout.typeName(elementType) + "]" : GgufLayout.typeName(type);
    }
}
