package dev.sluice.inference.llama;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs a main class of the test classpath in a fresh JVM, to tell a crash apart from an exception. */
final class ForkedJvm {
    record Result(int exitCode, String stdout, String stderr, List<Path> crashLogs) {
        boolean crashed() {
            return !crashLogs.isEmpty() || exitCode == 134 || exitCode == 139;
        }
    }

    private ForkedJvm() {
    }

    static Result run(Path workDir, Class<?> main, String... args) throws IOException, InterruptedException {
        Path crashDir = Files.createDirectories(workDir.resolve("crash-" + System.nanoTime()));
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-XX:ErrorFile=" + crashDir.resolve("hs_err_pid%p.log"), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Path out = workDir.resolve("out-" + System.nanoTime());
        Path err = workDir.resolve("err-" + System.nanoTime());
        Process process = new ProcessBuilder(command).directory(crashDir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        if (!process.waitFor(240, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("the forked JVM did not end within 240 s: " + command);
        }
        try (Stream<Path> files = Files.list(crashDir)) {
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8),
                    files.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList());
        }
    }
}
