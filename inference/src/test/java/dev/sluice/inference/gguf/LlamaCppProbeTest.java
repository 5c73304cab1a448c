package dev.sluice.inference.gguf;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.fixtures.ForkedJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opt-in ({@code -Dsluice.probe.llamacpp=true}, about a second per case): hands every crafted file straight to
 * java-llama.cpp in its own JVM, bypassing Sluice's checks, and prints what llama.cpp does with it: ABORT (the JVM
 * dies), REFUSED (an error), LOADED and GENERATED or not. Run it after upgrading java-llama.cpp to see which of
 * Sluice's rules still match the native code; the crafted baseline must load.
 */
@EnabledIfSystemProperty(named = "sluice.probe.llamacpp", matches = "true")
class LlamaCppProbeTest {
    @TempDir
    Path dir;

    @Test
    void probeEveryCraftedFileInLlamaCpp() throws Exception {
        List<String> table = new ArrayList<>();
        String baseline = probe("baseline", CraftedGguf.tinyLlama().bytes());
        table.add(baseline);
        for (var model : CraftedCases.baselines().entrySet()) {
            table.add(probe("baseline-" + model.getKey(), model.getValue().get().bytes()));
        }
        for (var model : CraftedCases.variants().entrySet()) {
            table.add(probe("variant-" + model.getKey(), model.getValue().get().bytes()));
        }
        for (var model : CraftedCases.knownGaps().entrySet()) {
            table.add(probe("gap-" + model.getKey(), model.getValue().get().bytes()));
        }
        for (CraftedCases.Case c : CraftedCases.all()) {
            table.add(probe(c.name() + " (expected " + c.llamaCpp() + ")", c.bytes()));
        }
        System.out.println("llama.cpp probe:\n" + String.join("\n", table));
        assertTrue(baseline.contains("LOADED") && baseline.contains("GENERATED"), baseline);
    }

    private String probe(String name, byte[] bytes) throws Exception {
        Path work = Files.createDirectories(dir.resolve(name.split(" ")[0]));
        Path file = Files.write(work.resolve("model.gguf"), bytes);
        Process process = ForkedJvm.start(work, GgufForkedScenarios.class, "native", file.toString());
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        boolean ended = process.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly().waitFor();
        }
        String text = output.get(30, TimeUnit.SECONDS);
        int exit = process.exitValue();
        boolean crashed = ended && (exit == 134 || exit == 139 || ForkedJvm.hasCrashLog(work));
        String outcome = String.join(
                        " | ",
                        text.lines()
                                .filter(l -> l.matches("(LOADED|GENERATED|GENERATION-REFUSED|ENCODED|REFUSED).*"))
                                .toList())
                + (!ended ? " | HANG (killed after 60 s)" : crashed ? " | ABORT (exit " + exit + ")" : " (exit 0)");
        String lastError = text.lines()
                .filter(l -> l.contains("GGML_ASSERT") || l.contains("what()") || l.contains("SIGSEGV"))
                .reduce((a, b) -> b)
                .orElse("");
        return String.format("%-55s %s %s", name, outcome, lastError.strip());
    }
}
