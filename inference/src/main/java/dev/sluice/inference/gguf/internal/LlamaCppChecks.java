package dev.sluice.inference.gguf.internal;

import static dev.sluice.inference.gguf.GgufTensorType.*;
import static dev.sluice.inference.gguf.internal.GgufModelChecks.corrupt;
import static dev.sluice.inference.gguf.internal.GgufModelChecks.q;

import dev.sluice.core.CorruptDataException;
import dev.sluice.inference.gguf.GgufTensor;
import dev.sluice.inference.gguf.GgufTensorType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a file needs beyond {@link GgufModelChecks} for llama.cpp b4916 (java-llama.cpp 4.2.0) to load it and build
 * its graph without refusing it or aborting the process: exactly the tensors its loader for the architecture creates
 * (no missing one, no extra one, each of the shape it expects, from {@code llama_model::load_tensors}), of types its
 * CPU backend can compute with (norms and biases in F32, weight matrices of a type with a dot product), and, for a
 * SentencePiece vocabulary, a token for every byte (llama.cpp throws an uncaught {@code std::out_of_range} when text
 * needs a byte it has no token for, which aborts the JVM); and chat templates within the nesting its template parser
 * survives ({@link ChatTemplateChecks}).
 *
 * <p>Each failure is a {@link CorruptDataException} naming the tensor or token and the reason. Cost: one pass over
 * the tensor list and, for SentencePiece, a lookup table of the vocabulary (two {@code int}s per token) for the check.
 */
public final class LlamaCppChecks {
    /** Weight types ggml's CPU backend can multiply by (a dot product exists for them). */
    private static final Set<GgufTensorType> MATRIX_TYPES = EnumSet.of(
            F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ2_XXS, IQ2_XS, IQ3_XXS, IQ1_S,
            IQ4_NL, IQ3_S, IQ2_S, IQ4_XS, IQ1_M, TQ1_0, TQ2_0);

    private LlamaCppChecks() {}

    /** How llama.cpp uses a tensor, which decides the types it can have. */
    private enum Use {
        /** Multiplied by (and for the token embedding, rows read from). */
        MATRIX,
        /** One matrix per expert, multiplied by with expert ids. */
        EXPERTS,
        /** A norm, bias, rope factor or the token-type row: added or multiplied element-wise, in F32 only. */
        VECTOR
    }

    private record Expected(String name, long[] shape, Use use, boolean required) {}

    /**
     * Checks a file that passed {@link GgufModelChecks#check} against what llama.cpp needs to load it.
     *
     * @param parsed the parsed file
     * @param source the file's name for messages
     * @throws CorruptDataException naming the first problem found
     */
    public static void check(ParsedGguf parsed, String source) {
        Hparams h = Hparams.of(parsed, source);
        Map<String, Object> metadata = parsed.metadata();
        TokenTable tokens = (TokenTable) metadata.get(GgufModelChecks.TOKENS_KEY);
        if ("llama".equals(metadata.get(GgufModelChecks.TOKENIZER_MODEL_KEY))) {
            checkByteTokens(tokens, source);
        }
        checkTensors(parsed, source, h, tokens.size());
        ChatTemplateChecks.check(metadata, source);
    }

    /** llama.cpp's SentencePiece tokenizer falls back to byte tokens, looked up with a throwing map access. */
    private static void checkByteTokens(TokenTable tokens, String source) {
        TokenTable.Index index = tokens.index();
        for (int b = 0; b < 256; b++) {
            String name = String.format("<0x%02X>", b);
            boolean found = index.find(name.getBytes(StandardCharsets.US_ASCII)) >= 0
                    || b != 0 && index.find(new byte[] {(byte) b}) >= 0;
            if (!found) {
                throw corrupt(
                        source,
                        "has no token for byte 0x" + name.substring(3, 5) + " (" + name + "); llama.cpp's 'llama'"
                                + " (SentencePiece) tokenizer throws an uncaught std::out_of_range when text needs"
                                + " it, which aborts the process");
            }
        }
    }

