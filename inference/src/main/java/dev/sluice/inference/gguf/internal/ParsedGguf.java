package dev.sluice.inference.gguf.internal;

import dev.sluice.inference.gguf.GgufTensor;
import java.util.List;
import java.util.Map;

/**
 * The structure of a GGUF file as read by {@link GgufParser}.
 *
 * @param version the format version
 * @param alignment the tensor data alignment in bytes
 * @param dataOffsetBytes where the tensor data section starts
 * @param fileSizeBytes the file's size
 * @param metadata the metadata in file order: integers as {@link Long} (uint64 as its bit pattern), floats as
 *     {@link Double}, {@link Boolean}, {@link String}, arrays as unmodifiable {@link List}s (the vocabulary as a
 *     {@link TokenTable}) or, when not kept, as a {@link dev.sluice.inference.gguf.GgufSkippedArray}
 * @param types each key's type in the file
 * @param tensors the tensors in file order
 */
public record ParsedGguf(
        int version,
        long alignment,
        long dataOffsetBytes,
        long fileSizeBytes,
        Map<String, Object> metadata,
        Map<String, GgufValueType> types,
        List<GgufTensor> tensors) {}
