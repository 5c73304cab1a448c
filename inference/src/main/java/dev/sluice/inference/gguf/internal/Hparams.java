package dev.sluice.inference.gguf.internal;

import static dev.sluice.inference.gguf.internal.GgufModelChecks.corrupt;
import static dev.sluice.inference.gguf.internal.GgufModelChecks.q;

import dev.sluice.core.CorruptDataException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model's hyperparameters as llama.cpp b4916 derives them in {@code llama_model::load_hparams}, checked against what
 * it asserts there and in the graph it builds when a context is created (an assertion aborts the process): expert
 * counts, head counts and sizes, the rotary dimensions, the rope scaling type, the sliding window. Per-layer arrays
 * must hold one value for every layer: llama.cpp sizes every layer's tensors by layer 0's values.
 *
 * @param architecture the architecture
 * @param contextLength the trained context length
 * @param embeddingLength the embedding width
 * @param layers the number of blocks
 * @param heads attention heads
 * @param kvHeads key/value heads
 * @param headSize the size of a key (and value) head
 * @param feedForwardLength the feed-forward width
 * @param rotaryDimensions the rotated dimensions of a head
 * @param experts the experts per layer, 0 without
 * @param expertsUsed the experts used per token
 * @param ropeScaling the rope scaling type
 * @param tokenTypes {@code tokenizer.ggml.token_type_count}, 0 when absent
 * @param poolingType the pooling type, -1 when absent
 */
