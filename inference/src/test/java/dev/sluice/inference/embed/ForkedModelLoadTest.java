package dev.sluice.inference.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads malformed models in a separate JVM, so that a native crash would show as a dead process and an
 * {@code hs_err} file rather than take the test run down: each must end in a clean exception.
 */
class ForkedModelLoadTest {
    @TempDir
    Path dir;

    /** The forked side: loads the model given as the first argument and says how it went. */
    public static final class Loader {
        private Loader() {}

        /** @param args model file, tokenizer file */
        public static void main(String[] args) {
            try (OnnxEmbedder embedder =
                    OnnxEmbedder.builder(Path.of(args[0]), Path.of(args[1])).build()) {
                System.out.println("LOADED " + embedder);
                System.exit(3);
            } catch (dev.sluice.core.BadInputException e) {
                System.out.println("REJECTED " + e.getClass().getSimpleName() + ": " + e.getMessage());
                System.exit(0);
            }
        }
    }

    @Test
    void malformedModelsAreExceptionsNotCrashes() throws Exception {
        SplittableRandom random = new SplittableRandom(99L);
        byte[] noise = new byte[1 << 16];
        random.nextBytes(noise);
        byte[] real = Files.readAllBytes(MiniLm.MODEL);
        List<Path> models = List.of(
                Files.write(dir.resolve("noise.onnx"), noise),
                Files.write(dir.resolve("head.onnx"), Arrays.copyOf(real, 3_000_000)),
                Files.write(dir.resolve("almost.onnx"), Arrays.copyOf(real, real.length - 1)),
                TinyOnnx.write(
                        dir.resolve("unknown-op.onnx"), "input_ids", TinyOnnx.INT64, TinyOnnx.INT64, "NoSuchOperator"));
        for (Path model : models) {
            List<String> command = new ArrayList<>(List.of(
                    ProcessHandle.current().info().command().orElseThrow(),
                    "--enable-native-access=ALL-UNNAMED",
                    "--add-exports",
                    "java.base/jdk.internal.misc=ALL-UNNAMED",
                    "-cp",
                    System.getProperty("java.class.path"),
                    Loader.class.getName(),
                    model.toAbsolutePath().toString(),
                    MiniLm.TOKENIZER.toAbsolutePath().toString()));
            Process process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), model + " did not finish");
            assertEquals(0, process.exitValue(), model + ": " + output);
            assertTrue(output.contains("REJECTED"), model + ": " + output);
            assertTrue(noCrashLogs(), "hs_err file in " + dir + " after " + model);
        }
    }

    private boolean noCrashLogs() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.noneMatch(f -> f.getFileName().toString().startsWith("hs_err"));
        }
    }
}
