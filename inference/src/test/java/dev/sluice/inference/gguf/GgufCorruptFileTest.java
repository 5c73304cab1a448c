package dev.sluice.inference.gguf;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sluice.core.BadInputException;
import dev.sluice.core.CorruptDataException;
import dev.sluice.fixtures.TinyLlamaModel;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per kind of bad GGUF file: each must give a {@link CorruptDataException} naming the problem. */
class GgufCorruptFileTest {
    @TempDir
    Path dir;

    private static void rejects(byte[] bytes, String expectedInMessage) {
        CorruptDataException e = assertThrows(
                CorruptDataException.class, () -> GgufFile.parse(MemorySegment.ofArray(bytes), "test.gguf"));
        assertTrue(
                e.getMessage().contains(expectedInMessage),
                "expected '" + expectedInMessage + "' in: " + e.getMessage());
    }

    private static void rejects(Consumer<RawGguf> change, String expectedInMessage) {
        RawGguf g = RawGguf.validLlama();
        change.accept(g);
        rejects(g.build(), expectedInMessage);
    }

    private byte[] tinyModel() throws IOException {
        Path file = dir.resolve("tiny.gguf");
        TinyLlamaModel.small().write(file);
        return Files.readAllBytes(file);
    }

    @Test
    void rejectsTruncatedFilesAtEveryKindOfBoundary() throws IOException {
        byte[] valid = tinyModel();
        for (int length : new int[] {0, 3, 8, 23, 24, 40, 1000, 10_000, valid.length - 1}) {
            CorruptDataException e = assertThrows(
                    CorruptDataException.class,
                    () -> GgufFile.parse(MemorySegment.ofArray(Arrays.copyOf(valid, length)), "cut.gguf"),
                    "length " + length);
            assertTrue(
                    e.getMessage().contains("truncated")
                            || e.getMessage().contains("remain")
                            || e.getMessage().contains("data section holds"),
                    e.getMessage());
        }
    }

    @Test
    void rejectsBadMagic() {
        rejects(g -> g.magic = 0x46554746, "does not start with the GGUF magic");
    }

    @Test
    void rejectsUnknownVersions() {
        rejects(g -> g.version = 4, "has GGUF version 4");
        rejects(g -> g.version = 1, "has GGUF version 1");
        rejects(g -> g.version = Integer.reverseBytes(3), "big-endian");
    }

    @Test
    void rejectsAbsurdCounts() {
        rejects(g -> g.tensorCount = Long.MAX_VALUE, "tensors");
        rejects(g -> g.tensorCount = -1L, "18446744073709551615 tensors");
        rejects(g -> g.metadataCount = 1L << 40, "metadata entries");
        rejects(g -> g.metadataCount = 1000L, "metadata entries"); // within the cap but not the file
    }

    @Test
    void rejectsAStringLengthPastTheEnd() {
        rejects(
                g -> g.kv("general.name", 8, RawGguf.le(12).putLong(1L << 40).putInt(0)),
                "has a string of " + (1L << 40) + " bytes");
        rejects(g -> g.kv("general.name", 8, RawGguf.le(8).putLong(-5)), "bytes remain");
    }

    @Test
    void rejectsAnArrayLongerThanTheFile() {
        rejects(g -> g.kv("general.tags", 9, RawGguf.le(12).putInt(4).putLong(1L << 33)), "has array");
    }

    @Test
    void rejectsTensorDataPastTheEndOrOverlapping() {
        rejects(g -> g.tensor("extra", 1, new long[] {32}, 0, 1L << 20), "the data section holds only");
        rejects(g -> g.tensor("extra", 1, new long[] {32}, 0, -64), "the data section holds only");
        rejects(g -> g.tensor("extra", 1, new long[] {32}, 0, 0), "overlaps tensor");
        rejects(
                g -> {
                    g.tensor("extra", 1, new long[] {8}, 0, 528);
                    g.dataBytes = 1024;
                },
                "not a multiple of the alignment 32");
    }

    @Test
    void rejectsBadTensorShapesAndTypes() {
        rejects(g -> g.tensor("five", 5, new long[] {1, 1, 1, 1, 1}, 0, 0), "has 5 dimensions");
        rejects(g -> g.tensor("zero", 1, new long[] {0}, 0, 0), "dimension 0 of 0");
        rejects(g -> g.tensor("huge", 2, new long[] {1L << 40, 1L << 40}, 0, 0), "does not fit in 63 bits");
        rejects(g -> g.tensor("odd", 1, new long[] {32}, 99, 0), "unknown tensor type 99");
        rejects(g -> g.tensor("removed", 1, new long[] {32}, 4, 0), "unknown tensor type 4");
        rejects(g -> g.tensor("q8", 1, new long[] {16}, 8, 512), "not a multiple of the block size 32");
        rejects(
                g -> g.tensor("token_embd.weight", 1, new long[] {32}, 0, 512),
                "tensor name 'token_embd.weight' twice");
    }

