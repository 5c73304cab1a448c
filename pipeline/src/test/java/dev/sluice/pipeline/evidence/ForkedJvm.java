package dev.sluice.pipeline.evidence;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts a main class of the test classpath in a fresh JVM with Sluice's JVM flags. */
public final class ForkedJvm {
    private ForkedJvm() {
    }

    /**
     * @param workDir its working directory, where a crash log would appear
     * @param main the class to run
     * @param args its arguments
     * @return the started process, stderr merged into stdout
     */
    public static Process start(Path workDir, Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
    }

    /**
     * Runs a main class to its end.
     *
     * @return its output; fails the test if it exits with another code than 0
     */
    public static String run(Path workDir, Class<?> main, String... args) throws IOException, InterruptedException {
        Process process = start(workDir, main, args);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(240, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new AssertionError(main.getSimpleName() + " failed in its JVM:\n" + output);
        }
        return output;
    }

    /** @return whether the directory holds a JVM crash log */
    public static boolean hasCrashLog(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith("hs_err"));
        }
    }
}
