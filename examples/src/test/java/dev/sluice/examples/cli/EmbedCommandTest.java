package dev.sluice.examples.cli;

import static dev.sluice.examples.cli.CliRun.sluice;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.memory.FloatMatrix;
import dev.sluice.inference.embed.ModelFiles;
import dev.sluice.inference.embed.OnnxEmbedder;
import dev.sluice.vector.Texmex;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice embed} end to end with the real all-MiniLM-L6-v2. */
class EmbedCommandTest {
    private static final Path CACHE = Path.of("target", "test-models");
    private static final Path MODEL = ModelFiles.extractResource("all-minilm-l6-v2.onnx", CACHE);
    private static final Path TOKENIZER = ModelFiles.extractResource("all-minilm-l6-v2-tokenizer.json", CACHE);

    @TempDir
    Path dir;

    @Test
    void writesOneFvecsVectorPerLineEqualToTheLibrarysVectors() throws Exception {
        String[] lines = {"first line", "second line, a bit longer than the first", "third"};
        Path in = Files.writeString(dir.resolve("in.txt"), String.join("\n", lines) + "\n");
        Path out = dir.resolve("out.fvecs");
        CliRun run = sluice(
                "embed",
                "--model",
                MODEL.toString(),
                "--tokenizer",
                TOKENIZER.toString(),
                "--in",
                in.toString(),
                "--out",
                out.toString(),
                "--batch",
                "2");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("embedded 3 sentences (dimension 384, 0 cut to 128 tokens)"), run.out());
        try (FloatMatrix vectors = Texmex.readFvecs(out);
                OnnxEmbedder embedder = OnnxEmbedder.builder(MODEL, TOKENIZER).build()) {
            assertEquals(3, vectors.rows());
            for (int i = 0; i < lines.length; i++) {
                float[] row = new float[384];
                vectors.row(i).copyTo(row);
                assertArrayEquals(embedder.embed(lines[i]), row, 1e-5f, lines[i]);
            }
        }
    }

    @Test
    void blankLineIsBadInputNamingTheLine() throws Exception {
        Path in = Files.writeString(dir.resolve("in.txt"), "fine\n\nalso fine\n");
        CliRun run = sluice(
                "embed", "--in", in.toString(), "--out", dir.resolve("o.fvecs").toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("line 2 is blank"), run.err());
        CliRun missing = sluice("embed", "--in", dir.resolve("nope.txt").toString(), "--out", "o.fvecs");
        assertEquals(2, missing.exitCode(), missing.err());
        assertTrue(missing.err().contains("nope.txt does not exist"), missing.err());
    }

    @Test
    void modelWithoutTokenizerAndBrokenModelAreBadInput() throws Exception {
        Path in = Files.writeString(dir.resolve("in.txt"), "fine\n");
        CliRun alone = sluice("embed", "--model", MODEL.toString(), "--in", in.toString(), "--out", "y.fvecs");
        assertEquals(2, alone.exitCode(), alone.err());
        assertTrue(alone.err().contains("--model and --tokenizer together"), alone.err());
        Path junk = Files.writeString(dir.resolve("junk.onnx"), "not a model at all");
        CliRun broken = sluice(
                "embed",
                "--model",
                junk.toString(),
                "--tokenizer",
                TOKENIZER.toString(),
                "--in",
                in.toString(),
                "--out",
                dir.resolve("o.fvecs").toString());
        assertEquals(2, broken.exitCode(), broken.err());
        assertTrue(broken.err().startsWith("sluice embed: model "), broken.err());
        assertTrue(broken.err().contains("is not a well-formed ONNX model"), broken.err());
    }
}