    private static void checkTensors(ParsedGguf parsed, String source, Hparams h, long vocabulary) {
        Map<String, GgufTensor> present = new LinkedHashMap<>();
        for (GgufTensor t : parsed.tensors()) {
            present.put(t.name(), t);
        }
        Map<String, Expected> expected = expectedTensors(source, h, vocabulary, present);
        for (Expected e : expected.values()) {
            GgufTensor t = present.get(e.name);
            if (t == null) {
                if (e.required) {
                    throw corrupt(
                            source,
                            "lacks the tensor '" + e.name + "' of shape " + Arrays.toString(e.shape)
                                    + ", which llama.cpp's " + h.architecture() + " loader requires");
                }
                continue;
            }
            if (!Arrays.equals(
                    padded(e.shape),
                    padded(t.dimensions().stream().mapToLong(Long::longValue).toArray()))) {
                throw corrupt(
                        source,
                        "has tensor '" + e.name + "' of shape " + t.dimensions() + "; llama.cpp's " + h.architecture()
                                + " loader expects " + Arrays.toString(e.shape) + " for this model's hyperparameters");
            }
            if (e.use == Use.VECTOR && t.type() != F32) {
                throw corrupt(
                        source,
                        "has tensor '" + e.name + "' of type " + t.type() + "; ggml's CPU backend adds and multiplies"
                                + " norms, biases and rope factors in F32 only and aborts the process on another type");
            }
            if (e.use != Use.VECTOR && !MATRIX_TYPES.contains(t.type())) {
                throw corrupt(
                        source,
                        "has weight tensor '" + e.name + "' of type " + t.type() + "; ggml's CPU backend has no dot"
                                + " product for it and crashes when it multiplies by it");
            }
        }
        for (GgufTensor t : parsed.tensors()) {
            if (!expected.containsKey(t.name())) {
                throw corrupt(
                        source,
                        "has the tensor '" + q(t.name()) + "', which llama.cpp's " + h.architecture()
                                + " loader does not use; llama.cpp refuses a file with tensors it does not load");
            }
        }
    }

    private static long[] padded(long[] shape) {
        long[] out = {1, 1, 1, 1};
        System.arraycopy(shape, 0, out, 0, Math.min(4, shape.length));
        return out;
    }

