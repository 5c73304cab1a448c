package dev.sluice.inference.gguf;

import dev.sluice.core.BadInputException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes a llama-architecture GGUF model with seeded random weights, a small SentencePiece-style vocabulary
 * (control tokens, the 256 byte tokens, single characters and some words, each with its token type) and a ChatML
 * chat template. The same settings and seed always give the same bytes. The output is gibberish, but it runs the
 * real llama.cpp loading and generation path: what tests and benchmarks need without downloads.
 *
 * <p>Two presets: {@link #small()} (about 300 KB, F16, for tests) and {@link #bench()} (about 0.5 GB, Q8_0, for
 * benchmarks). Cost: writing is bounded by the random-number generator and the disk, about 1 s per 0.5 GB.
 * Immutable; the {@code with*} methods return copies.
 *
 * @param embeddingLength the model width, a multiple of 32 and of {@code headCount}
 * @param layerCount the number of transformer blocks
 * @param headCount the number of attention heads
 * @param feedForwardLength the feed-forward width, a multiple of 32
 * @param contextLength the trained context length
 * @param weightType the type of the weight matrices: F32, F16 or Q8_0 (norms are always F32)
 * @param seed the seed of the weights
 * @param name the model name written to {@code general.name}
 */
public record TinyLlamaModel(int embeddingLength, int layerCount, int headCount, int feedForwardLength,
        int contextLength, GgufTensorType weightType, long seed, String name) {

    /** The ChatML template written to {@code tokenizer.chat_template}. */
    public static final String CHAT_TEMPLATE = "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
            + "{{ message['content'] }}<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n"
            + "{% endif %}";

    private static final List<String> WORDS = List.of("the", "a", "is", "of", "and", "to", "in", "it", "that",
            "river", "water", "sluice", "gate", "stream", "model", "token", "hello", "world", "Java", "memory",
            "fast", "slow", "quiet", "llama", "answer", "question", "seed", "graph", "vector", "search");
    private static final String CHARACTERS =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?'\"-()[]{}<>/\\_=+*#\néüß→日本";

    /** Checks the settings. */
    public TinyLlamaModel {
        if (weightType != GgufTensorType.F32 && weightType != GgufTensorType.F16
                && weightType != GgufTensorType.Q8_0) {
            throw new BadInputException("weight type " + weightType + " is not supported; use F32, F16 or Q8_0");
        }
        if (embeddingLength < 32 || embeddingLength % 32 != 0 || headCount < 1 || embeddingLength % headCount != 0
                || (embeddingLength / headCount) % 2 != 0 || feedForwardLength < 32 || feedForwardLength % 32 != 0
                || layerCount < 1 || contextLength < 16) {
            throw new BadInputException("tiny llama shape: embedding " + embeddingLength + ", heads " + headCount
                    + ", feed-forward " + feedForwardLength + ", layers " + layerCount + ", context "
                    + contextLength + "; widths must be multiples of 32, the head width even, the context >= 16");
        }
    }

    /** @return the test preset: width 64, 2 layers, 4 heads, feed-forward 128, context 512, F16, seed 42 */
    public static TinyLlamaModel small() {
        return new TinyLlamaModel(64, 2, 4, 128, 512, GgufTensorType.F16, 42, "sluice-tiny");
    }

    /** @return the benchmark preset: width 2048, 9 layers, 16 heads, feed-forward 5632, Q8_0, about 0.5 GB */
    public static TinyLlamaModel bench() {
        return new TinyLlamaModel(2048, 9, 16, 5632, 2048, GgufTensorType.Q8_0, 42, "sluice-bench");
    }

    /**
     * @param type F32, F16 or Q8_0
     * @return a copy with that weight type
     */
    public TinyLlamaModel withWeightType(GgufTensorType type) {
        return new TinyLlamaModel(embeddingLength, layerCount, headCount, feedForwardLength, contextLength, type,
                seed, name);
    }

    /**
     * @param newSeed the seed
     * @return a copy with that seed
     */
    public TinyLlamaModel withSeed(long newSeed) {
        return new TinyLlamaModel(embeddingLength, layerCount, headCount, feedForwardLength, contextLength,
                weightType, newSeed, name);
    }

    /** @return the vocabulary written: control tokens, byte tokens, characters, then words with a leading ▁ */
    public static List<String> vocabulary() {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>"));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
        }
        tokens.add("▁");
        CHARACTERS.codePoints().filter(c -> c != ' ').mapToObj(Character::toString).forEach(tokens::add);
        WORDS.forEach(w -> tokens.add("▁" + w));
        return List.copyOf(tokens);
    }

    /**
     * Writes the model.
     *
     * @param path where to write; an existing file is replaced
     * @return the file's size in bytes
     */
    public long write(Path path) {
        List<String> tokens = vocabulary();
        int vocabulary = tokens.size();
        float[] scores = new float[vocabulary];
        int[] types = new int[vocabulary];
        for (int i = 0; i < vocabulary; i++) {
            String token = tokens.get(i);
            types[i] = i == 0 ? 2 : i < 5 ? 3 : i < 261 ? 6 : 1; // unknown, control, byte, normal
            scores[i] = i < 261 ? 0 : token.codePointCount(0, token.length()) - i * 1e-3f;
        }
        GgufWriter writer = new GgufWriter()
                .putString("general.architecture", "llama")
                .putString("general.name", name)
                .putUint32("llama.context_length", contextLength)
                .putUint32("llama.embedding_length", embeddingLength)
                .putUint32("llama.block_count", layerCount)
                .putUint32("llama.feed_forward_length", feedForwardLength)
                .putUint32("llama.attention.head_count", headCount)
                .putUint32("llama.attention.head_count_kv", headCount)
                .putUint32("llama.rope.dimension_count", embeddingLength / headCount)
                .putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .putString("tokenizer.ggml.model", "llama")
                .putStringArray("tokenizer.ggml.tokens", tokens)
                .putFloat32Array("tokenizer.ggml.scores", scores)
                .putInt32Array("tokenizer.ggml.token_type", types)
                .putUint32("tokenizer.ggml.unknown_token_id", 0)
                .putUint32("tokenizer.ggml.bos_token_id", 1)
                .putUint32("tokenizer.ggml.eos_token_id", 2)
                .putUint32("tokenizer.ggml.eot_token_id", 4)
                .putBool("tokenizer.ggml.add_bos_token", true)
                .putBool("tokenizer.ggml.add_eos_token", false)
                .putString("tokenizer.chat_template", CHAT_TEMPLATE);
        SplittableRandom random = new SplittableRandom(seed);
        matrix(writer, "token_embd.weight", embeddingLength, vocabulary, random);
        for (int layer = 0; layer < layerCount; layer++) {
            String prefix = "blk." + layer + ".";
            norm(writer, prefix + "attn_norm.weight");
            for (String projection : List.of("attn_q", "attn_k", "attn_v", "attn_output")) {
                matrix(writer, prefix + projection + ".weight", embeddingLength, embeddingLength, random);
            }
            norm(writer, prefix + "ffn_norm.weight");
            matrix(writer, prefix + "ffn_gate.weight", embeddingLength, feedForwardLength, random);
            matrix(writer, prefix + "ffn_up.weight", embeddingLength, feedForwardLength, random);
            matrix(writer, prefix + "ffn_down.weight", feedForwardLength, embeddingLength, random);
        }
        norm(writer, "output_norm.weight");
        matrix(writer, "output.weight", embeddingLength, vocabulary, random);
        return writer.write(path);
    }

    private void norm(GgufWriter writer, String name) {
        ValueLayout.OfFloat f32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        writer.addTensor(name, GgufTensorType.F32, new long[] {embeddingLength}, data -> {
            for (long at = 0; at < data.byteSize(); at += 4) {
                data.set(f32, at, 1.0f);
            }
        });
    }

    private void matrix(GgufWriter writer, String name, int columns, int rows, SplittableRandom random) {
        SplittableRandom own = random.split(); // one stream per tensor: the order of filling does not matter
        float scale = (float) (1.0 / Math.sqrt(columns));
        writer.addTensor(name, weightType, new long[] {columns, rows}, data -> fill(data, own, scale));
    }

    private void fill(MemorySegment data, SplittableRandom random, float scale) {
        ValueLayout.OfShort f16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        ValueLayout.OfFloat f32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        ValueLayout.OfLong i64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        long size = data.byteSize();
        switch (weightType) {
            case F32 -> {
                for (long at = 0; at < size; at += 4) {
                    data.set(f32, at, (float) (random.nextDouble(-1, 1) * scale));
                }
            }
            case F16 -> {
                for (long at = 0; at < size; at += 2) {
                    data.set(f16, at, Float.floatToFloat16((float) (random.nextDouble(-1, 1) * scale)));
                }
            }
            default -> { // Q8_0: an f16 scale, then 32 signed bytes
                short blockScale = Float.floatToFloat16(scale / 127);
                for (long at = 0; at < size; at += 34) {
                    data.set(f16, at, blockScale);
                    for (int i = 0; i < 32; i += 8) {
                        data.set(i64, at + 2 + i, random.nextLong());
                    }
                }
            }
        }
    }
}