public record Hparams(
        String architecture,
        long contextLength,
        long embeddingLength,
        long layers,
        long heads,
        long kvHeads,
        long headSize,
        long feedForwardLength,
        long rotaryDimensions,
        long experts,
        long expertsUsed,
        String ropeScaling,
        long tokenTypes,
        long poolingType) {
    private static final long MAX_CONTEXT = 1L << 24;
    private static final long MAX_WIDTH = 1L << 20;
    private static final Set<String> FULL_ROTARY = Set.of("llama", "falcon", "qwen2", "starcoder2");
    private static final Set<String> HEADS_SPAN_EMBEDDING =
            Set.of("qwen2", "starcoder2", "falcon", "bert", "nomic-bert", "phi3");

    /**
     * Derives and checks the hyperparameters of a file whose key types are checked.
     *
     * @param parsed the parsed file
     * @param source the file's name for messages
     * @return the hyperparameters
     * @throws CorruptDataException naming the first value llama.cpp would refuse or abort on
     */
    public static Hparams of(ParsedGguf parsed, String source) {
        Reader r = new Reader(parsed, source);
        String a = (String) parsed.metadata().get(GgufModelChecks.ARCHITECTURE_KEY);
        String p = a + ".";
        long context = r.positive(p + "context_length", MAX_CONTEXT);
        long width = r.positive(p + "embedding_length", MAX_WIDTH);
        long layers = r.positive(p + "block_count", GgufModelChecks.MAX_LAYERS);
        long heads = r.layered(p + "attention.head_count", layers, MAX_WIDTH);
        long feedForward = r.layered(p + "feed_forward_length", layers, MAX_WIDTH);
        long kvHeads = parsed.metadata().containsKey(p + "attention.head_count_kv")
                ? r.layered(p + "attention.head_count_kv", layers, heads)
                : heads;
        if (heads % kvHeads != 0) {
            throw corrupt(
                    source,
                    "has " + p + "attention.head_count " + heads + " not divisible by " + p + "attention.head_count_kv "
                            + kvHeads);
        }

        long experts = r.optional(p + "expert_count", 0);
        long used = r.optional(p + "expert_used_count", 0);
        if (experts > GgufModelChecks.MAX_EXPERTS) {
            throw corrupt(
                    source,
                    "has " + p + "expert_count = " + experts + "; llama.cpp asserts at most "
                            + GgufModelChecks.MAX_EXPERTS + " (LLAMA_MAX_EXPERTS) and aborts the process");
        }
        if (used > experts) {
            throw corrupt(
                    source,
                    "has " + p + "expert_used_count = " + used + " greater than " + p + "expert_count = " + experts
                            + "; llama.cpp asserts expert_used_count <= expert_count and aborts the process");
        }
        if (experts > 0 && used == 0) {
            throw corrupt(
                    source,
                    "has " + p + "expert_count = " + experts + " but no " + p + "expert_used_count; llama.cpp"
                            + " asserts that a model with experts uses some and aborts the process");
        }
        if (experts > 0 && !a.equals("llama")) {
            throw corrupt(
                    source, "has " + p + "expert_count = " + experts + ", but llama.cpp's " + a + " has no experts");
        }

        boolean explicitHeads = parsed.metadata().containsKey(p + "attention.key_length")
                && parsed.metadata().containsKey(p + "attention.value_length");
        if (!explicitHeads && width % heads != 0) {
            throw corrupt(
                    source,
                    "has " + p + "embedding_length " + width + " not divisible by " + p + "attention.head_count "
                            + heads);
        }
        long keySize = r.optionalPositive(p + "attention.key_length", width / heads, MAX_WIDTH);
        long valueSize = r.optionalPositive(p + "attention.value_length", width / heads, MAX_WIDTH);
        if (keySize != valueSize) {
            throw corrupt(
                    source,
                    "has key heads of " + keySize + " and value heads of " + valueSize + " (" + p
                            + "attention.key_length, value_length); llama.cpp's graph for " + a
                            + " needs them equal and aborts the process otherwise");
        }
        if (HEADS_SPAN_EMBEDDING.contains(a) && keySize * heads != width) {
            throw corrupt(
                    source,
                    "has " + heads + " heads of " + keySize + " for an embedding of " + width + "; llama.cpp's graph"
                            + " for " + a + " needs heads x head size = embedding_length and aborts otherwise");
        }
        long rotary = r.optional(p + "rope.dimension_count", keySize);
        if (!a.equals("bert")) { // bert has learned positions, no rope
            if (FULL_ROTARY.contains(a) && rotary != keySize) {
                throw corrupt(
                        source,
                        "has " + p + "rope.dimension_count " + rotary + " for heads of " + keySize + "; llama.cpp"
                                + " needs them equal for " + a + " (it refuses the file or aborts the process)");
            }
            if (rotary < 2 || rotary > keySize || rotary % 2 != 0) {
                throw corrupt(
                        source,
                        "has " + p + "rope.dimension_count " + rotary + " for heads of " + keySize + "; ggml's rope"
                                + " needs an even count from 2 to the head size and aborts otherwise");
            }
        }

        String scaling = "linear";
        if (parsed.metadata().get(p + "rope.scaling.type") instanceof String type) {
            if (!GgufModelChecks.ROPE_SCALING_TYPES.contains(type)) {
                throw corrupt(
                        source,
                        "has " + p + "rope.scaling.type '" + q(type) + "'; llama.cpp knows "
                                + List.of("none", "linear", "yarn", "longrope") + " and aborts on any other");
            }
            scaling = type;
        }
        r.epsilon(p + GgufModelChecks.RMS_EPS);
        r.epsilon(p + GgufModelChecks.NORM_EPS);
        r.finite(p + "rope.freq_base", true);
        r.finite(p + "rope.scaling.factor", false);
        r.finite(p + "rope.scale_linear", false);
        r.finite(p + "rope.scaling.attn_factor", false);
        r.finite(p + "attn_logit_softcapping", true);
        r.finite(p + "final_logit_softcapping", true);

        switch (a) {
            case "gemma2" -> {
                if (layers != 26 && layers != 42 && layers != 46) {
                    throw corrupt(
                            source,
                            "has " + layers + " gemma2 blocks; llama.cpp knows the 2B, 9B and 27B models (26, 42"
                                    + " and 46 blocks) and aborts building the graph of any other");
                }
                r.optionalPositive(p + "attention.sliding_window", 4096, Long.MAX_VALUE);
            }
            case "gemma3" -> {
                r.positive(p + "attention.sliding_window", Long.MAX_VALUE);
                if (layers < 6) { // with sliding-window attention in 5 of every 6 blocks, fewer leave a mask unused
                    throw corrupt(
                            source,
                            "has " + layers + " gemma3 blocks; llama.cpp needs at least 6 (one without a sliding"
                                    + " window) and crashes the process generating with fewer");
                }
            }
            case "phi3" -> {
                boolean defaulted = (layers == 32 || layers == 40) && context == 4096
                        || layers == 32 && kvHeads == 32 && context == 131072
                        || layers == 40 && context == 131072;
                if (!defaulted && !parsed.metadata().containsKey(p + "attention.sliding_window")) {
                    throw corrupt(
                            source,
                            "lacks " + p + "attention.sliding_window, which llama.cpp needs for this phi3 model"
                                    + " (it refuses the file)");
                }
            }
            default -> {}
        }
        long pooling = -1;
        if (a.equals("bert") || a.equals("nomic-bert")) {
            long max = a.equals("bert") ? 4 : 3; // 4 is rank, which needs the cls tensors nomic-bert has not
            pooling = r.optional(p + "pooling_type", -1);
            if (pooling > max) {
                throw corrupt(
                        source,
                        "has " + p + "pooling_type = " + pooling + "; llama.cpp knows 0 to " + max + " for " + a
                                + " and aborts on another");
            }
        }
        long tokenTypes = r.optional("tokenizer.ggml.token_type_count", 0);
        return new Hparams(
                a,
                context,
                width,
                layers,
                heads,
                kvHeads,
                keySize,
                feedForward,
                rotary,
                experts,
                used,
                scaling,
                tokenTypes,
                pooling);
    }

    /** Reads values whose types {@link GgufModelChecks} has checked. */
    private record Reader(ParsedGguf parsed, String source) {
        Map<String, Object> metadata() {
            return parsed.metadata();
        }

        long positive(String key, long cap) {
            Object value = metadata().get(key);
            if (!(value instanceof Long number) || number < 1 || number > cap) {
                throw corrupt(
                        source,
                        "has " + q(key) + " = " + q(String.valueOf(value)) + "; it must be an integer from 1 to "
                                + cap);
            }
            return number;
        }

        long optionalPositive(String key, long fallback, long cap) {
            return metadata().containsKey(key) ? positive(key, cap) : fallback;
        }

        long optional(String key, long fallback) {
            return metadata().get(key) instanceof Long number ? number : fallback;
        }

        /** A uint32, or an int32 array with one value per layer, all the same. */
        long layered(String key, long layers, long cap) {
            Object value = metadata().get(key);
            if (!(value instanceof List<?> list)) {
                return positive(key, cap);
            }
            if (list.size() != layers) {
                throw corrupt(
                        source,
                        "has " + list.size() + " entries in " + q(key) + " for " + layers + " blocks; llama.cpp"
                                + " refuses an array of another length");
            }
            Object first = list.getFirst();
            for (Object entry : list) {
                if (!(entry instanceof Long number) || number < 1 || number > cap || !entry.equals(first)) {
                    throw corrupt(
                            source,
                            "has " + q(key) + " = " + list + "; Sluice needs one value from 1 to " + cap + " for every"
                                    + " block, as llama.cpp sizes every block's tensors by block 0's value");
                }
            }
            return (Long) first;
        }

        void epsilon(String key) {
            Object value = metadata().get(key);
            if (value != null && (!(value instanceof Double epsilon) || !(epsilon > 0 && epsilon < 1))) {
                throw corrupt(source, "has " + q(key) + " = " + value + "; it must be a float in (0, 1)");
            }
        }

        void finite(String key, boolean positive) {
            Object value = metadata().get(key);
            if (value != null
                    && (!(value instanceof Double number)
                            || !Double.isFinite(number)
                            || (positive ? number <= 0 : number < 0))) {
                throw corrupt(
                        source,
                        "has " + q(key) + " = " + value + "; it must be a finite float"
                                + (positive ? " above 0" : " of 0 or more"));
            }
        }
    }
}
