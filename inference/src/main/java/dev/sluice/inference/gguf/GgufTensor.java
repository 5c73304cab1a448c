package dev.sluice.inference.gguf;

import java.util.List;

/**
 * One tensor described by a GGUF file, as checked by the validator: its data lies inside the file, aligned, and
 * overlaps no other tensor's.
 *
 * @param name the tensor's name, unique in the file
 * @param type its element type
 * @param dimensions its shape, innermost dimension first (ggml order), one to four entries, each at least 1
 * @param elementCount the product of the dimensions
 * @param offsetBytes where its data starts, from the start of the file
 * @param sizeBytes how many bytes its data takes
 */
public record GgufTensor(
        String name, GgufTensorType type, List<Long> dimensions, long elementCount, long offsetBytes, long sizeBytes) {
    /** Copies the dimensions. */
    public GgufTensor {
        dimensions = List.copyOf(dimensions);
    }
}