    @Test
    void rejectsBadKeys() {
        rejects(g -> g.string("general.architecture", "llama"), "key 'general.architecture' twice");
        rejects(g -> g.u32("", 1), "has an empty key");
        rejects(g -> g.u32("general.alignment", 48), "general.alignment = 48");
        rejects(g -> g.kv("flag", 7, RawGguf.le(1).put((byte) 2)), "bool value 2");
        rejects(g -> g.kv("odd", 13, RawGguf.le(4).putInt(0)), "unknown value type 13");
        rejects(
                g -> {
                    var deep = RawGguf.le(128);
                    for (int i = 0; i < 5; i++) {
                        deep.putInt(9).putLong(1);
                    }
                    deep.putInt(4).putLong(1).putInt(7);
                    g.kv("deep", 9, deep);
                },
                "nests arrays deeper than 4");
    }

    @Test
    void rejectsAMissingRequiredArchitectureKey() {
        RawGguf g = RawGguf.validLlama();
        g.metadata.remove(3); // llama.block_count
        rejects(g.build(), "lacks the key llama.block_count");
        rejects(
                h -> {
                    h.metadata.removeFirst();
                    h.string("general.architecture", "gpt-j");
                },
                "architecture 'gpt-j', which is not on the allow-list");
        rejects(h -> h.metadata.removeFirst(), "has no string general.architecture");
        rejects(
                h -> {
                    h.metadata.remove(1);
                    h.u32("llama.context_length", 0);
                },
                "llama.context_length = 0");
    }

    @Test
    void rejectsAnInconsistentTokenizer() {
        rejects(
                g -> g.kv(
                        "tokenizer.ggml.scores",
                        9,
                        RawGguf.le(24)
                                .putInt(6)
                                .putLong(3)
                                .putFloat(0)
                                .putFloat(0)
                                .putFloat(0)),
                "has 3 entries in tokenizer.ggml.scores but 4");
        rejects(g -> g.u32("tokenizer.ggml.bos_token_id", 4), "outside the vocabulary of 4 tokens");
        rejects(
                g -> {
                    g.tensors.clear();
                    g.tensor("token_embd.weight", 2, new long[] {32, 5}, 0, 0);
                    g.dataBytes = 1024;
                },
                "expected [32, 4]");
    }

    @Test
    void rejectsRandomBytes() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200; i++) {
            byte[] bytes = new byte[random.nextInt(0, 4096)];
            random.nextBytes(bytes);
            if (i % 2 == 0 && bytes.length >= 8) { // half of them with a valid magic and version
                RawGguf.le(8).putInt(0x46554747).putInt(3).flip().get(bytes, 0, 8);
            }
            assertThrows(
                    CorruptDataException.class,
                    () -> GgufFile.parse(MemorySegment.ofArray(bytes), "r"),
                    "seed 7, file " + i);
        }
    }

    @Test
    void mutatedHeadersEitherPassOrGiveCorruptDataException() throws IOException {
        byte[] valid = tinyModel();
        int headerBytes = (int) GgufFile.parse(MemorySegment.ofArray(valid), "v")
                .tensors()
                .getFirst()
                .offsetBytes();
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 500; i++) {
            byte[] bytes = valid.clone();
            int at = random.nextInt(headerBytes - 8);
            if (random.nextBoolean()) {
                bytes[at] = (byte) random.nextInt(256);
            } else {
                RawGguf.le(8).putLong(random.nextLong()).flip().get(bytes, at, 8);
            }
            try {
                GgufFile.parse(MemorySegment.ofArray(bytes), "m");
            } catch (CorruptDataException expected) {
                // fine: named problem
            } catch (RuntimeException e) {
                fail("seed 11, mutation " + i + " at " + at + " threw " + e);
            }
        }
    }

    @Test
    void rejectsADirectoryAndAMissingFile() {
        BadInputException directory = assertThrows(BadInputException.class, () -> GgufFile.read(dir));
        assertTrue(directory.getMessage().contains("directory"), directory.getMessage());
        BadInputException missing =
                assertThrows(BadInputException.class, () -> GgufFile.read(dir.resolve("absent.gguf")));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
    }
}
