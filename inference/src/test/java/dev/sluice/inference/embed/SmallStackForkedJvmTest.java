package dev.sluice.inference.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.memory.FloatMatrix;
import dev.sluice.fixtures.TinyLlamaModel;
import dev.sluice.inference.llama.Completion;
import dev.sluice.inference.llama.LlamaConfig;
import dev.sluice.inference.llama.LlamaGenerator;
import dev.sluice.inference.llama.Sampling;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The crash: a question of about 5 KB on the command line of {@code sluice ask} ended the JVM with a
 * segmentation fault (exit 139), because ONNX Runtime's environment set-up recursed some 12,000 frames deep on the
 * main thread's stack. Here a fresh JVM with a small main-thread stack ({@code -Xss}) and a 6,000-character argument
 * builds an embedder, embeds the argument itself, and loads and runs a llama.cpp model: all must succeed, since
 * Sluice sets native libraries up on threads with a stack of its own choosing. Before that, the same JVM died with
 * exit 139 at {@code -Xss256k} and at the default 1 MiB.
 *
 * <p>{@code ForkedJvm} (test fixtures) has no way to add JVM options, so this test starts the JVM itself, with the
 * same flags plus {@code -Xss}.
 */
class SmallStackForkedJvmTest {
    private static final long TIMEOUT_SECONDS = 240;

    @TempDir
    Path dir;

    /** The forked side: the question is its last argument, as a command-line program gets it. */
    public static final class Scenario {
        private Scenario() {}

        /**
         * @param args model, tokenizer, GGUF model, question
         */
        public static void main(String[] args) {
            String question = args[3];
            try (OnnxEmbedder embedder = OnnxEmbedder.builder(Path.of(args[0]), Path.of(args[1]))
                    .runThreads(2)
                    .build()) {
                float[] vector = embedder.embed(question);
                FloatMatrix batch = embedder.embedAll(
                        List.of(question, "a short text", question.substring(0, 700), "another one", question));
                System.out.println("EMBEDDED " + vector.length + " " + batch.rows());
            }
            try (LlamaGenerator generator = LlamaGenerator.open(
                    LlamaConfig.of(Path.of(args[2])).withContextSize(256).withThreads(1))) {
                int tokens = generator.tokenize(question).length;
                Completion completion = generator.complete(
                        question.substring(0, 200),
                        Sampling.greedy().withMaxTokens(4).withTruncatePrompt(true));
                System.out.println("GENERATED " + tokens + " " + completion.completionTokens());
            }
            System.exit(0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"256k", "1m"})
    void aLongArgumentOnASmallStackIsNoCrash(String stack) throws Exception {
        Path gguf = dir.resolve("tiny.gguf");
        TinyLlamaModel.small().write(gguf);
        String question = "How do rivers carve canyons over thousands of years? "
                .repeat(120)
                .substring(0, 6_000);
        Result result = run(
                "-Xss" + stack,
                Scenario.class,
                MiniLm.MODEL.toAbsolutePath().toString(),
                MiniLm.TOKENIZER.toAbsolutePath().toString(),
                gguf.toString(),
                question);
        assertTrue(result.crashLogs.isEmpty(), "crash logs " + result.crashLogs + ":\n" + result.output);
        assertEquals(0, result.exitCode, "exit " + result.exitCode + " (139: SIGSEGV):\n" + result.output);
        assertTrue(result.output.contains("EMBEDDED 384 5"), result.output);
        assertTrue(result.output.contains("GENERATED "), result.output);
    }

    private record Result(int exitCode, String output, List<Path> crashLogs) {}

    /** Runs a main class of the test class path in a fresh JVM with Sluice's flags and one more JVM option. */
    private Result run(String jvmOption, Class<?> main, String... args) throws IOException, InterruptedException {
        Path runDir = Files.createDirectories(dir.resolve("fork-" + System.nanoTime()));
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED",
                "--add-exports",
                "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-XX:ErrorFile=" + runDir.toAbsolutePath().resolve("hs_err_pid%p.log"),
                "-Xmx256m",
                jvmOption,
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        Path out = runDir.resolve("output.txt");
        Process process = new ProcessBuilder(command)
                .directory(runDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("the forked JVM did not end within " + TIMEOUT_SECONDS + " s");
        }
        try (Stream<Path> files = Files.list(runDir)) {
            return new Result(
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    files.filter(f -> f.getFileName().toString().startsWith("hs_err"))
                            .toList());
        }
    }
}
