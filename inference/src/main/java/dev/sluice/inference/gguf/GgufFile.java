package dev.sluice.inference.gguf;

import dev.sluice.core.BadInputException;
import dev.sluice.core.CorruptDataException;
import dev.sluice.core.JsonText;
import dev.sluice.ffi.MappedFile;
import dev.sluice.inference.gguf.internal.GgufModelChecks;
import dev.sluice.inference.gguf.internal.GgufParser;
import dev.sluice.inference.gguf.internal.ParsedGguf;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A GGUF model file, read and validated in Java before any native code sees it: the header, every metadata value,
 * every tensor description and the placement of the tensor data (inside the file, aligned, not overlapping), then
 * the model metadata (an allowed architecture with its required keys, a consistent tokenizer). The checks are
 * stricter than llama.cpp's own, so a file that passes does not crash it by its structure.
 *
 * <p>Cost: {@link #read(Path)} maps the file, reads only its header region (metadata and tensor descriptions,
 * copied onto the heap: a few MB for a large vocabulary) and unmaps it; tensor data is never read. Immutable and
 * thread-safe.
 */
public final class GgufFile {
    private final String source;
    private final ParsedGguf parsed;

    private GgufFile(String source, ParsedGguf parsed) {
        this.source = source;
        this.parsed = parsed;
    }

    /**
     * Reads and validates a GGUF file.
     *
     * @param path the file
     * @return its description
     * @throws BadInputException when the file is missing, a directory or unreadable
     * @throws CorruptDataException naming the first problem when it is not a valid model file
     */
    public static GgufFile read(Path path) {
        try (MappedFile file = MappedFile.openReadOnly(path)) {
            return parse(file.segment(), path.toString());
        }
    }

    /**
     * Validates GGUF bytes already in memory.
     *
     * @param segment the whole file's bytes
     * @param source a name for messages
     * @return its description
     * @throws CorruptDataException naming the first problem when it is not a valid model file
     */
    public static GgufFile parse(MemorySegment segment, String source) {
        ParsedGguf parsed = GgufParser.parse(segment, source);
        GgufModelChecks.check(parsed, source);
        return new GgufFile(source, parsed);
    }

    /** @return the architectures the validator accepts */
    public static List<String> allowedArchitectures() {
        return GgufModelChecks.allowedArchitectures();
    }

    /** @return the format version, 2 or 3 */
    public int version() {
        return parsed.version();
    }

    /** @return the file's size */
    public long fileSizeBytes() {
        return parsed.fileSizeBytes();
    }

    /** @return the tensor data alignment */
    public long alignmentBytes() {
        return parsed.alignment();
    }

    /**
     * @return all metadata in file order: integers as {@link Long} (uint64 as its bit pattern), floats as
     *     {@link Double}, {@link Boolean}, {@link String}, arrays as unmodifiable lists of those
     */
    public Map<String, Object> metadata() {
        return parsed.metadata();
    }

    /** @return the tensors in file order */
    public List<GgufTensor> tensors() {
        return parsed.tensors();
    }

    /** @return the architecture, such as {@code llama} */
    public String architecture() {
        return (String) parsed.metadata().get(GgufModelChecks.ARCHITECTURE_KEY);
    }

    /** @return {@code general.name}, or the architecture when absent */
    public String name() {
        return parsed.metadata().get("general.name") instanceof String name && !name.isBlank() ? name : architecture();
    }

    /** @return the number of weights, the sum of every tensor's element count */
    public long parameterCount() {
        long count = 0;
        for (GgufTensor t : parsed.tensors()) {
            count += t.elementCount();
        }
        return count;
    }

    /** @return the context length the model was trained for */
    public long contextLength() {
        return architectureLong("context_length");
    }

    /** @return the embedding width */
    public long embeddingLength() {
        return architectureLong("embedding_length");
    }

    /** @return the number of transformer blocks */
    public long layerCount() {
        return architectureLong("block_count");
    }

