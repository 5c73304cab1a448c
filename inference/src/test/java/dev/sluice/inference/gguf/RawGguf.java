package dev.sluice.inference.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds GGUF bytes field by field, so tests can write files that the real writer refuses to. */
final class RawGguf {
    int magic = 0x46554747;
    int version = 3;
    Long tensorCount;
    Long metadataCount;
    long dataBytes = 512;
    final List<byte[]> metadata = new ArrayList<>();
    final List<byte[]> tensors = new ArrayList<>();

    /** A minimal valid llama model: required keys, four tokens, one F32 token embedding of [32, 4]. */
    static RawGguf validLlama() {
        RawGguf g = new RawGguf();
        g.string("general.architecture", "llama");
        for (String key : List.of(
                "context_length", "embedding_length", "block_count", "feed_forward_length", "attention.head_count")) {
            g.u32("llama." + key, key.equals("embedding_length") ? 32 : key.equals("context_length") ? 64 : 4);
        }
        g.kv("llama.attention.layer_norm_rms_epsilon", 6, le(4).putFloat(1e-5f));
        g.string("tokenizer.ggml.model", "llama");
        g.stringArray("tokenizer.ggml.tokens", "<unk>", "<s>", "</s>", "a");
        g.tensor("token_embd.weight", 2, new long[] {32, 4}, 0, 0);
        return g;
    }

    RawGguf kv(String key, int type, ByteBuffer value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(str(key));
        out.writeBytes(le(4).putInt(type).array());
        out.write(value.array(), 0, value.position());
        metadata.add(out.toByteArray());
        return this;
    }

    RawGguf u32(String key, long value) {
        return kv(key, 4, le(4).putInt((int) value));
    }

    RawGguf string(String key, String value) {
        byte[] s = str(value);
        return kv(key, 8, le(s.length).put(s));
    }

    RawGguf stringArray(String key, String... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(le(12).putInt(8).putLong(values.length).array());
        for (String v : values) {
            out.writeBytes(str(v));
        }
        byte[] bytes = out.toByteArray();
        return kv(key, 9, le(bytes.length).put(bytes));
    }

    RawGguf tensor(String name, int nDims, long[] dims, int type, long offset) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(str(name));
        out.writeBytes(le(4).putInt(nDims).array());
        for (long d : dims) {
            out.writeBytes(le(8).putLong(d).array());
        }
        out.writeBytes(le(12).putInt(type).putLong(offset).array());
        tensors.add(out.toByteArray());
        return this;
    }

    byte[] build() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(le(24).putInt(magic)
                .putInt(version)
                .putLong(tensorCount != null ? tensorCount : tensors.size())
                .putLong(metadataCount != null ? metadataCount : metadata.size())
                .array());
        metadata.forEach(out::writeBytes);
        tensors.forEach(out::writeBytes);
        while (out.size() % 32 != 0) {
            out.write(0);
        }
        out.writeBytes(new byte[(int) dataBytes]);
        return out.toByteArray();
    }

    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    static byte[] str(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return le(8 + bytes.length).putLong(bytes.length).put(bytes).array();
    }
}
