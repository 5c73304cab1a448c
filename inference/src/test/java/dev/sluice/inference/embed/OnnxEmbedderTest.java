package dev.sluice.inference.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.BadInputException;
import dev.sluice.core.memory.FloatMatrix;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The real all-MiniLM-L6-v2 through {@link OnnxEmbedder}: shapes, determinism, batching, truncation, threads. */
class OnnxEmbedderTest {
    private static final String LONG_TEXT = "word ".repeat(400).trim();

    @Test
    void readsTheDimensionAndIdentityFromTheModel() {
        OnnxEmbedder embedder = MiniLm.shared();
        assertEquals(384, embedder.dimension());
        assertEquals(128, embedder.maxTokens());
        assertEquals(ExecutionProvider.CPU, embedder.executionProvider());
        assertEquals("onnxruntime", embedder.identity().runtime());
        assertTrue(
                embedder.identity().name().startsWith("all-minilm-l6-v2/last_hidden_state/mean+l2/max128/"),
                embedder.identity().name());
    }

    @Test
    void vectorsHaveUnitLength() {
        float[] vector = MiniLm.shared().embed("Sluice embeds text inside the JVM.");
        double norm = 0;
        for (float v : vector) {
            norm += v * v;
        }
        assertEquals(1.0, Math.sqrt(norm), 1e-5);
    }

