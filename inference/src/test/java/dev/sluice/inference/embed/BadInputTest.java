package dev.sluice.inference.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.BadInputException;
import dev.sluice.core.CorruptDataException;
import dev.sluice.core.memory.FloatMatrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every kind of bad input the issue lists gives a clear exception naming the problem. */
class BadInputTest {
    @TempDir
    Path dir;

    private static void assertMessage(Class<? extends Throwable> type, Executable call, String... fragments) {
        Throwable e = assertThrows(type, call);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' lacks '" + fragment + "'");
        }
    }

    private static OnnxEmbedder build(Path model, Path tokenizer) {
        return OnnxEmbedder.builder(model, tokenizer).build();
    }

    @Test
    void missingModelOrTokenizerFile() {
        assertMessage(
                BadInputException.class,
                () -> build(dir.resolve("nope.onnx"), MiniLm.TOKENIZER),
                "nope.onnx does not exist");
        assertMessage(
                BadInputException.class,
                () -> build(MiniLm.MODEL, dir.resolve("nope.json")),
                "tokenizer file",
                "nope.json does not exist");
        assertMessage(BadInputException.class, () -> build(dir, MiniLm.TOKENIZER), "is not a regular file");
    }

    @Test
    void tokenizerFileThatIsNotATokenizer() throws IOException {
        Path junk = Files.writeString(dir.resolve("tokenizer.json"), "{\"this is\": \"not a tokenizer\"}");
        assertMessage(BadInputException.class, () -> build(MiniLm.MODEL, junk), "is not a Hugging Face tokenizer");
    }

    @Test
    void fileThatIsNotAnOnnxModel() throws IOException {
        Path text = Files.writeString(dir.resolve("readme.onnx"), "This is a text file, not a model.\n");
        assertMessage(
                CorruptDataException.class,
                () -> build(text, MiniLm.TOKENIZER),
                "readme.onnx is not a well-formed ONNX model");
        Path empty = Files.write(dir.resolve("empty.onnx"), new byte[0]);
        assertMessage(CorruptDataException.class, () -> build(empty, MiniLm.TOKENIZER), "has 0 bytes");
        Path truncated =
                Files.write(dir.resolve("truncated.onnx"), Arrays.copyOf(Files.readAllBytes(MiniLm.MODEL), 1 << 20));
        assertMessage(
                CorruptDataException.class,
                () -> build(truncated, MiniLm.TOKENIZER),
                "runs past the end of its message");
    }

    @ParameterizedTest(name = "{4}")
    @CsvSource(
            delimiter = '|',
            value = {
                "pixel_values | 1 | 1 | Identity       | has inputs [pixel_values]; an embedding model needs input_ids",
                "input_ids    | 7 | 7 | Identity       | has no float output of rank 3",
                "input_ids    | 7 | 7 | NoSuchOperator | ONNX Runtime cannot load model"
            })
    void modelWithoutWhatAnEmbedderNeeds(String input, int inputType, int outputType, String op, String expected)
            throws IOException {
        Path model = TinyOnnx.write(dir.resolve(op + "-" + input + ".onnx"), input, inputType, outputType, op);
        assertMessage(BadInputException.class, () -> build(model, MiniLm.TOKENIZER), expected);
    }

    @Test
    void outputNameThatTheModelLacks() throws IOException {
        Path model = TinyOnnx.write(dir.resolve("ids.onnx"), "input_ids", TinyOnnx.INT64, TinyOnnx.INT64, "Identity");
        assertMessage(
                BadInputException.class,
                () -> OnnxEmbedder.builder(model, MiniLm.TOKENIZER)
                        .outputName("logits")
                        .build(),
                "has no output logits; it has [output]");
    }

    @Test
    void badSettings() {
        assertMessage(
                BadInputException.class,
                () -> OnnxEmbedder.builder(MiniLm.MODEL, MiniLm.TOKENIZER)
                        .maxBatchSize(0)
                        .build(),
                "maxBatchSize must be at least 1, got 0");
        assertMessage(
                BadInputException.class,
                () -> OnnxEmbedder.builder(MiniLm.MODEL, MiniLm.TOKENIZER)
                        .runThreads(0)
                        .build(),
                "runThreads must be at least 1, got 0");
        assertMessage(
                BadInputException.class,
                () -> OnnxEmbedder.builder(MiniLm.MODEL, MiniLm.TOKENIZER)
                        .maxTokens(1)
                        .build(),
                "maxTokens must be at least 2");
        assertMessage(
                BadInputException.class,
                () -> OnnxEmbedder.builder(MiniLm.MODEL, MiniLm.TOKENIZER).cuda(-1),
                "CUDA device id must be at least 0, got -1");
        assertMessage(
                BadInputException.class,
                () -> OnnxEmbedder.builder(null, MiniLm.TOKENIZER),
                "needs a model file and a tokenizer file");
    }

    @Test
    void nullEmptyAndBlankTexts() {
        Embedder embedder = MiniLm.shared();
        assertMessage(BadInputException.class, () -> embedder.embed(null), "text 0 is null");
        assertMessage(BadInputException.class, () -> embedder.embed(""), "text 0 is empty or blank");
        assertMessage(BadInputException.class, () -> embedder.embed(" \t\n"), "text 0 is empty or blank");
        assertMessage(BadInputException.class, () -> embedder.embedAll(List.of()), "cannot embed an empty list");
        assertMessage(BadInputException.class, () -> embedder.embedAll(null), "cannot embed a null list");
        assertMessage(BadInputException.class, () -> embedder.embedAll(Arrays.asList("fine", null)), "text 1 is null");
        assertMessage(BadInputException.class, () -> embedder.embedAll(List.of("fine", "also", "")), "text 2 is empty");
    }

    @Test
    void targetMatrixOfWrongDimensionOrTooFewRows() {
        Embedder embedder = MiniLm.shared();
        try (FloatMatrix narrow = FloatMatrix.allocate("narrow", 4, 128);
                FloatMatrix small = FloatMatrix.allocate("small", 2, 384)) {
            assertMessage(
                    BadInputException.class,
                    () -> embedder.embedInto(List.of("a"), narrow, 0),
                    "matrix narrow has dimension 128",
                    "dimension 384");
            assertMessage(
                    BadInputException.class,
                    () -> embedder.embedInto(List.of("a", "b", "c"), small, 0),
                    "matrix small has 2 rows; rows 0 to 2 do not fit");
            assertMessage(
                    BadInputException.class,
                    () -> embedder.embedInto(List.of("a", "b"), small, 1),
                    "rows 1 to 2 do not fit");
            assertMessage(
                    BadInputException.class,
                    () -> embedder.embedInto(List.of("a"), small, -1),
                    "rows -1 to -1 do not fit");
            assertEquals(0f, small.get(1, 0));
        }
    }

    @Test
    void textFarLongerThanTheLimitIsCutNotFatal() {
        String huge = "tokens ".repeat(50_000);
        EmbeddedBatch batch;
        try (FloatMatrix target = FloatMatrix.allocate("one", 1, 384)) {
            batch = MiniLm.shared().embedInto(List.of(huge), target, 0);
        }
        assertEquals(new EmbeddedBatch(1, 1, 128), batch);
    }
}
