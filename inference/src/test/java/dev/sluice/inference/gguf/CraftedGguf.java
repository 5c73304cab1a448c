package dev.sluice.inference.gguf;

import dev.sluice.fixtures.TinyLlamaModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A whole llama model written field by field, each key and tensor replaceable, so a test can make a file that
 * llama.cpp loads and then change one thing in it. The default is shaped like {@link TinyLlamaModel#small()} (width
 * 64, 2 blocks, 4 heads, feed-forward 128, its vocabulary and special tokens) with small seeded weights. Tensor
 * offsets are laid out back to back at the file's alignment, as llama.cpp requires; {@link #offsetShift} breaks that.
 */
final class CraftedGguf {
    static final int F32 = 0;
    static final int F16 = 1;
    static final int Q8_0 = 8;

    private final Map<String, byte[]> metadata = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();
    long offsetShift;
    private String architecture = "llama";
    private int layers;

    record Tensor(String name, int type, long[] dims) {}

    /** @return the default tiny llama model */
    static CraftedGguf tinyLlama() {
        return tinyLlama(2);
    }

    /**
     * @param layers the number of blocks
     * @return the tiny llama model with that many blocks
     */
    static CraftedGguf tinyLlama(int layers) {
        CraftedGguf g = new CraftedGguf();
        g.layers = layers;
        int width = 64;
        int ff = 128;
        List<String> tokens = TinyLlamaModel.vocabulary();
        int vocabulary = tokens.size();
        float[] scores = new float[vocabulary];
        int[] types = new int[vocabulary];
        for (int i = 0; i < vocabulary; i++) {
            types[i] = i == 0 ? 2 : i < 5 ? 3 : i < 261 ? 6 : 1;
            scores[i] = i < 261 ? 0 : -i * 1e-3f;
        }
        g.string("general.architecture", "llama")
                .string("general.name", "crafted-tiny")
                .u32("llama.context_length", 512)
                .u32("llama.embedding_length", width)
                .u32("llama.block_count", layers)
                .u32("llama.feed_forward_length", ff)
                .u32("llama.attention.head_count", 4)
                .u32("llama.attention.head_count_kv", 4)
                .u32("llama.rope.dimension_count", 16)
                .f32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .string("tokenizer.ggml.model", "llama")
                .strings("tokenizer.ggml.tokens", tokens)
                .f32s("tokenizer.ggml.scores", scores)
                .i32s("tokenizer.ggml.token_type", types)
                .u32("tokenizer.ggml.unknown_token_id", 0)
                .u32("tokenizer.ggml.bos_token_id", 1)
                .u32("tokenizer.ggml.eos_token_id", 2)
                .u32("tokenizer.ggml.eot_token_id", 4)
                .bool("tokenizer.ggml.add_bos_token", true);
        g.tensor("token_embd.weight", F16, width, vocabulary);
        for (int i = 0; i < layers; i++) {
            String b = "blk." + i + ".";
            g.tensor(b + "attn_norm.weight", F32, width);
            g.tensor(b + "attn_q.weight", F16, width, width);
            g.tensor(b + "attn_k.weight", F16, width, width);
            g.tensor(b + "attn_v.weight", F16, width, width);
            g.tensor(b + "attn_output.weight", F16, width, width);
            g.tensor(b + "ffn_norm.weight", F32, width);
            g.tensor(b + "ffn_gate.weight", F16, width, ff);
            g.tensor(b + "ffn_up.weight", F16, width, ff);
            g.tensor(b + "ffn_down.weight", F16, ff, width);
        }
        g.tensor("output_norm.weight", F32, width);
        g.tensor("output.weight", F16, width, vocabulary);
        return g;
    }

    CraftedGguf kv(String key, int type, ByteBuffer value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(RawGguf.le(4).putInt(type).array());
        out.write(value.array(), 0, value.position());
        metadata.put(key, out.toByteArray()); // replaces in place, or appends
        return this;
    }

    /** Moves every key of the current architecture to another architecture's prefix and names that one. */
    CraftedGguf architecture(String next) {
        String prefix = architecture + ".";
        Map<String, byte[]> renamed = new LinkedHashMap<>();
        metadata.forEach((key, value) ->
                renamed.put(key.startsWith(prefix) ? next + "." + key.substring(prefix.length()) : key, value));
        metadata.clear();
        metadata.putAll(renamed);
        architecture = next;
        return string("general.architecture", next);
    }

    String architectureName() {
        return architecture;
    }

    int layers() {
        return layers;
    }

    CraftedGguf remove(String key) {
        metadata.remove(key);
        return this;
    }

    CraftedGguf u32(String key, long value) {
        return kv(key, 4, RawGguf.le(4).putInt((int) value));
    }

    CraftedGguf i32(String key, int value) {
        return kv(key, 5, RawGguf.le(4).putInt(value));
    }

    CraftedGguf u64(String key, long value) {
        return kv(key, 10, RawGguf.le(8).putLong(value));
    }

    CraftedGguf f32(String key, float value) {
        return kv(key, 6, RawGguf.le(4).putFloat(value));
    }

