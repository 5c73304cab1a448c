package dev.sluice.inference.embed;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.CorruptDataException;
import dev.sluice.ffi.MappedFile;
import dev.sluice.inference.embed.internal.OnnxFileCheck;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Java-side ONNX structure check on real, tiny, truncated and random models. */
class OnnxFileCheckTest {
    private static final long SEED = 7_340_033L;

    @Test
    void acceptsTheRealModelAndTinyModels() {
        assertDoesNotThrow(() -> OnnxFileCheck.check(MiniLm.MODEL));
        byte[] tiny = TinyOnnx.model("input_ids", TinyOnnx.INT64, TinyOnnx.INT64, "Identity");
        assertDoesNotThrow(() -> OnnxFileCheck.check(MemorySegment.ofArray(tiny), "tiny"));
    }

    @Test
    void rejectsEveryProperPrefixOfATinyModel() {
        byte[] tiny = TinyOnnx.model("input_ids", TinyOnnx.INT64, TinyOnnx.INT64, "Identity");
        for (int length = 0; length < tiny.length; length++) {
            MemorySegment prefix = MemorySegment.ofArray(tiny).asSlice(0, length);
            assertThrows(
                    CorruptDataException.class,
                    () -> OnnxFileCheck.check(prefix, "prefix"),
                    "prefix of " + length + " of " + tiny.length + " bytes");
        }
    }

    @Test
    void rejectsTheRealModelCutAtRandomPlaces() {
        SplittableRandom random = new SplittableRandom(SEED);
        try (MappedFile model = MappedFile.openReadOnly(MiniLm.MODEL)) {
            long size = model.sizeBytes();
            for (int i = 0; i < 200; i++) {
                long cut = i < 100 ? random.nextLong(size) : size - 1 - random.nextLong(4096);
                CorruptDataException e = assertThrows(
                        CorruptDataException.class,
                        () -> OnnxFileCheck.check(model.segment().asSlice(0, cut), "cut"),
                        "seed " + SEED + ": cut at " + cut + " of " + size);
                assertTrue(e.getMessage().startsWith("model cut"), e.getMessage());
            }
        }
    }

    @Test
    void rejectsRandomBytes() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < 2_000; i++) {
            byte[] noise = new byte[4 + random.nextInt(4096)];
            random.nextBytes(noise);
            assertThrows(
                    CorruptDataException.class,
                    () -> OnnxFileCheck.check(MemorySegment.ofArray(noise), "noise"),
                    "seed " + SEED + ", sample " + i);
        }
    }

    @Test
    void namesTheProblemWithItsByteOffset() {
        byte[] tiny = TinyOnnx.model("input_ids", TinyOnnx.INT64, TinyOnnx.INT64, "Identity");
        CorruptDataException e = assertThrows(
                CorruptDataException.class,
                () -> OnnxFileCheck.check(MemorySegment.ofArray(tiny).asSlice(0, 20), "tiny.onnx"));
        assertTrue(
                e.getMessage()
                        .matches("model tiny.onnx is not a well-formed ONNX model: at byte \\d+, a length "
                                + "of \\d+ bytes runs past the end of its message \\(\\d+ bytes remain\\).*"),
                e.getMessage());
    }
}