    /** @return the number of tokens in the vocabulary */
    public int vocabularySize() {
        return GgufModelChecks.stringArray(source, parsed.metadata(), GgufModelChecks.TOKENS_KEY, true)
                .size();
    }

    /** @return the vocabulary, token id order */
    public List<String> tokens() {
        return GgufModelChecks.stringArray(source, parsed.metadata(), GgufModelChecks.TOKENS_KEY, true);
    }

    /** @return the tensor type that holds the most bytes, such as {@code Q8_0}; empty without tensors */
    public Optional<GgufTensorType> quantisation() {
        Map<GgufTensorType, Long> bytes = new EnumMap<>(GgufTensorType.class);
        for (GgufTensor t : parsed.tensors()) {
            bytes.merge(t.type(), t.sizeBytes(), Long::sum);
        }
        return bytes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
    }

    /** @return the Jinja chat template, {@code tokenizer.chat_template}, when present */
    public Optional<String> chatTemplate() {
        return parsed.metadata().get("tokenizer.chat_template") instanceof String template
                ? Optional.of(template)
                : Optional.empty();
    }

    /**
     * @param key a metadata key
     * @return the integer value, when present and an integer
     */
    public Optional<Long> integer(String key) {
        return parsed.metadata().get(key) instanceof Long value ? Optional.of(value) : Optional.empty();
    }

    /**
     * @param key a metadata key
     * @return the string value, when present and a string
     */
    public Optional<String> string(String key) {
        return parsed.metadata().get(key) instanceof String value ? Optional.of(value) : Optional.empty();
    }

    private long architectureLong(String suffix) {
        return integer(architecture() + "." + suffix).orElse(0L);
    }

    /**
     * Describes the model as one JSON object: the summary fields, then every metadata value (arrays longer than 8
     * elements summarised by element count), then the tensor count.
     *
     * @return the JSON text
     */
    public String toJson() {
        StringBuilder out = new StringBuilder(1024).append("{\n");
        field(out, "file", source);
        field(out, "version", version());
        field(out, "fileSizeBytes", fileSizeBytes());
        field(out, "architecture", architecture());
        field(out, "name", name());
        field(out, "parameterCount", parameterCount());
        field(out, "contextLength", contextLength());
        field(out, "embeddingLength", embeddingLength());
        field(out, "layerCount", layerCount());
        field(out, "vocabularySize", vocabularySize());
        field(out, "quantisation", quantisation().map(Enum::name).orElse(null));
        field(out, "chatTemplate", chatTemplate().orElse(null));
        field(out, "tensorCount", tensors().size());
        out.append("  \"metadata\": {");
        String separator = "\n";
        for (Map.Entry<String, Object> e : parsed.metadata().entrySet()) {
            out.append(separator).append("    ");
            JsonText.quote(out, e.getKey()).append(": ");
            value(out, e.getValue());
            separator = ",\n";
        }
        return out.append("\n  }\n}\n").toString();
    }

    private static void field(StringBuilder out, String name, Object value) {
        out.append("  ");
        JsonText.quote(out, name).append(": ");
        value(out, value);
        out.append(",\n");
    }

    private static void value(StringBuilder out, Object value) {
        switch (value) {
            case null -> out.append("null");
            case String s -> JsonText.quote(out, s);
            case Double d -> out.append(d.isNaN() || d.isInfinite() ? JsonText.quote(d.toString()) : d.toString());
            case List<?> list
            when list.size() > 8 ->
                out.append("{\"arrayLength\": ").append(list.size()).append('}');
            case List<?> list -> {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.append(", ");
                    }
                    value(out, list.get(i));
                }
                out.append(']');
            }
            default -> out.append(value);
        }
    }

    @Override
    public String toString() {
        return "GgufFile[" + source + ", " + architecture() + " '" + name() + "', " + parameterCount() + " parameters, "
                + tensors().size() + " tensors]";
    }
}