    /** The tensors llama.cpp creates for the architecture, in its order, from {@code llama_model::load_tensors}. */
    private static Map<String, Expected> expectedTensors(
            String source, Hparams h, long vocabulary, Map<String, GgufTensor> present) {
        Schema s = new Schema();
        long e = h.embeddingLength();
        long v = vocabulary;
        long f = h.feedForwardLength();
        long qWidth = h.headSize() * h.heads();
        long kvWidth = h.headSize() * h.kvHeads();
        long rot = h.rotaryDimensions();
        switch (h.architecture()) {
            case "llama" -> {
                s.global("token_embd.weight", Use.MATRIX, true, e, v);
                s.global("output_norm.weight", Use.VECTOR, true, e);
                s.global("output.weight", Use.MATRIX, false, e, v);
                // b4916 reads rope_freqs only; the longrope factors came to llama's loader later
                s.global("rope_freqs.weight", Use.VECTOR, false, rot / 2);
                for (long i = 0; i < h.layers(); i++) {
                    s.layer(i, "attn_norm.weight", Use.VECTOR, true, e);
                    s.layer(i, "attn_q.weight", Use.MATRIX, true, e, qWidth);
                    s.layer(i, "attn_k.weight", Use.MATRIX, true, e, kvWidth);
                    s.layer(i, "attn_v.weight", Use.MATRIX, true, e, kvWidth);
                    s.layer(i, "attn_output.weight", Use.MATRIX, true, qWidth, e);
                    if (qWidth == e) { // llama.cpp expects [embedding]; added to a query of another width it aborts
                        s.layer(i, "attn_q.bias", Use.VECTOR, false, e);
                    }
                    s.layer(i, "attn_k.bias", Use.VECTOR, false, kvWidth);
                    s.layer(i, "attn_v.bias", Use.VECTOR, false, kvWidth);
                    s.layer(i, "attn_output.bias", Use.VECTOR, false, e);
                    s.layer(i, "ffn_norm.weight", Use.VECTOR, true, e);
                    if (h.experts() == 0) {
                        s.layer(i, "ffn_gate.weight", Use.MATRIX, true, e, f);
                        s.layer(i, "ffn_down.weight", Use.MATRIX, true, f, e);
                        s.layer(i, "ffn_up.weight", Use.MATRIX, true, e, f);
                        s.layer(i, "ffn_gate.bias", Use.VECTOR, false, f);
                        s.layer(i, "ffn_down.bias", Use.VECTOR, false, e);
                        s.layer(i, "ffn_up.bias", Use.VECTOR, false, f);
                    } else {
                        long x = h.experts();
                        s.layer(i, "ffn_gate_inp.weight", Use.MATRIX, true, e, x);
                        // optional to llama.cpp's loader, but its graph multiplies by it unchecked: required here
                        s.layer(i, "ffn_gate_exps.weight", Use.EXPERTS, true, e, f, x);
                        s.layer(i, "ffn_down_exps.weight", Use.EXPERTS, true, f, e, x);
                        s.layer(i, "ffn_up_exps.weight", Use.EXPERTS, true, e, f, x);
                    }
                }
            }
            case "qwen2" -> {
                decoderHead(s, e, v, true);
                for (long i = 0; i < h.layers(); i++) {
                    s.layer(i, "attn_norm.weight", Use.VECTOR, true, e);
                    s.layer(i, "attn_q.weight", Use.MATRIX, true, e, e);
                    s.layer(i, "attn_k.weight", Use.MATRIX, true, e, kvWidth);
                    s.layer(i, "attn_v.weight", Use.MATRIX, true, e, kvWidth);
                    s.layer(i, "attn_output.weight", Use.MATRIX, true, e, e);
                    s.layer(i, "attn_q.bias", Use.VECTOR, true, e);
                    s.layer(i, "attn_k.bias", Use.VECTOR, true, kvWidth);
                    s.layer(i, "attn_v.bias", Use.VECTOR, true, kvWidth);
                    gatedFeedForward(s, i, e, f);
                }
            }
            case "phi3" -> {
                decoderHead(s, e, v, true);
                for (long i = 0; i < h.layers(); i++) {
                    s.layer(i, "attn_norm.weight", Use.VECTOR, true, e);
                    // optional to llama.cpp's loader, but phi3's graph has nothing else to use: required here
                    s.layer(i, "attn_qkv.weight", Use.MATRIX, true, e, e + 2 * kvWidth);
                    s.layer(i, "attn_output.weight", Use.MATRIX, true, e, e);
                    s.layer(i, "ffn_norm.weight", Use.VECTOR, true, e);
                    s.layer(i, "ffn_down.weight", Use.MATRIX, true, f, e);
                    s.layer(i, "ffn_up.weight", Use.MATRIX, true, e, 2 * f);
                }
                s.global("rope_factors_long.weight", Use.VECTOR, false, rot / 2);
                s.global("rope_factors_short.weight", Use.VECTOR, false, rot / 2);
            }
            case "gemma", "gemma2", "gemma3" -> {
                boolean gemma3 = h.architecture().equals("gemma3");
                // b4916 ties the output to the token embedding for all three (later versions let gemma3 have one)
                decoderHead(s, e, v, false);
                for (long i = 0; i < h.layers(); i++) {
                    s.layer(i, "attn_norm.weight", Use.VECTOR, true, e);
                    s.layer(i, "attn_q.weight", Use.MATRIX, true, e, qWidth);
                    s.layer(i, "attn_k.weight", Use.MATRIX, true, e, kvWidth);
                    s.layer(i, "attn_v.weight", Use.MATRIX, true, e, kvWidth);
                    s.layer(i, "attn_output.weight", Use.MATRIX, true, qWidth, e);
                    if (!h.architecture().equals("gemma")) {
                        s.layer(i, "post_attention_norm.weight", Use.VECTOR, true, e);
                    }
                    if (gemma3) {
                        s.layer(i, "attn_k_norm.weight", Use.VECTOR, true, h.headSize());
                        s.layer(i, "attn_q_norm.weight", Use.VECTOR, true, h.headSize());
                    }
                    s.layer(i, "ffn_norm.weight", Use.VECTOR, true, e);
                    s.layer(i, "ffn_gate.weight", Use.MATRIX, true, e, f);
                    s.layer(i, "ffn_up.weight", Use.MATRIX, true, e, f);
                    s.layer(i, "ffn_down.weight", Use.MATRIX, true, f, e);
                    if (!h.architecture().equals("gemma")) {
                        s.layer(i, "post_ffw_norm.weight", Use.VECTOR, true, e);
                    }
                }
            }
            case "starcoder2" -> {
                s.global("token_embd.weight", Use.MATRIX, true, e, v);
                s.global("output_norm.weight", Use.VECTOR, true, e);
                s.global("output_norm.bias", Use.VECTOR, true, e);
                s.global("output.weight", Use.MATRIX, false, e, v);
                for (long i = 0; i < h.layers(); i++) {
                    s.layer(i, "attn_norm.weight", Use.VECTOR, true, e);
                    s.layer(i, "attn_norm.bias", Use.VECTOR, true, e);
                    s.layer(i, "attn_q.weight", Use.MATRIX, true, e, e);
                    s.layer(i, "attn_k.weight", Use.MATRIX, true, e, kvWidth);
                    s.layer(i, "attn_v.weight", Use.MATRIX, true, e, kvWidth);
                    s.layer(i, "attn_output.weight", Use.MATRIX, true, e, e);
                    s.layer(i, "attn_q.bias", Use.VECTOR, true, e);
                    s.layer(i, "attn_k.bias", Use.VECTOR, true, kvWidth);
                    s.layer(i, "attn_v.bias", Use.VECTOR, true, kvWidth);
                    s.layer(i, "attn_output.bias", Use.VECTOR, true, e);
                    s.layer(i, "ffn_norm.weight", Use.VECTOR, true, e);
                    s.layer(i, "ffn_norm.bias", Use.VECTOR, true, e);
                    s.layer(i, "ffn_down.weight", Use.MATRIX, true, f, e);
                    s.layer(i, "ffn_up.weight", Use.MATRIX, true, e, f);
                    s.layer(i, "ffn_down.bias", Use.VECTOR, true, e);
                    s.layer(i, "ffn_up.bias", Use.VECTOR, true, f);
                }
            }
            case "falcon" -> {
                s.global("token_embd.weight", Use.MATRIX, true, e, v);
                s.global("output_norm.weight", Use.VECTOR, true, e);
                s.global("output_norm.bias", Use.VECTOR, true, e);
                s.global("output.weight", Use.MATRIX, false, e, v);
                for (long i = 0; i < h.layers(); i++) {
                    s.layer(i, "attn_norm.weight", Use.VECTOR, true, e);
                    s.layer(i, "attn_norm.bias", Use.VECTOR, true, e);
                    s.layer(i, "attn_norm_2.weight", Use.VECTOR, false, e);
                    s.layer(i, "attn_norm_2.bias", Use.VECTOR, false, e);
                    s.layer(i, "attn_qkv.weight", Use.MATRIX, true, e, e + 2 * kvWidth);
                    s.layer(i, "attn_output.weight", Use.MATRIX, true, e, e);
                    s.layer(i, "ffn_down.weight", Use.MATRIX, true, f, e);
                    s.layer(i, "ffn_up.weight", Use.MATRIX, true, e, f);
                }
            }
            case "bert", "nomic-bert" -> {
                boolean bert = h.architecture().equals("bert");
                if (h.tokenTypes() < 1) {
                    throw corrupt(
                            source,
                            "lacks tokenizer.ggml.token_type_count, which llama.cpp needs to size token_types.weight"
                                    + " for " + h.architecture());
                }
                s.global("token_embd.weight", Use.MATRIX, true, e, v);
                s.global("token_types.weight", Use.VECTOR, true, e, h.tokenTypes()); // row 0 is added in F32
                if (bert) {
                    s.global("position_embd.weight", Use.MATRIX, true, e, h.contextLength());
                    s.global("cls.weight", Use.MATRIX, false, e, e);
                    s.global("cls.bias", Use.VECTOR, false, e);
                    s.global("cls.output.weight", Use.MATRIX, false, e, 1);
                    s.global("cls.output.bias", Use.VECTOR, false, 1);
                }
                s.global("token_embd_norm.weight", Use.VECTOR, true, e);
                s.global("token_embd_norm.bias", Use.VECTOR, true, e);
                for (long i = 0; i < h.layers(); i++) {
                    if (bert) {
                        s.layer(i, "attn_q.weight", Use.MATRIX, true, e, e);
                        s.layer(i, "attn_q.bias", Use.VECTOR, true, e);
                        s.layer(i, "attn_k.weight", Use.MATRIX, true, e, kvWidth);
                        s.layer(i, "attn_k.bias", Use.VECTOR, true, kvWidth);
                        s.layer(i, "attn_v.weight", Use.MATRIX, true, e, kvWidth);
                        s.layer(i, "attn_v.bias", Use.VECTOR, true, kvWidth);
                    } else {
                        s.layer(i, "attn_qkv.weight", Use.MATRIX, true, e, e + 2 * kvWidth);
                    }
                    s.layer(i, "attn_output.weight", Use.MATRIX, true, e, e);
                    s.layer(i, "attn_output_norm.weight", Use.VECTOR, true, e);
                    s.layer(i, "attn_output_norm.bias", Use.VECTOR, true, e);
                    s.layer(i, "ffn_up.weight", Use.MATRIX, true, e, f);
                    s.layer(i, "ffn_down.weight", Use.MATRIX, true, f, e);
                    if (bert) {
                        s.layer(i, "attn_output.bias", Use.VECTOR, true, e);
                        s.layer(i, "ffn_up.bias", Use.VECTOR, true, f);
                        s.layer(i, "ffn_down.bias", Use.VECTOR, true, e);
                    } else {
                        s.layer(i, "ffn_gate.weight", Use.MATRIX, true, e, f);
                    }
                    s.layer(i, "layer_output_norm.weight", Use.VECTOR, true, e);
                    s.layer(i, "layer_output_norm.bias", Use.VECTOR, true, e);
                }
                if (bert && h.poolingType() == 4) { // rank pooling: llama.cpp asserts the classifier head exists
                    for (String name : new String[] {"cls.weight", "cls.bias"}) {
                        if (!present.containsKey(name)) {
                            throw corrupt(
                                    source,
                                    "has bert.pooling_type 4 (rank) but no tensor '" + name + "'; llama.cpp asserts"
                                            + " it and aborts the process");
                        }
                    }
                    if (present.containsKey("cls.output.weight") && !present.containsKey("cls.output.bias")) {
                        throw corrupt(
                                source,
                                "has cls.output.weight without cls.output.bias; llama.cpp asserts the bias and aborts");
                    }
                }
            }
            default -> throw new IllegalStateException("no tensor list for allowed architecture " + h.architecture());
        }
        return s.expected;
    }

    /** Token embedding, output norm and output (tied to the token embedding when absent, or always). */
    private static void decoderHead(Schema s, long e, long v, boolean separateOutput) {
        s.global("token_embd.weight", Use.MATRIX, true, e, v);
        s.global("output_norm.weight", Use.VECTOR, true, e);
        if (separateOutput) {
            s.global("output.weight", Use.MATRIX, false, e, v);
        }
    }

    private static void gatedFeedForward(Schema s, long i, long e, long f) {
        s.layer(i, "ffn_norm.weight", Use.VECTOR, true, e);
        s.layer(i, "ffn_gate.weight", Use.MATRIX, true, e, f);
        s.layer(i, "ffn_down.weight", Use.MATRIX, true, f, e);
        s.layer(i, "ffn_up.weight", Use.MATRIX, true, e, f);
    }

    /** The expected tensors by name, in llama.cpp's creation order. */
    private static final class Schema {
        final Map<String, Expected> expected = new LinkedHashMap<>();

        void global(String name, Use use, boolean required, long... shape) {
            expected.put(name, new Expected(name, shape, use, required));
        }

        void layer(long layer, String name, Use use, boolean required, long... shape) {
            global("blk." + layer + "." + name, use, required, shape);
        }
    }
}
