package dev.sluice.inference.gguf;

import dev.sluice.core.BadInputException;
import dev.sluice.core.CorruptDataException;
import dev.sluice.core.JsonText;
import dev.sluice.ffi.MappedFile;
import dev.sluice.inference.gguf.internal.GgufModelChecks;
import dev.sluice.inference.gguf.internal.GgufParser;
import dev.sluice.inference.gguf.internal.LlamaCppChecks;
import dev.sluice.inference.gguf.internal.ParsedGguf;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A GGUF model file, read and validated in Java before any native code sees it: the header, every metadata value,
 * every tensor description and the placement of the tensor data (inside the file, aligned, back to back in file
 * order), then the model metadata (an allowed architecture with its required keys, each key of the type llama.cpp
 * reads it with, hyperparameters within what llama.cpp asserts, a tokenizer llama.cpp pairs with the architecture
 * and a consistent vocabulary without duplicate tokens). {@link #requireLoadable()} adds what loading needs: exactly
 * the tensors llama.cpp's loader for the architecture creates, of the shapes and types it can compute with, byte
 * tokens for a SentencePiece vocabulary and chat templates its parser survives. A file that passes both is loaded by llama.cpp b4916 (the version
 * java-llama.cpp 4.2.0 ships) without refusing it or aborting the process on its structure. Not checked: the tensor
 * values, and what the chat template does when llama.cpp runs it at load (a template that recurses without end
 * crashes it; one that loops 10^8 times stalls it), which no check short of running it can bound. Messages name the
 * key or tensor and the reason; text from the file is quoted through {@link GgufText#printable}.
 *
 * <p>Cost: {@link #read(Path)} maps the file, reads only its header region and unmaps it; tensor data is never read.
 * Memory is bounded by what is kept, not by what the file claims: the vocabulary as its bytes plus four per token,
 * its scores and types as their bytes, other metadata arrays only up to {@link GgufSkippedArray#KEPT_ELEMENTS}
 * elements (longer ones become a {@link GgufSkippedArray}). Immutable and thread-safe.
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

    /**
     * Checks what llama.cpp needs to load this model beyond what {@link #read} checks: exactly the tensors its loader
     * for the architecture creates (none missing, none extra), each of the shape it expects and of a type its CPU
     * backend computes with, for a SentencePiece ({@code llama}) vocabulary a token for every byte, and chat templates
     * that llama.cpp's template parser can parse without overflowing its stack. Call it before
     * handing the file to llama.cpp; {@code read} alone accepts files that are consistent but not loadable, so that
     * they can still be inspected.
     *
     * @return this file
     * @throws CorruptDataException naming the tensor or token and the reason llama.cpp would refuse the file or abort
     */
    public GgufFile requireLoadable() {
        LlamaCppChecks.check(parsed, source);
        return this;
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
     *     {@link Double}, {@link Boolean}, {@link String}, arrays as unmodifiable lists of those, except arrays that
     *     were not kept (see {@link GgufSkippedArray}); the strings are the file's and may hold any character, so
     *     pass them through {@link GgufText#printable} before printing them to a terminal
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
            case GgufSkippedArray skipped ->
                out.append("{\"arrayLength\": ").append(skipped.length()).append('}');
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
        return "GgufFile[" + source + ", " + GgufText.printable(architecture()) + " '" + GgufText.printable(name())
                + "', " + parameterCount() + " parameters, " + tensors().size() + " tensors]";
    }
}
