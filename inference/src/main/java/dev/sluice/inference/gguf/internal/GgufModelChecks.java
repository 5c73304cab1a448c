package dev.sluice.inference.gguf.internal;

import dev.sluice.core.CorruptDataException;
import dev.sluice.inference.gguf.GgufTensor;
import java.util.List;
import java.util.Map;

/**
 * The checks on what a structurally sound GGUF file says: the architecture is one we allow, its required
 * hyperparameters are present, positive and within sane caps, and the tokenizer's arrays agree in length with each
 * other, with the special token ids and with the token embedding's shape. Stricter than llama.cpp, which trusts
 * some of these values.
 */
public final class GgufModelChecks {
    /** The key naming the architecture. */
    public static final String ARCHITECTURE_KEY = "general.architecture";
    /** The key holding the vocabulary. */
    public static final String TOKENS_KEY = "tokenizer.ggml.tokens";

    private static final List<String> COMMON_KEYS =
            List.of("context_length", "embedding_length", "block_count", "attention.head_count");
    private static final Map<String, List<String>> REQUIRED_KEYS = Map.of(
            "llama",
            List.of(
                    "context_length",
                    "embedding_length",
                    "block_count",
                    "feed_forward_length",
                    "attention.head_count",
                    "attention.layer_norm_rms_epsilon"),
            "qwen2",
            COMMON_KEYS,
            "gemma",
            COMMON_KEYS,
            "gemma2",
            COMMON_KEYS,
            "gemma3",
            COMMON_KEYS,
            "phi3",
            COMMON_KEYS,
            "starcoder2",
            COMMON_KEYS,
            "falcon",
            COMMON_KEYS,
            "bert",
            COMMON_KEYS,
            "nomic-bert",
            COMMON_KEYS);
    private static final long MAX_CONTEXT = 1L << 24;
    private static final long MAX_WIDTH = 1L << 20;
    private static final long MAX_LAYERS = 4096;

    private GgufModelChecks() {}

    /** @return the allowed architectures, sorted */
    public static List<String> allowedArchitectures() {
        return REQUIRED_KEYS.keySet().stream().sorted().toList();
    }

    /**
     * Checks a parsed file's model metadata.
     *
     * @param parsed the parsed file
     * @param source the file's name for messages
     * @throws CorruptDataException naming the first problem found
     */
    public static void check(ParsedGguf parsed, String source) {
        Map<String, Object> metadata = parsed.metadata();
        if (!(metadata.get(ARCHITECTURE_KEY) instanceof String architecture)) {
            throw corrupt(source, "has no string " + ARCHITECTURE_KEY);
        }
        List<String> required = REQUIRED_KEYS.get(architecture);
        if (required == null) {
            throw corrupt(
                    source,
                    "has architecture '" + architecture + "', which is not on the allow-list "
                            + allowedArchitectures());
        }
        for (String suffix : required) {
            String key = architecture + "." + suffix;
            Object value = metadata.get(key);
            if (value == null) {
                throw corrupt(source, "lacks the key " + key + ", which architecture " + architecture + " requires");
            }
            if (suffix.endsWith("epsilon")) {
                if (!(value instanceof Double epsilon) || !(epsilon > 0 && epsilon < 1)) {
                    throw corrupt(source, "has " + key + " = " + value + "; it must be a float in (0, 1)");
                }
            } else {
                long cap = suffix.equals("context_length")
                        ? MAX_CONTEXT
                        : suffix.equals("block_count") ? MAX_LAYERS : MAX_WIDTH;
                positive(source, key, value, cap);
            }
        }
        if (architecture.equals("llama")) {
            long width = (Long) metadata.get("llama.embedding_length");
            long heads = (Long) metadata.get("llama.attention.head_count");
            if (width % heads != 0) {
                throw corrupt(
                        source,
                        "has llama.embedding_length " + width + " not divisible by llama.attention.head_count "
                                + heads);
            }
            Object kvHeads = metadata.get("llama.attention.head_count_kv");
            if (kvHeads != null && heads % positive(source, "llama.attention.head_count_kv", kvHeads, heads) != 0) {
                throw corrupt(
                        source,
                        "has llama.attention.head_count " + heads + " not divisible by llama.attention.head_count_kv "
                                + kvHeads);
            }
        }
        checkTokenizer(parsed, source, architecture);
    }

