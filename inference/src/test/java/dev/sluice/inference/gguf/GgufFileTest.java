package dev.sluice.inference.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.fixtures.GgufWriter;
import dev.sluice.fixtures.TinyLlamaModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufFileTest {
    @TempDir
    Path dir;

    @Test
    void readsTheMetadataUsersWantFromATinyModel() {
        Path file = dir.resolve("tiny.gguf");
        long size = TinyLlamaModel.small().write(file);
        GgufFile gguf = GgufFile.read(file);
        assertEquals(size, gguf.fileSizeBytes());
        assertTrue(size > 100_000 && size < 1_000_000, "a few hundred KB: " + size);
        assertEquals(3, gguf.version());
        assertEquals("llama", gguf.architecture());
        assertEquals("sluice-tiny", gguf.name());
        assertEquals(512, gguf.contextLength());
        assertEquals(64, gguf.embeddingLength());
        assertEquals(2, gguf.layerCount());
        assertEquals(TinyLlamaModel.vocabulary().size(), gguf.vocabularySize());
        assertEquals(GgufTensorType.F16, gguf.quantisation().orElseThrow());
        assertEquals(TinyLlamaModel.CHAT_TEMPLATE, gguf.chatTemplate().orElseThrow());
        assertEquals(2 + 2 * 9 + 1, gguf.tensors().size());
        long expectedParameters = 2L * 64 * gguf.vocabularySize() + 64 + 2 * (2 * 64 + 4 * 64 * 64 + 3 * 64 * 128);
        assertEquals(expectedParameters, gguf.parameterCount());
        String json = gguf.toJson();
        assertTrue(json.contains("\"architecture\": \"llama\""), json);
        assertTrue(json.contains("\"quantisation\": \"F16\""), json);
        assertTrue(json.contains("\"tokenizer.ggml.tokens\": {\"arrayLength\": " + gguf.vocabularySize() + "}"), json);
    }

    @Test
    void writesEachWeightTypeWithTheExpectedTensorSizes() {
        for (GgufTensorType type : List.of(GgufTensorType.F32, GgufTensorType.F16, GgufTensorType.Q8_0)) {
            Path file = dir.resolve(type + ".gguf");
            TinyLlamaModel.small()
                    .withWeightType(GgufWriter.TensorType.valueOf(type.name()))
                    .write(file);
            GgufFile gguf = GgufFile.read(file);
            assertEquals(type, gguf.quantisation().orElseThrow());
            GgufTensor q = gguf.tensors().stream()
                    .filter(t -> t.name().equals("blk.0.attn_q.weight"))
                    .findFirst()
                    .orElseThrow();
            assertEquals(64L * 64 / type.blockSize() * type.blockSizeBytes(), q.sizeBytes());
            assertEquals(0, q.offsetBytes() % 32);
        }
    }

    @Test
    void sameSeedWritesTheSameBytesAndAnotherSeedDifferentOnes() throws IOException {
        Path a = dir.resolve("a.gguf");
        Path b = dir.resolve("b.gguf");
        Path c = dir.resolve("c.gguf");
        TinyLlamaModel.small().write(a);
        TinyLlamaModel.small().write(b);
        TinyLlamaModel.small().withSeed(43).write(c);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)));
    }

    @Test
    void acceptsTheMinimalHandWrittenModel() throws IOException {
        Path file = dir.resolve("raw.gguf");
        Files.write(file, RawGguf.validLlama().build());
        GgufFile gguf = GgufFile.read(file);
        assertEquals(4, gguf.vocabularySize());
        assertEquals(128, gguf.parameterCount());
    }
}