    CraftedGguf f64(String key, double value) {
        return kv(key, 12, RawGguf.le(8).putDouble(value));
    }

    CraftedGguf bool(String key, boolean value) {
        return kv(key, 7, RawGguf.le(1).put((byte) (value ? 1 : 0)));
    }

    CraftedGguf string(String key, String value) {
        byte[] s = RawGguf.str(value);
        return kv(key, 8, RawGguf.le(s.length).put(s));
    }

    CraftedGguf strings(String key, List<String> values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(RawGguf.le(12).putInt(8).putLong(values.size()).array());
        values.forEach(v -> out.writeBytes(RawGguf.str(v)));
        byte[] bytes = out.toByteArray();
        return kv(key, 9, RawGguf.le(bytes.length).put(bytes));
    }

    CraftedGguf f32s(String key, float[] values) {
        ByteBuffer b = RawGguf.le(12 + 4 * values.length).putInt(6).putLong(values.length);
        for (float v : values) {
            b.putFloat(v);
        }
        return kv(key, 9, b);
    }

    CraftedGguf i32s(String key, int[] values) {
        ByteBuffer b = RawGguf.le(12 + 4 * values.length).putInt(5).putLong(values.length);
        for (int v : values) {
            b.putInt(v);
        }
        return kv(key, 9, b);
    }

    CraftedGguf u8s(String key, int length) {
        return kv(key, 9, RawGguf.le(12 + length).putInt(0).putLong(length).position(12 + length));
    }

    /** Adds a tensor, or replaces the one of that name where it is. */
    CraftedGguf tensor(String name, int type, long... dims) {
        Tensor t = new Tensor(name, type, dims);
        for (int i = 0; i < tensors.size(); i++) {
            if (tensors.get(i).name().equals(name)) {
                tensors.set(i, t);
                return this;
            }
        }
        tensors.add(t);
        return this;
    }

    CraftedGguf removeTensor(String name) {
        tensors.removeIf(t -> t.name().equals(name));
        return this;
    }

    List<String> tokens() {
        return new ArrayList<>(TinyLlamaModel.vocabulary());
    }

    private long alignment() {
        byte[] value = metadata.get("general.alignment");
        return value == null
                ? 32
                : Integer.toUnsignedLong(ByteBuffer.wrap(value, 4, 4)
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                        .getInt());
    }

    private static long sizeBytes(Tensor t) {
        long elements = 1;
        for (long d : t.dims()) {
            elements *= d;
        }
        GgufTensorType type = GgufTensorType.byId(t.type()).orElseThrow();
        return elements / type.blockSize() * type.blockSizeBytes();
    }

    byte[] bytes() {
        long alignment = Math.max(1, alignment());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(RawGguf.le(24)
                .putInt(0x46554747)
                .putInt(3)
                .putLong(tensors.size())
                .putLong(metadata.size())
                .array());
        metadata.forEach((key, value) -> {
            out.writeBytes(RawGguf.str(key));
            out.writeBytes(value);
        });
        long offset = 0;
        List<long[]> placed = new ArrayList<>();
        for (Tensor t : tensors) {
            out.writeBytes(RawGguf.str(t.name()));
            out.writeBytes(RawGguf.le(4).putInt(t.dims().length).array());
            for (long d : t.dims()) {
                out.writeBytes(RawGguf.le(8).putLong(d).array());
            }
            out.writeBytes(RawGguf.le(12)
                    .putInt(t.type())
                    .putLong(offset + offsetShift)
                    .array());
            placed.add(new long[] {offset + offsetShift, sizeBytes(t)});
            offset = (offset + sizeBytes(t) + alignment - 1) / alignment * alignment;
        }
        while (out.size() % alignment != 0) {
            out.write(0);
        }
        long dataStart = out.size();
        long end = 0;
        for (long[] p : placed) {
            end = Math.max(end, p[0] + p[1]);
        }
        byte[] file = new byte[Math.toIntExact(dataStart + end)];
        System.arraycopy(out.toByteArray(), 0, file, 0, (int) dataStart);
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < tensors.size(); i++) {
            fill(file, (int) (dataStart + placed.get(i)[0]), placed.get(i)[1], tensors.get(i), random);
        }
        return file;
    }

    /** Small random weights, norms of 1, so llama.cpp computes finite numbers with the model. */
    private static void fill(byte[] file, int at, long size, Tensor t, SplittableRandom random) {
        ByteBuffer b = ByteBuffer.wrap(file, at, (int) size).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        boolean norm = t.dims().length == 1;
        switch (t.type()) {
            case F32 -> {
                while (b.remaining() >= 4) {
                    b.putFloat(norm ? 1f : (float) random.nextDouble(-0.1, 0.1));
                }
            }
            case F16 -> {
                while (b.remaining() >= 2) {
                    b.putShort(Float.floatToFloat16(norm ? 1f : (float) random.nextDouble(-0.1, 0.1)));
                }
            }
            default -> {} // zeros
        }
    }

    Path write(Path path) {
        try {
            Files.write(path, bytes());
            return path;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