    private static void checkTokenizer(ParsedGguf parsed, String source, String architecture) {
        Map<String, Object> metadata = parsed.metadata();
        if (!(metadata.get("tokenizer.ggml.model") instanceof String)) {
            throw corrupt(source, "has no string tokenizer.ggml.model");
        }
        int vocabulary = stringArray(source, metadata, TOKENS_KEY, true).size();
        if (vocabulary == 0) {
            throw corrupt(source, "has an empty " + TOKENS_KEY);
        }
        for (String key : List.of("tokenizer.ggml.scores", "tokenizer.ggml.token_type")) {
            Object value = metadata.get(key);
            if (value == null) {
                continue;
            }
            if (!(value instanceof List<?> list)) {
                throw corrupt(source, "has " + key + " that is not an array");
            }
            Class<?> expected = key.endsWith("scores") ? Double.class : Long.class;
            if (list.size() != vocabulary) {
                throw corrupt(
                        source,
                        "has " + list.size() + " entries in " + key + " but " + vocabulary + " in " + TOKENS_KEY);
            }
            if (!list.isEmpty() && !expected.isInstance(list.getFirst())) {
                throw corrupt(source, "has " + key + " of the wrong element type");
            }
        }
        for (Map.Entry<String, Object> e : metadata.entrySet()) {
            String key = e.getKey();
            if (key.startsWith("tokenizer.ggml.") && key.endsWith("_token_id")) {
                if (!(e.getValue() instanceof Long id) || id < 0 || id >= vocabulary) {
                    throw corrupt(
                            source,
                            "has " + key + " = " + e.getValue() + ", outside the vocabulary of " + vocabulary
                                    + " tokens");
                }
            }
        }
        Object declared = metadata.get(architecture + ".vocab_size");
        if (declared != null && !declared.equals((long) vocabulary)) {
            throw corrupt(
                    source,
                    "declares " + architecture + ".vocab_size " + declared + " but has " + vocabulary + " tokens");
        }
        Object width = metadata.get(architecture + ".embedding_length");
        for (GgufTensor tensor : parsed.tensors()) {
            if (tensor.name().equals("token_embd.weight")) {
                List<Long> dims = tensor.dimensions();
                if (dims.size() != 2
                        || dims.get(1) != vocabulary
                        || !dims.getFirst().equals(width)) {
                    throw corrupt(
                            source,
                            "has token_embd.weight of shape " + dims + "; expected [" + width + ", " + vocabulary
                                    + "] (embedding length, vocabulary size)");
                }
            }
        }
    }

    /**
     * @param source the file's name for messages
     * @param metadata the metadata
     * @param key a key
     * @param required whether a missing key is an error
     * @return the value as a list of strings, empty when absent and not required
     */
    @SuppressWarnings("unchecked")
    public static List<String> stringArray(String source, Map<String, Object> metadata, String key, boolean required) {
        Object value = metadata.get(key);
        if (value == null && !required) {
            return List.of();
        }
        if (!(value instanceof List<?> list) || (!list.isEmpty() && !(list.getFirst() instanceof String))) {
            throw corrupt(source, value == null ? "has no " + key : "has " + key + " that is not a string array");
        }
        return (List<String>) list;
    }

    private static long positive(String source, String key, Object value, long cap) {
        if (!(value instanceof Long number) || number < 1 || number > cap) {
            throw corrupt(source, "has " + key + " = " + value + "; it must be an integer from 1 to " + cap);
        }
        return number;
    }

    private static CorruptDataException corrupt(String source, String problem) {
        return new CorruptDataException("GGUF file " + source + " " + problem);
    }
}
