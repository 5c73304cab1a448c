package dev.sluice.inference.gguf.internal;

import static dev.sluice.inference.gguf.internal.GgufLayout.*;

import dev.sluice.core.CorruptDataException;
import dev.sluice.inference.gguf.GgufSkippedArray;
import dev.sluice.inference.gguf.GgufTensor;
import dev.sluice.inference.gguf.GgufText;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The checks on what a structurally sound GGUF file says, made before any native code reads it: the architecture is
 * one we allow, its required hyperparameters are present, of the type llama.cpp reads them with, and within the
 * bounds llama.cpp asserts (an assertion there aborts the process); the tokenizer is one llama.cpp pairs with the
 * architecture, its arrays agree with each other, with the special token ids and with the token embedding's shape,
 * and no two tokens are the same text (llama.cpp asserts that too). The rules follow llama.cpp b4916, the version
 * java-llama.cpp 4.2.0 ships: {@code llama-model.cpp} ({@code load_hparams} and the graph builders' assertions),
 * {@code llama-vocab.cpp} ({@code llama_vocab::impl::load}) and {@code llama-model-loader.cpp} (typed key reads).
 *
 * <p>What needs the tensors as well, the checks that make a file loadable rather than merely consistent, is in
 * {@link LlamaCppChecks}. Every failure is a {@link CorruptDataException} that names the key and the reason; text
 * from the file is quoted through {@link GgufText#printable}.
 */
public final class GgufModelChecks {
    /** The key naming the architecture. */
    public static final String ARCHITECTURE_KEY = "general.architecture";
    /** The key holding the vocabulary. */
    public static final String TOKENS_KEY = "tokenizer.ggml.tokens";
    /** The key naming the tokenizer. */
    public static final String TOKENIZER_MODEL_KEY = "tokenizer.ggml.model";
    /** The key holding the token types. */
    public static final String TOKEN_TYPE_KEY = "tokenizer.ggml.token_type";
    /** The largest {@code block_count}: llama.cpp's per-layer arrays hold 512 entries (LLAMA_MAX_LAYERS). */
    public static final long MAX_LAYERS = 512;
    /** The largest {@code expert_count} llama.cpp accepts; it aborts above (LLAMA_MAX_EXPERTS). */
    public static final long MAX_EXPERTS = 256;
    /** The token type llama.cpp gives byte tokens ({@code <0x0A>}). */
    static final long TOKEN_TYPE_BYTE = 6;

    static final String RMS_EPS = "attention.layer_norm_rms_epsilon";
    static final String NORM_EPS = "attention.layer_norm_epsilon";
    private static final List<String> DECODER =
            List.of("context_length", "embedding_length", "block_count", "feed_forward_length", "attention.head_count");
    private static final Map<String, List<String>> REQUIRED_KEYS = Map.of(
            "llama", with(DECODER, RMS_EPS),
            "qwen2", with(DECODER, RMS_EPS),
            "gemma", with(DECODER, RMS_EPS),
            "gemma2", with(DECODER, RMS_EPS),
            "gemma3", with(DECODER, RMS_EPS, "attention.sliding_window"),
            "phi3", with(DECODER, RMS_EPS),
            "starcoder2", with(DECODER, NORM_EPS),
            "falcon", with(DECODER, NORM_EPS),
            "bert", with(DECODER, NORM_EPS, "attention.causal"),
            "nomic-bert", with(DECODER, NORM_EPS, "attention.causal", "pooling_type"));

    /** The tokenizers ({@code tokenizer.ggml.model}) llama.cpp can use with each architecture's models. */
    private static final Map<String, List<String>> TOKENIZERS = Map.of(
            "llama", List.of("llama", "gpt2"),
            "qwen2", List.of("gpt2"),
            "gemma", List.of("llama"),
            "gemma2", List.of("llama"),
            "gemma3", List.of("llama"),
            "phi3", List.of("llama", "gpt2"),
            "starcoder2", List.of("gpt2"),
            "falcon", List.of("gpt2"),
            "bert", List.of("bert"),
            "nomic-bert", List.of("bert"));

    /** The pre-tokenizers ({@code tokenizer.ggml.pre}) llama.cpp b4916 knows for a {@code gpt2} tokenizer. */
    private static final Set<String> PRE_TOKENIZERS = Set.of(
            "default",
            "llama3",
            "llama-v3",
            "llama-bpe",
            "falcon3",
            "deepseek-llm",
            "deepseek-coder",
            "deepseek-v3",
            "falcon",
            "mpt",
            "starcoder",
            "gpt-2",
            "phi-2",
            "jina-es",
            "jina-de",
            "gigachat",
            "jina-v1-en",
            "jina-v2-es",
            "jina-v2-de",
            "jina-v2-code",
            "roberta-bpe",
            "refact",
            "command-r",
            "qwen2",
            "deepseek-r1-qwen",
            "stablelm2",
            "olmo",
            "dbrx",
            "smaug-bpe",
            "poro-chat",
            "chatglm-bpe",
            "viking",
            "jais",
            "tekken",
            "smollm",
            "codeshell",
            "bloom",
            "gpt3-finnish",
            "exaone",
            "chameleon",
            "minerva-7b",
            "megrez",
            "gpt-4o");

    /** The rope scaling types llama.cpp knows; it asserts on any other (an abort). */
    static final Set<String> ROPE_SCALING_TYPES = Set.of("none", "linear", "yarn", "longrope");

    /** Value types of the keys llama.cpp reads; its typed reader refuses (or ggml aborts on) another type. */
    private static final Map<String, Integer> ARCH_KEY_TYPES = new HashMap<>();

    private static final Map<String, Integer> GLOBAL_KEY_TYPES = new HashMap<>();

    /** The special token ids llama.cpp reads, each a uint32. */
    static final List<String> SPECIAL_TOKEN_KEYS = List.of(
            "bos",
            "eos",
            "eot",
            "eom",
            "unknown",
            "seperator",
            "padding",
            "mask",
            "fim_pre",
            "fim_suf",
            "fim_mid",
            "fim_pad",
            "fim_rep",
            "fim_sep",
            "prefix",
            "suffix",
            "middle");

    /** A key whose value may be a uint32 or an int32 array with one entry per layer. */
    private static final int LAYERED = -2;

    static {
        for (String key : List.of(
                "vocab_size",
                "context_length",
                "embedding_length",
                "block_count",
                "expert_count",
                "expert_used_count",
                "rope.scaling.original_context_length",
                "attention.key_length",
                "attention.value_length",
                "rope.dimension_count",
                "pooling_type",
                "attention.sliding_window")) {
            ARCH_KEY_TYPES.put(key, TYPE_UINT32);
        }
        for (String key : List.of(
                "rope.freq_base",
                "rope.scaling.factor",
                "rope.scale_linear",
                "rope.scaling.attn_factor",
                NORM_EPS,
                RMS_EPS,
                "attn_logit_softcapping",
                "final_logit_softcapping")) {
            ARCH_KEY_TYPES.put(key, TYPE_FLOAT32);
        }
        ARCH_KEY_TYPES.put("rope.scaling.finetuned", TYPE_BOOL);
        ARCH_KEY_TYPES.put("attention.causal", TYPE_BOOL);
        ARCH_KEY_TYPES.put("rope.scaling.type", TYPE_STRING);
        for (String key : List.of("feed_forward_length", "attention.head_count", "attention.head_count_kv")) {
            ARCH_KEY_TYPES.put(key, LAYERED);
        }
        GLOBAL_KEY_TYPES.put(ARCHITECTURE_KEY, TYPE_STRING);
        GLOBAL_KEY_TYPES.put("general.name", TYPE_STRING);
        GLOBAL_KEY_TYPES.put("general.file_type", TYPE_UINT32);
        GLOBAL_KEY_TYPES.put("split.count", TYPE_UINT16);
        GLOBAL_KEY_TYPES.put(TOKENIZER_MODEL_KEY, TYPE_STRING);
        GLOBAL_KEY_TYPES.put("tokenizer.ggml.pre", TYPE_STRING);
        GLOBAL_KEY_TYPES.put("tokenizer.ggml.token_type_count", TYPE_UINT32);
        for (String key : List.of("add_space_prefix", "remove_extra_whitespaces", "add_bos_token", "add_eos_token")) {
            GLOBAL_KEY_TYPES.put("tokenizer.ggml." + key, TYPE_BOOL);
        }
        for (String id : SPECIAL_TOKEN_KEYS) {
            GLOBAL_KEY_TYPES.put("tokenizer.ggml." + id + "_token_id", TYPE_UINT32);
        }
    }

    private GgufModelChecks() {}

    private static List<String> with(List<String> base, String... more) {
        return Stream.concat(base.stream(), Arrays.stream(more)).toList();
    }

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
                    "has architecture '" + q(architecture) + "', which is not on the allow-list "
                            + allowedArchitectures());
        }
        for (String suffix : required) {
            String key = architecture + "." + suffix;
            if (metadata.get(key) == null) {
                throw corrupt(source, "lacks the key " + key + ", which architecture " + architecture + " requires");
            }
        }
        checkTypes(parsed, source, architecture);
        Hparams.of(parsed, source); // every value within what llama.cpp asserts or accepts
        checkTokenizer(parsed, source, architecture);
    }

    /** No arrays of arrays, and each key llama.cpp reads has the one type it reads it with. */
    private static void checkTypes(ParsedGguf parsed, String source, String architecture) {
        String prefix = architecture + ".";
        for (Map.Entry<String, GgufValueType> e : parsed.types().entrySet()) {
            String key = e.getKey();
            GgufValueType type = e.getValue();
            if (type.isArray() && type.elementType() == TYPE_ARRAY) {
                throw corrupt(source, "has '" + q(key) + "', an array of arrays; llama.cpp refuses nested arrays");
            }
            Integer expected = GLOBAL_KEY_TYPES.get(key);
            if (expected == null && key.startsWith(prefix)) {
                expected = ARCH_KEY_TYPES.get(key.substring(prefix.length()));
            }
            if (expected == null) {
                continue;
            }
            boolean ok = expected == LAYERED
                    ? type.type() == TYPE_UINT32 || type.isArray() && type.elementType() == TYPE_INT32
                    : type.type() == expected;
            if (!ok) {
                String wanted = expected == LAYERED ? "a uint32 or an int32 array" : "a " + typeName(expected);
                throw corrupt(
                        source,
                        "has " + q(key) + " of type " + type.describe() + "; llama.cpp reads it as " + wanted
                                + " and refuses (or aborts on) any other type");
            }
        }
        Object split = parsed.metadata().get("split.count");
        if (split instanceof Long count && count > 1) {
            throw corrupt(
                    source,
                    "is one part of a split model (split.count = " + count
                            + "); llama.cpp would open the other parts by name, so Sluice loads single-file models"
                            + " only (merge the parts with llama-gguf-split --merge)");
        }
    }

    private static void checkTokenizer(ParsedGguf parsed, String source, String architecture) {
        Map<String, Object> metadata = parsed.metadata();
        if (!(metadata.get(TOKENIZER_MODEL_KEY) instanceof String model)) {
            throw corrupt(source, "has no string " + TOKENIZER_MODEL_KEY);
        }
        List<String> tokenizers = TOKENIZERS.get(architecture);
        if (!tokenizers.contains(model)) {
            throw corrupt(
                    source,
                    "has " + TOKENIZER_MODEL_KEY + " '" + q(model) + "', which llama.cpp cannot use with architecture "
                            + architecture + " (it refuses or aborts on such a file); expected one of " + tokenizers);
        }
        List<String> tokens = stringArray(source, metadata, TOKENS_KEY, true);
        int vocabulary = tokens.size();
        if (vocabulary == 0) {
            throw corrupt(source, "has an empty " + TOKENS_KEY);
        }
        if (!(tokens instanceof TokenTable table)) {
            throw corrupt(source, "has " + TOKENS_KEY + " that is not a string array");
        }
        int[] duplicate = table.index().duplicate();
        if (duplicate != null) {
            String text = table.length(duplicate[1]) == 0 ? table.get(duplicate[0]) : table.get(duplicate[1]);
            throw corrupt(
                    source,
                    "has the token '" + q(text) + "' twice in " + TOKENS_KEY + " (ids " + duplicate[0] + " and "
                            + duplicate[1] + "; llama.cpp names an empty token [EMPTY_id]); llama.cpp asserts that"
                            + " tokens are unique and aborts the process");
        }
        for (String key : List.of("tokenizer.ggml.scores", TOKEN_TYPE_KEY)) {
            Object value = metadata.get(key);
            if (value == null) {
                continue;
            }
            GgufValueType type = parsed.types().get(key);
            if (!type.isArray()) {
                throw corrupt(source, "has " + key + " that is not an array");
            }
            if (type.length() != vocabulary) {
                throw corrupt(
                        source,
                        "has " + type.length() + " entries in " + key + " but " + vocabulary + " in " + TOKENS_KEY);
            }
            int expected = key.endsWith("scores") ? TYPE_FLOAT32 : TYPE_INT32;
            if (type.elementType() != expected) {
                throw corrupt(
                        source,
                        "has " + key + " of the wrong element type " + typeName(type.elementType())
                                + "; llama.cpp reads its raw bytes as " + typeName(expected)
                                + ", past the end for a smaller type");
            }
        }
        for (Map.Entry<String, Object> e : metadata.entrySet()) {
            String key = e.getKey();
            if (key.startsWith("tokenizer.ggml.") && key.endsWith("_token_id")) {
                if (!(e.getValue() instanceof Long id) || id < 0 || id >= vocabulary) {
                    throw corrupt(
                            source,
                            "has " + q(key) + " = " + q(String.valueOf(e.getValue())) + ", outside the vocabulary of "
                                    + vocabulary + " tokens");
                }
            }
        }
        checkDefaultTokenIds(metadata, source, model, vocabulary);
        Object declared = metadata.get(architecture + ".vocab_size");
        if (declared != null && !declared.equals((long) vocabulary)) {
            throw corrupt(
                    source,
                    "declares " + architecture + ".vocab_size " + declared + " but has " + vocabulary + " tokens");
        }
        if (model.equals("gpt2")) {
            GgufValueType merges = parsed.types().get("tokenizer.ggml.merges");
            if (merges == null || !merges.isArray() || merges.elementType() != TYPE_STRING) {
                throw corrupt(
                        source,
                        "has a gpt2 tokenizer without a string array tokenizer.ggml.merges"
                                + (merges == null ? "" : " (found " + merges.describe() + ")")
                                + "; llama.cpp refuses it, or aborts on a non-string array");
            }
            if (metadata.get("tokenizer.ggml.pre") instanceof String pre
                    && !pre.isEmpty()
                    && !PRE_TOKENIZERS.contains(pre)) {
                throw corrupt(
                        source,
                        "has tokenizer.ggml.pre '" + q(pre) + "', a pre-tokenizer llama.cpp b4916 does not know (it"
                                + " refuses the file)");
            }
        }
        if ("chatglm-bpe".equals(metadata.get("tokenizer.ggml.pre"))
                && !metadata.containsKey("tokenizer.ggml.bos_token_id")
                && Boolean.TRUE.equals(metadata.get("tokenizer.ggml.add_bos_token"))) {
            throw corrupt(
                    source,
                    "has tokenizer.ggml.add_bos_token true but no BOS token (the chatglm-bpe pre-tokenizer clears"
                            + " the default and there is no tokenizer.ggml.bos_token_id); llama.cpp asserts a BOS"
                            + " token when it adds one and aborts the process");
        }
        checkTokenTypes(metadata, source, model, table);
        checkTokensLookedUpByName(metadata, source, table);
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

    /** llama.cpp falls back to fixed ids per tokenizer when a special token key is absent; they must exist. */
    private static void checkDefaultTokenIds(
            Map<String, Object> metadata, String source, String model, int vocabulary) {
        Map<String, Long> defaults = switch (model) {
            case "llama" -> Map.of("unknown", 0L, "bos", 1L, "eos", 2L);
            case "bert" -> Map.of("unknown", 100L, "bos", 101L, "seperator", 102L, "mask", 103L, "padding", 0L);
            case "gpt2" -> Map.of("bos", 11L, "eos", 11L);
            default -> Map.of();
        };
        for (String id : SPECIAL_TOKEN_KEYS) {
            Long fallback = defaults.get(id);
            String key = "tokenizer.ggml." + id + "_token_id";
            if (fallback != null && fallback >= vocabulary && !metadata.containsKey(key)) {
                throw corrupt(
                        source,
                        "has " + vocabulary + " tokens and no " + key + "; llama.cpp then uses id " + fallback
                                + ", the " + model + " tokenizer's default, which is outside the vocabulary (set "
                                + key + ")");
            }
        }
    }

    /** Byte tokens: llama.cpp decodes them from their text, and its bert tokenizer aborts on them. */
    private static void checkTokenTypes(Map<String, Object> metadata, String source, String model, TokenTable tokens) {
        if (!(metadata.get(TOKEN_TYPE_KEY) instanceof GgufArrayList types) || types.elementType() != TYPE_INT32) {
            return;
        }
        for (int id = 0; id < types.size(); id++) {
            if (types.int32(id) != TOKEN_TYPE_BYTE) {
                continue;
            }
            if (model.equals("bert")) {
                throw corrupt(
                        source,
                        "has token " + id + " '" + q(tokens.get(id)) + "' of type byte (6) in " + TOKEN_TYPE_KEY
                                + "; llama.cpp's bert tokenizer aborts the process on byte tokens");
            }
            if (model.equals("llama") && !isByteToken(tokens.bytes(id))) {
                throw corrupt(
                        source,
                        "has token " + id + " '" + q(tokens.get(id)) + "' of type byte (6) in " + TOKEN_TYPE_KEY
                                + " that is not of the form <0xXX>, which llama.cpp decodes byte tokens from");
            }
        }
    }

    /** llama.cpp looks some tokens up by text when the model's name or pre-tokenizer says so, and throws if absent. */
    private static void checkTokensLookedUpByName(Map<String, Object> metadata, String source, TokenTable tokens) {
        List<String> needed = List.of();
        if (metadata.get("general.name") instanceof String name) {
            String lower = asciiLowerCase(name);
            if (lower.contains("phi-3") || lower.contains("phi3")) {
                needed = List.of("</s>", "<unk>", "<s>", "<|endoftext|>");
            }
        }
        if (metadata.get("tokenizer.ggml.pre") instanceof String pre
                && (pre.contains("jina-v2-de") || pre.contains("jina-v2-es") || pre.contains("jina-v2-code"))) {
            needed = List.of("<mask>");
        }
        if (needed.isEmpty()) {
            return;
        }
        TokenTable.Index index = tokens.index();
        for (String token : needed) {
            if (index.find(token.getBytes(StandardCharsets.UTF_8)) < 0) {
                throw corrupt(
                        source,
                        "lacks the token '" + token + "', which llama.cpp looks up for this model (by its"
                                + " general.name or tokenizer.ggml.pre) and refuses the file without");
            }
        }
    }

    static boolean isByteToken(byte[] text) {
        return text.length == 6
                && text[0] == '<'
                && text[1] == '0'
                && text[2] == 'x'
                && Character.digit(text[3], 16) >= 0
                && Character.digit(text[4], 16) >= 0
                && text[5] == '>';
    }

    private static String asciiLowerCase(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        return out.toString();
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
            throw corrupt(
                    source,
                    value == null
                            ? "has no " + key
                            : "has " + key + " that is not a string array"
                                    + (value instanceof GgufSkippedArray skipped
                                            ? " (" + skipped.elementType() + " elements)"
                                            : ""));
        }
        return (List<String>) list;
    }

    static String q(String text) {
        return GgufText.printable(text);
    }

    static CorruptDataException corrupt(String source, String problem) {
        return new CorruptDataException("GGUF file " + source + " " + problem);
    }
}