    @Test
    void sameTextGivesIdenticalBytesOnRepeatedCalls() {
        float[] first = MiniLm.shared().embed("Determinism is a feature.");
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(first, MiniLm.shared().embed("Determinism is a feature."));
        }
    }

    @Test
    void batchGivesTheSameVectorsAsOneByOne() {
        List<String> sentences = Sentences.varied(64);
        try (FloatMatrix batch = MiniLm.shared().embedAll(sentences)) {
            float worst = 0;
            for (int i = 0; i < sentences.size(); i++) {
                float[] alone = MiniLm.shared().embed(sentences.get(i));
                for (int d = 0; d < alone.length; d++) {
                    worst = Math.max(worst, Math.abs(alone[d] - batch.get(i, d)));
                }
            }
            assertTrue(worst <= 1e-5f, "max abs difference " + worst);
        }
    }

    @Test
    void runsSpreadOverThreadsMatchRunsOnTheCallerAndRepeatBitForBit() {
        List<String> sentences = Sentences.varied(64);
        try (OnnxEmbedder sequential = OnnxEmbedder.builder(MiniLm.MODEL, MiniLm.TOKENIZER)
                        .maxBatchSize(32)
                        .runThreads(1)
                        .build();
                FloatMatrix spread = MiniLm.shared().embedAll(sentences);
                FloatMatrix again = MiniLm.shared().embedAll(sentences);
                FloatMatrix onCaller = sequential.embedAll(sentences);
                Arena arena = Arena.ofConfined();
                FloatMatrix confined = FloatMatrix.wrap("confined", arena.allocate(4L * 384 * 64), 64, 384)) {
            MiniLm.shared().embedInto(sentences, confined, 0);
            assertEquals(-1, spread.segment().mismatch(again.segment()), "same batch, same bytes");
            assertTrue(maxDifference(spread, onCaller) <= 1e-5f, "spread against caller-only");
            assertTrue(maxDifference(spread, confined) <= 1e-5f, "spread against a confined target");
        }
    }

    private static float maxDifference(FloatMatrix a, FloatMatrix b) {
        float worst = 0;
        for (int row = 0; row < a.rows(); row++) {
            for (int d = 0; d < a.dimension(); d++) {
                worst = Math.max(worst, Math.abs(a.get(row, d) - b.get(row, d)));
            }
        }
        return worst;
    }

    @Test
    void embedIntoWritesOnlyTheRowsAskedFor() {
        List<String> texts = List.of("first text", "second text", "third text");
        try (FloatMatrix target = FloatMatrix.allocate("store", 10, 384)) {
            EmbeddedBatch batch = MiniLm.shared().embedInto(texts, target, 6);
            assertEquals(new EmbeddedBatch(3, 0, 4), batch);
            for (int row = 0; row < 10; row++) {
                boolean written = row >= 6 && row < 9;
                assertEquals(written, target.get(row, 0) != 0f || target.get(row, 1) != 0f, "row " + row);
            }
            assertArrayEquals(MiniLm.shared().embed("second text"), rowOf(target, 7));
        }
    }

    @Test
    void longTextIsTruncatedAndReported() {
        OnnxEmbedder embedder = MiniLm.shared();
        long before = embedder.truncatedTexts();
        try (FloatMatrix target = FloatMatrix.allocate("store", 2, 384)) {
            EmbeddedBatch batch = embedder.embedInto(List.of("short", LONG_TEXT), target, 0);
            assertEquals(1, batch.truncatedTexts());
            assertEquals(128, batch.longestTokens());
        }
        assertTrue(embedder.truncatedTexts() >= before + 1);
    }

    @Test
    void rejectModeRefusesTooLongTextNamingIt() {
        try (OnnxEmbedder strict = OnnxEmbedder.builder(MiniLm.MODEL, MiniLm.TOKENIZER)
                .overlength(Overlength.REJECT)
                .build()) {
            BadInputException e = assertThrows(
                    BadInputException.class, () -> strict.embedAll(List.of("fine", "also fine", LONG_TEXT)));
            assertTrue(e.getMessage().contains("text 2 has more than the 128 tokens"), e.getMessage());
            assertEquals(384, strict.embed("fine").length);
        }
    }

    @Test
    void clsPoolingAndNoNormalisationChangeTheVectorAndTheIdentity() {
        try (OnnxEmbedder cls = OnnxEmbedder.builder(MiniLm.MODEL, MiniLm.TOKENIZER)
                .pooling(Pooling.CLS)
                .normalize(false)
                .intraOpThreads(1)
                .spinning(false)
                .build()) {
            float[] vector = cls.embed("pooling matters");
            double norm = 0;
            for (float v : vector) {
                norm += v * v;
            }
            assertTrue(Math.abs(Math.sqrt(norm) - 1) > 0.01, "norm " + Math.sqrt(norm));
            assertNotEquals(MiniLm.shared().identity(), cls.identity());
            assertTrue(cls.identity().name().contains("/cls/"), cls.identity().name());
        }
    }

    @Test
    void cudaRequestFallsBackToCpuVisiblyWithoutTheGpuRuntime() {
        try (OnnxEmbedder embedder =
                OnnxEmbedder.builder(MiniLm.MODEL, MiniLm.TOKENIZER).cuda(0).build()) {
            assertEquals(ExecutionProvider.CPU, embedder.executionProvider());
            assertNotNull(embedder.fallbackReason());
            assertTrue(embedder.fallbackReason().contains("onnxruntime_gpu"), embedder.fallbackReason());
            assertArrayEquals(MiniLm.shared().embed("fallback"), embedder.embed("fallback"));
        }
    }

    @Test
    void eightThreadsGiveTheSameBytesAsOneThread() throws Exception {
        List<String> sentences = Sentences.varied(96);
        float[][] expected = embedInBatchesOf8(sentences, 0);
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<float[][]>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int firstBatch = t;
                results.add(pool.submit(() -> embedInBatchesOf8(sentences, firstBatch)));
            }
            for (int t = 0; t < 8; t++) {
                float[][] got = results.get(t).get();
                for (int i = 0; i < expected.length; i++) {
                    assertArrayEquals(expected[i], got[i], "thread " + t + " sentence " + i);
                }
            }
        }
    }

    /** Embeds the sentences in the same batches of 8, starting with a different batch, so threads overlap. */
    private static float[][] embedInBatchesOf8(List<String> sentences, int firstBatch) {
        int batches = sentences.size() / 8;
        float[][] vectors = new float[sentences.size()][];
        for (int b = 0; b < batches; b++) {
            int first = ((firstBatch + b) % batches) * 8;
            try (FloatMatrix m = MiniLm.shared().embedAll(sentences.subList(first, first + 8))) {
                for (int j = 0; j < 8; j++) {
                    vectors[first + j] = rowOf(m, j);
                }
            }
        }
        return vectors;
    }

    private static float[] rowOf(FloatMatrix matrix, int row) {
        float[] values = new float[matrix.dimension()];
        matrix.row(row).copyTo(values);
        return values;
    }

    @Test
    void closedEmbedderThrowsIllegalState() {
        OnnxEmbedder embedder =
                OnnxEmbedder.builder(MiniLm.MODEL, MiniLm.TOKENIZER).build();
        embedder.close();
        embedder.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> embedder.embed("late"));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertTrue(Arrays.asList(e.getStackTrace()).size() > 0);
    }
}
