package dev.sluice.inference.gguf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Crafted GGUF files that llama.cpp b4916 (java-llama.cpp 4.2.0) aborts on, refuses with an internal error, or
 * mishandles at run time, each one change away from {@link CraftedGguf#tinyLlama()}, which it loads. Sluice must
 * refuse every one in Java with a message holding {@link Case#message}. {@link Case#llamaCpp} says what llama.cpp
 * does with the file when nothing stops it (as {@code LlamaCppProbe} observes it).
 */
final class CraftedCases {
    /** What llama.cpp does with a file. */
    enum Native {
        /** Aborts the process (a GGML_ASSERT, an uncaught C++ exception or a crash): exit 134 without hs_err. */
        ABORT,
        /** Refuses it with an error Sluice can only report as llama.cpp's internal failure. */
        REFUSE,
        /** Loads it, then aborts, refuses or reads out of bounds when it computes or tokenizes with it. */
        FAILS_AT_RUN,
        /** Loads and runs it; Sluice refuses it anyway (newer ggml aborts on it; no converter writes it). */
        RUNS
    }

    /**
     * @param name a short name
     * @param llamaCpp what llama.cpp does with the file
     * @param change the one change to the loadable model
     * @param message what Sluice's refusal must say
     */
    record Case(String name, Native llamaCpp, UnaryOperator<CraftedGguf> change, String message) {
        byte[] bytes() {
            return change.apply(CraftedGguf.tinyLlama()).bytes();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private CraftedCases() {}

    /** @return the gemma variant of the tiny model, which llama.cpp loads */
    static CraftedGguf tinyGemma() {
        return CraftedGguf.tinyLlama().architecture("gemma").removeTensor("output.weight");
    }

    /** @return a loadable tiny model of each allowed architecture (and llama with a gpt2 vocabulary) */
    static Map<String, Supplier<CraftedGguf>> baselines() {
        Map<String, Supplier<CraftedGguf>> models = new LinkedHashMap<>();
        models.put("llama", CraftedGguf::tinyLlama);
        models.put("llama-gpt2", () -> gpt2(CraftedGguf.tinyLlama(), "llama-bpe"));
        models.put("qwen2", () -> {
            CraftedGguf g = gpt2(CraftedGguf.tinyLlama().architecture("qwen2"), "qwen2");
            return eachLayer(
                    g,
                    (b, x) -> x.tensor(b + "attn_q.bias", F32, 64)
                            .tensor(b + "attn_k.bias", F32, 64)
                            .tensor(b + "attn_v.bias", F32, 64));
        });
        models.put("phi3", () -> {
            CraftedGguf g = CraftedGguf.tinyLlama().architecture("phi3").u32("phi3.attention.sliding_window", 256);
            return eachLayer(
                    g,
                    (b, x) -> x.removeTensor(b + "attn_q.weight")
                            .removeTensor(b + "attn_k.weight")
                            .removeTensor(b + "attn_v.weight")
                            .removeTensor(b + "ffn_gate.weight")
                            .tensor(b + "attn_qkv.weight", F16, 64, 192)
                            .tensor(b + "ffn_up.weight", F16, 64, 256));
        });
        models.put("starcoder2", () -> {
            CraftedGguf g = layerNorm(gpt2(CraftedGguf.tinyLlama().architecture("starcoder2"), "starcoder"));
            g.tensor("output_norm.bias", F32, 64);
            return eachLayer(
                    g,
                    (b, x) -> x.removeTensor(b + "ffn_gate.weight")
                            .tensor(b + "attn_norm.bias", F32, 64)
                            .tensor(b + "attn_q.bias", F32, 64)
                            .tensor(b + "attn_k.bias", F32, 64)
                            .tensor(b + "attn_v.bias", F32, 64)
                            .tensor(b + "attn_output.bias", F32, 64)
                            .tensor(b + "ffn_norm.bias", F32, 64)
                            .tensor(b + "ffn_down.bias", F32, 64)
                            .tensor(b + "ffn_up.bias", F32, 128));
        });
        models.put("falcon", () -> {
            CraftedGguf g = layerNorm(gpt2(CraftedGguf.tinyLlama().architecture("falcon"), "falcon"));
            g.tensor("output_norm.bias", F32, 64);
            return eachLayer(
                    g,
                    (b, x) -> x.removeTensor(b + "attn_q.weight")
                            .removeTensor(b + "attn_k.weight")
                            .removeTensor(b + "attn_v.weight")
                            .removeTensor(b + "ffn_gate.weight")
                            .removeTensor(b + "ffn_norm.weight")
                            .tensor(b + "attn_norm.bias", F32, 64)
                            .tensor(b + "attn_qkv.weight", F16, 64, 192));
        });
        models.put("gemma", CraftedCases::tinyGemma);
        models.put("gemma2", () -> {
            CraftedGguf g = CraftedGguf.tinyLlama(26).architecture("gemma2").removeTensor("output.weight");
            return eachLayer(
                    g,
                    (b, x) -> x.tensor(b + "post_attention_norm.weight", F32, 64)
                            .tensor(b + "post_ffw_norm.weight", F32, 64));
        });
        models.put("gemma3", () -> {
            CraftedGguf g = CraftedGguf.tinyLlama(6)
                    .architecture("gemma3")
                    .u32("gemma3.attention.sliding_window", 256)
                    .removeTensor("output.weight");
            return eachLayer(
                    g,
                    (b, x) -> x.tensor(b + "post_attention_norm.weight", F32, 64)
                            .tensor(b + "attn_k_norm.weight", F32, 16)
                            .tensor(b + "attn_q_norm.weight", F32, 16)
                            .tensor(b + "post_ffw_norm.weight", F32, 64));
        });
        models.put("bert", () -> bert("bert"));
        models.put("nomic-bert", () -> bert("nomic-bert"));
        return models;
    }

    /** @return variants of the baselines with the optional tensors and keys llama.cpp accepts */
    static Map<String, Supplier<CraftedGguf>> variants() {
        Map<String, Supplier<CraftedGguf>> models = new LinkedHashMap<>();
        Map<String, Supplier<CraftedGguf>> base = baselines();
        models.put("llama-tied", () -> CraftedGguf.tinyLlama().removeTensor("output.weight"));
        models.put(
                "llama-biases-rope-freqs",
                () -> eachLayer(
                        CraftedGguf.tinyLlama().tensor("rope_freqs.weight", F32, 8),
                        (b, x) -> x.tensor(b + "attn_q.bias", F32, 64)
                                .tensor(b + "attn_k.bias", F32, 64)
                                .tensor(b + "attn_v.bias", F32, 64)
                                .tensor(b + "attn_output.bias", F32, 64)
                                .tensor(b + "ffn_gate.bias", F32, 128)
                                .tensor(b + "ffn_down.bias", F32, 64)
                                .tensor(b + "ffn_up.bias", F32, 128)));
        models.put("llama-yarn-gqa-q8", () -> {
            CraftedGguf g = CraftedGguf.tinyLlama()
                    .string("llama.rope.scaling.type", "yarn")
                    .f32("llama.rope.scaling.factor", 4)
                    .u32("llama.rope.scaling.original_context_length", 128)
                    .u32("llama.attention.head_count_kv", 2)
                    .i32s("llama.feed_forward_length", new int[] {128, 128});
            return eachLayer(
                    g,
                    (b, x) -> x.tensor(b + "attn_k.weight", CraftedGguf.Q8_0, 64, 32)
                            .tensor(b + "attn_v.weight", CraftedGguf.Q8_0, 64, 32));
        });
        models.put("llama-moe", () -> {
            CraftedGguf g = CraftedGguf.tinyLlama().u32("llama.expert_count", 4).u32("llama.expert_used_count", 2);
            return eachLayer(
                    g,
                    (b, x) -> x.removeTensor(b + "ffn_gate.weight")
                            .removeTensor(b + "ffn_up.weight")
                            .removeTensor(b + "ffn_down.weight")
                            .tensor(b + "ffn_gate_inp.weight", F32, 64, 4)
                            .tensor(b + "ffn_gate_exps.weight", F16, 64, 128, 4)
                            .tensor(b + "ffn_down_exps.weight", F16, 128, 64, 4)
                            .tensor(b + "ffn_up_exps.weight", F16, 64, 128, 4));
        });
        models.put("qwen2-tied", () -> base.get("qwen2").get().removeTensor("output.weight"));
        models.put(
                "phi3-tied-rope-factors",
                () -> base.get("phi3")
                        .get()
                        .removeTensor("output.weight")
                        .string("phi3.rope.scaling.type", "longrope")
                        .tensor("rope_factors_long.weight", F32, 8)
                        .tensor("rope_factors_short.weight", F32, 8));
        models.put("phi3-partial-rotary", () -> base.get("phi3").get().u32("phi3.rope.dimension_count", 8));
        models.put("starcoder2-tied", () -> base.get("starcoder2").get().removeTensor("output.weight"));
        models.put(
                "falcon-norm2-tied",
                () -> eachLayer(
                        base.get("falcon").get().removeTensor("output.weight"),
                        (b, x) -> x.tensor(b + "attn_norm_2.weight", F32, 64).tensor(b + "attn_norm_2.bias", F32, 64)));
        models.put(
                "gemma-gqa-wide-heads",
                () -> eachLayer(
                        tinyGemma()
                                .u32("gemma.attention.key_length", 32)
                                .u32("gemma.attention.value_length", 32)
                                .u32("gemma.rope.dimension_count", 32)
                                .u32("gemma.attention.head_count_kv", 1),
                        (b, x) -> x.tensor(b + "attn_q.weight", F16, 64, 128)
                                .tensor(b + "attn_k.weight", F16, 64, 32)
                                .tensor(b + "attn_v.weight", F16, 64, 32)
                                .tensor(b + "attn_output.weight", F16, 128, 64)));
        models.put(
                "bert-rank",
                () -> base.get("bert")
                        .get()
                        .u32("bert.pooling_type", 4)
                        .tensor("cls.weight", F16, 64, 64)
                        .tensor("cls.bias", F32, 64)
                        .tensor("cls.output.weight", F16, 64, 1)
                        .tensor("cls.output.bias", F32, 1));
        return models;
    }

    private static final int F32 = CraftedGguf.F32;
    private static final int F16 = CraftedGguf.F16;

    private static CraftedGguf gpt2(CraftedGguf g, String pre) {
        return g.string("tokenizer.ggml.model", "gpt2")
                .string("tokenizer.ggml.pre", pre)
                .strings("tokenizer.ggml.merges", List.of("\u2581 t", "\u2581t h"));
    }

    private static CraftedGguf layerNorm(CraftedGguf g) {
        String architecture = g.architectureName();
        return g.remove(architecture + ".attention.layer_norm_rms_epsilon")
                .f32(architecture + ".attention.layer_norm_epsilon", 1e-5f);
    }

    private static CraftedGguf eachLayer(CraftedGguf g, java.util.function.BiConsumer<String, CraftedGguf> change) {
        for (int i = 0; i < g.layers(); i++) {
            change.accept("blk." + i + ".", g);
        }
        return g;
    }

    /** An encoder: bert (separate q, k, v with biases, learned positions) or nomic-bert (fused qkv, rope). */
    private static CraftedGguf bert(String architecture) {
        boolean bert = architecture.equals("bert");
        CraftedGguf g = layerNorm(CraftedGguf.tinyLlama().architecture(architecture))
                .string("tokenizer.ggml.model", "bert")
                .remove("tokenizer.ggml.token_type")
                .remove("tokenizer.ggml.eot_token_id")
                .u32("tokenizer.ggml.seperator_token_id", 2)
                .u32("tokenizer.ggml.padding_token_id", 0)
                .u32("tokenizer.ggml.mask_token_id", 3)
                .u32("tokenizer.ggml.token_type_count", 2)
                .bool(architecture + ".attention.causal", false)
                .u32(architecture + ".pooling_type", 1)
                .removeTensor("output_norm.weight")
                .removeTensor("output.weight")
                .tensor("token_types.weight", F32, 64, 2)
                .tensor("token_embd_norm.weight", F32, 64)
                .tensor("token_embd_norm.bias", F32, 64);
        if (bert) {
            g.tensor("position_embd.weight", F16, 64, 512);
        }
        return eachLayer(g, (b, x) -> {
            x.removeTensor(b + "attn_norm.weight")
                    .removeTensor(b + "ffn_norm.weight")
                    .tensor(b + "attn_output_norm.weight", F32, 64)
                    .tensor(b + "attn_output_norm.bias", F32, 64)
                    .tensor(b + "layer_output_norm.weight", F32, 64)
                    .tensor(b + "layer_output_norm.bias", F32, 64);
            if (bert) {
                x.removeTensor(b + "ffn_gate.weight")
                        .tensor(b + "attn_q.bias", F32, 64)
                        .tensor(b + "attn_k.bias", F32, 64)
                        .tensor(b + "attn_v.bias", F32, 64)
                        .tensor(b + "attn_output.bias", F32, 64)
                        .tensor(b + "ffn_up.bias", F32, 128)
                        .tensor(b + "ffn_down.bias", F32, 64);
            } else {
                x.removeTensor(b + "attn_q.weight")
                        .removeTensor(b + "attn_k.weight")
                        .removeTensor(b + "attn_v.weight")
                        .tensor(b + "attn_qkv.weight", F16, 64, 192);
            }
        });
    }

    /**
     * Files Sluice accepts although llama.cpp fails on them, because what fails is running the chat template, which a
     * check in Java cannot bound: a macro that calls itself without end overflows the native stack at load (SIGSEGV),
     * a loop of 10^8 iterations or a string doubled 40 times stalls the load for minutes. The probe shows them; real
     * templates use bounded recursion (schema renderers), so recursion as such cannot be refused.
     *
     * @return the known gaps, by name
     */
    static Map<String, Supplier<CraftedGguf>> knownGaps() {
        Map<String, Supplier<CraftedGguf>> gaps = new LinkedHashMap<>();
        gaps.put(
                "template-endless-recursion",
                () -> CraftedGguf.tinyLlama()
                        .string("tokenizer.chat_template", "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"));
        gaps.put(
                "template-huge-loop",
                () -> CraftedGguf.tinyLlama()
                        .string("tokenizer.chat_template", "{% for i in range(100000000) %}x{% endfor %}"));
        return gaps;
    }

    static List<Case> all() {
        List<Case> cases = new ArrayList<>();
        // the five the issue names as aborting the JVM
        cases.add(new Case(
                "duplicate-token",
                Native.ABORT,
                g -> {
                    List<String> tokens = g.tokens();
                    tokens.set(300, tokens.get(299));
                    return g.strings("tokenizer.ggml.tokens", tokens);
                },
                "twice in tokenizer.ggml.tokens"));
        cases.add(new Case(
                "all-tokens-empty",
                Native.FAILS_AT_RUN,
                g -> g.strings(
                        "tokenizer.ggml.tokens", Collections.nCopies(g.tokens().size(), "")),
                "not of the form <0xXX>"));
        cases.add(new Case(
                "expert-used-above-expert-count",
                Native.ABORT,
                g -> g.u32("llama.expert_count", 2).u32("llama.expert_used_count", 4),
                "expert_used_count = 4 greater than llama.expert_count = 2"));
        cases.add(new Case(
                "bert-tokenizer-on-llama",
                Native.ABORT,
                g -> g.string("tokenizer.ggml.model", "bert"),
                "'bert', which llama.cpp cannot use with architecture llama"));
        cases.add(new Case("alignment-1", Native.ABORT, g -> g.u32("general.alignment", 1), "general.alignment = 1;"));
        // further aborts
        cases.add(new Case(
                "all-tokens-empty-untyped",
                Native.FAILS_AT_RUN,
                g -> g.strings(
                                "tokenizer.ggml.tokens",
                                Collections.nCopies(g.tokens().size(), ""))
                        .remove("tokenizer.ggml.token_type"),
                "has no token for byte 0x00"));
        cases.add(new Case(
                "alignment-uint64",
                Native.ABORT,
                g -> g.u64("general.alignment", 32),
                "general.alignment of type uint64"));
        cases.add(new Case(
                "rope-scaling-unknown",
                Native.ABORT,
                g -> g.string("llama.rope.scaling.type", "dynamic"),
                "rope.scaling.type 'dynamic'"));
        cases.add(new Case(
                "expert-count-above-256",
                Native.ABORT,
                g -> g.u32("llama.expert_count", 300).u32("llama.expert_used_count", 2),
                "at most 256"));
        cases.add(new Case(
                "experts-none-used",
                Native.ABORT,
                g -> g.u32("llama.expert_count", 4).u32("llama.expert_used_count", 0),
                "but no llama.expert_used_count"));
        cases.add(new Case(
                "merges-not-strings",
                Native.ABORT,
                g -> g.string("tokenizer.ggml.model", "gpt2").i32s("tokenizer.ggml.merges", new int[] {1, 2}),
                "found array[int32]"));
        cases.add(new Case(
                "tokens-not-strings",
                Native.ABORT,
                g -> g.i32s("tokenizer.ggml.tokens", new int[g.tokens().size()]),
                "has tokenizer.ggml.tokens that is not a string array"));
        cases.add(new Case(
                "kv-heads-not-dividing",
                Native.REFUSE,
                g -> g.u32("llama.attention.head_count_kv", 3),
                "not divisible by llama.attention.head_count_kv 3"));
        cases.add(new Case(
                "key-and-value-heads-differ",
                Native.REFUSE,
                g -> g.u32("llama.attention.key_length", 16).u32("llama.attention.value_length", 8),
                "key heads of 16 and value heads of 8"));
        cases.add(new Case(
                "moe-without-gate-experts",
                Native.ABORT,
                g -> {
                    g.u32("llama.expert_count", 4).u32("llama.expert_used_count", 2);
                    for (int i = 0; i < 2; i++) {
                        String b = "blk." + i + ".";
                        g.removeTensor(b + "ffn_gate.weight")
                                .removeTensor(b + "ffn_up.weight")
                                .removeTensor(b + "ffn_down.weight");
                        g.tensor(b + "ffn_gate_inp.weight", CraftedGguf.F32, 64, 4);
                        g.tensor(b + "ffn_down_exps.weight", CraftedGguf.F16, 128, 64, 4);
                        g.tensor(b + "ffn_up_exps.weight", CraftedGguf.F16, 64, 128, 4);
                    }
                    return g;
                },
                "lacks the tensor 'blk.0.ffn_gate_exps.weight'"));
        cases.add(new Case(
                "norm-in-f16",
                Native.RUNS,
                g -> g.tensor("blk.0.attn_norm.weight", CraftedGguf.F16, 64),
                "'blk.0.attn_norm.weight' of type F16"));
        cases.add(new Case(
                "weight-in-q8_1",
                Native.FAILS_AT_RUN,
                g -> g.tensor("blk.0.attn_q.weight", 9, 64, 64),
                "'blk.0.attn_q.weight' of type Q8_1"));
        cases.add(new Case(
                "byte-token-missing",
                Native.FAILS_AT_RUN,
                g -> {
                    List<String> tokens = g.tokens();
                    tokens.set(6, "<0x01-renamed>");
                    int[] types = new int[tokens.size()];
                    for (int i = 0; i < types.length; i++) {
                        types[i] = i == 0 ? 2 : i < 5 ? 3 : i < 261 && i != 6 ? 6 : 1;
                    }
                    return g.strings("tokenizer.ggml.tokens", tokens).i32s("tokenizer.ggml.token_type", types);
                },
                "has no token for byte 0x01"));
        cases.add(new Case(
                "scores-int8",
                Native.FAILS_AT_RUN,
                g -> g.kv(
                        "tokenizer.ggml.scores",
                        9,
                        RawGguf.le(12 + g.tokens().size())
                                .putInt(1)
                                .putLong(g.tokens().size())
                                .position(12 + g.tokens().size())),
                "tokenizer.ggml.scores of the wrong element type int8"));
        cases.add(new Case(
                "gemma2-unknown-size",
                Native.ABORT,
                g -> {
                    CraftedGguf gemma2 = tinyGemma().architecture("gemma2");
                    for (int i = 0; i < 2; i++) {
                        gemma2.tensor("blk." + i + ".post_attention_norm.weight", CraftedGguf.F32, 64);
                        gemma2.tensor("blk." + i + ".post_ffw_norm.weight", CraftedGguf.F32, 64);
                    }
                    return gemma2;
                },
                "2 gemma2 blocks"));
        cases.add(new Case(
                "gemma-odd-rotary",
                Native.FAILS_AT_RUN,
                g -> tinyGemma().u32("gemma.rope.dimension_count", 15),
                "rope.dimension_count 15 for heads of 16"));
        cases.add(new Case(
                "template-deep-brackets",
                Native.ABORT,
                g -> g.string("tokenizer.chat_template", "{{ " + "(".repeat(1000) + "1" + ")".repeat(1000) + " }}"),
                "nests brackets more than 32 deep"));
        cases.add(new Case(
                "template-operator-chain",
                Native.ABORT,
                g -> g.string("tokenizer.chat_template", "{{ 1" + " + 1".repeat(4000) + " }}"),
                "more than 512 operators in one tag"));
        cases.add(new Case(
                "template-deep-blocks",
                Native.ABORT,
                g -> g.string("tokenizer.chat_template", "{% if 1 %}".repeat(3000) + "x" + "{% endif %}".repeat(3000)),
                "nests blocks more than 64 deep"));
        cases.add(new Case(
                "bos-added-but-none",
                Native.FAILS_AT_RUN,
                g -> gpt2(g, "chatglm-bpe").remove("tokenizer.ggml.bos_token_id"),
                "add_bos_token true but no BOS token"));
        cases.add(new Case(
                "gemma3-all-blocks-windowed",
                Native.FAILS_AT_RUN,
                g -> eachLayer(
                        CraftedGguf.tinyLlama()
                                .architecture("gemma3")
                                .u32("gemma3.attention.sliding_window", 256)
                                .removeTensor("output.weight"),
                        (b, x) -> x.tensor(b + "post_attention_norm.weight", F32, 64)
                                .tensor(b + "attn_k_norm.weight", F32, 16)
                                .tensor(b + "attn_q_norm.weight", F32, 16)
                                .tensor(b + "post_ffw_norm.weight", F32, 64)),
                "has 2 gemma3 blocks; llama.cpp needs at least 6"));
        cases.add(new Case(
                "llama-longrope-factors",
                Native.REFUSE,
                g -> g.string("llama.rope.scaling.type", "longrope")
                        .tensor("rope_factors_long.weight", F32, 8)
                        .tensor("rope_factors_short.weight", F32, 8),
                "'rope_factors_long.weight', which llama.cpp's llama loader does not use"));
        // files llama.cpp refuses with an error of its own
        cases.add(new Case(
                "missing-tensor",
                Native.REFUSE,
                g -> g.removeTensor("output_norm.weight"),
                "lacks the tensor 'output_norm.weight'"));
        cases.add(new Case(
                "extra-tensor",
                Native.REFUSE,
                g -> g.tensor("blk.0.attn_rot_embd.weight", CraftedGguf.F32, 16),
                "'blk.0.attn_rot_embd.weight', which llama.cpp's llama loader does not use"));
        cases.add(new Case(
                "wrong-shape",
                Native.REFUSE,
                g -> g.tensor("blk.1.attn_k.weight", CraftedGguf.F16, 64, 32),
                "'blk.1.attn_k.weight' of shape [64, 32]; llama.cpp's llama loader expects [64, 64]"));
        cases.add(new Case(
                "key-of-wrong-type",
                Native.REFUSE,
                g -> g.i32("llama.context_length", 512),
                "llama.context_length of type int32"));
        cases.add(new Case(
                "name-not-a-string", Native.REFUSE, g -> g.u32("general.name", 7), "general.name of type uint32"));
        cases.add(new Case(
                "epsilon-float64",
                Native.REFUSE,
                g -> g.f64("llama.attention.layer_norm_rms_epsilon", 1e-5),
                "of type float64"));
        cases.add(new Case(
                "epsilon-missing",
                Native.REFUSE,
                g -> g.remove("llama.attention.layer_norm_rms_epsilon"),
                "lacks the key llama.attention.layer_norm_rms_epsilon"));
        cases.add(new Case(
                "rotary-not-head-size",
                Native.REFUSE,
                g -> g.u32("llama.rope.dimension_count", 8),
                "rope.dimension_count 8 for heads of 16"));
        cases.add(new Case("too-many-blocks", Native.REFUSE, g -> g.u32("llama.block_count", 600), "from 1 to 512"));
        cases.add(new Case(
                "tensors-not-back-to-back",
                Native.REFUSE,
                g -> {
                    g.offsetShift = 32;
                    return g;
                },
                "back to back"));
        cases.add(new Case(
                "per-block-array-too-short",
                Native.REFUSE,
                g -> g.i32s("llama.attention.head_count", new int[] {4}),
                "1 entries in llama.attention.head_count for 2 blocks"));
        cases.add(new Case(
                "gpt2-without-merges",
                Native.REFUSE,
                g -> g.string("tokenizer.ggml.model", "gpt2"),
                "without a string array tokenizer.ggml.merges"));
        cases.add(new Case(
                "unknown-pre-tokenizer",
                Native.REFUSE,
                g -> g.string("tokenizer.ggml.model", "gpt2")
                        .strings("tokenizer.ggml.merges", List.of("a b"))
                        .string("tokenizer.ggml.pre", "no-such-pre"),
                "pre-tokenizer llama.cpp b4916 does not know"));
        cases.add(new Case(
                "split-part",
                Native.REFUSE,
                g -> g.kv("split.count", 2, RawGguf.le(2).putShort((short) 2)),
                "split.count = 2"));
        cases.add(new Case(
                "phi3-name-without-its-tokens",
                Native.REFUSE,
                g -> g.string("general.name", "Phi-3 mini"),
                "lacks the token '<|endoftext|>'"));
        cases.add(new Case(
                "nested-array",
                Native.REFUSE,
                g -> g.kv(
                        "general.tags",
                        9,
                        RawGguf.le(24).putInt(9).putLong(1).putInt(4).putLong(0)),
                "an array of arrays"));
        cases.add(new Case(
                "bool-key-as-uint32",
                Native.REFUSE,
                g -> g.u32("tokenizer.ggml.add_bos_token", 1),
                "tokenizer.ggml.add_bos_token of type uint32"));
        return cases;
    }
}
