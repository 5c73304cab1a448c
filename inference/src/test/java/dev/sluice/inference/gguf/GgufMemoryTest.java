package dev.sluice.inference.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.CorruptDataException;
import dev.sluice.fixtures.ForkedJvm;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading a GGUF file costs memory for what the reader keeps, not for what the file claims: large arrays Sluice does
 * not use are walked, not copied (a 16 MiB file with a 15 MiB uint8 array once grew the heap by 567 MiB; a 64 MiB one
 * ended in an OutOfMemoryError), and absurd counts are refused before anything is allocated.
 */
class GgufMemoryTest {
    private static final int BLOB = 15 << 20;

    @TempDir
    Path dir;

    /**
     * The minimal model with {@code blobs} uint8 arrays of {@code BLOB} elements, of values above 127 (which a
     * boxed-{@code Long} reader cannot take from the small-value cache).
     */
    static byte[] withBlobs(int blobs) {
        RawGguf g = RawGguf.validLlama();
        for (int i = 0; i < blobs; i++) {
            java.nio.ByteBuffer value = RawGguf.le(12 + BLOB).putInt(0).putLong(BLOB);
            while (value.hasRemaining()) {
                value.put((byte) (128 + (value.position() & 127)));
            }
            g.kv("junk.blob" + i, 9, value);
        }
        return g.build();
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void aLargeUnusedArrayIsWalkedNotKept() throws IOException {
        Path file = Files.write(dir.resolve("blob.gguf"), withBlobs(1));
        assertTrue(Files.size(file) > 15 << 20);
        GgufFile.read(file); // warm up class loading and the mapping code
        long before = allocatedBytes();
        GgufFile gguf = GgufFile.read(file);
        long allocated = allocatedBytes() - before;
        assertTrue(allocated < 1 << 20, "reading a 16 MiB file allocated " + allocated + " bytes");
        assertEquals(new GgufSkippedArray("uint8", BLOB), gguf.metadata().get("junk.blob0"));
        assertTrue(gguf.toJson().contains("\"junk.blob0\": {\"arrayLength\": " + BLOB + "}"));
    }

    @Test
    void manyLargeArraysAreReadInAForkedJvmWithASmallHeap() throws Exception {
        Path file = Files.write(dir.resolve("blobs.gguf"), withBlobs(4));
        assertTrue(Files.size(file) > 60 << 20);
        ForkedJvm.Result result = ForkedJvm.run(dir, GgufForkedScenarios.class, "inspect", file.toString());
        assertFalse(result.crashed(), "crashed: " + result);
        assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
        assertTrue(result.stdout().contains("OK inspect: 4 blobs"), result.stdout() + result.stderr());
    }

    @Test
    void absurdCountsAreRefusedBeforeAllocating() {
        RawGguf tokens = RawGguf.validLlama();
        tokens.metadata.remove(8); // the four tokens
        tokens.kv("tokenizer.ggml.tokens", 9, RawGguf.le(12).putInt(8).putLong(1L << 23));
        CorruptDataException e = assertThrows(
                CorruptDataException.class, () -> GgufFile.parse(MemorySegment.ofArray(tokens.build()), "claims.gguf"));
        assertTrue(e.getMessage().contains("bytes remain"), e.getMessage());

        RawGguf blob = RawGguf.validLlama();
        blob.kv("junk", 9, RawGguf.le(12).putInt(0).putLong((1L << 24) + 1));
        e = assertThrows(
                CorruptDataException.class, () -> GgufFile.parse(MemorySegment.ofArray(blob.build()), "claims.gguf"));
        assertTrue(e.getMessage().contains("cap 16777216"), e.getMessage());
    }

    @Test
    void aVocabularyAboveTheCapIsRefused() {
        RawGguf g = RawGguf.validLlama();
        g.metadata.remove(8);
        int count = (1 << 20) + 1;
        g.kv(
                "tokenizer.ggml.tokens",
                9,
                RawGguf.le(12 + 8 * count).putInt(8).putLong(count).position(12 + 8 * count));
        CorruptDataException e = assertThrows(
                CorruptDataException.class, () -> GgufFile.parse(MemorySegment.ofArray(g.build()), "big.gguf"));
        assertTrue(e.getMessage().contains("the cap is 1048576"), e.getMessage());
    }
}
