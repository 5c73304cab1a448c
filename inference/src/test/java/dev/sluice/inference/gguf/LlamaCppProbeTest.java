package dev.sluice.inference.gguf;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.fixtures.ForkedJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        for (CraftedCases.Case c : CraftedCases.all()) {
            table.add(probe(c.name() + " (expected " + c.llamaCpp() + ")", c.bytes()));
        }
        System.out.println("llama.cpp probe:\n" + String.join("\n", table));
        assertTrue(baseline.contains("LOADED") && baseline.contains("GENERATED"), baseline);
    }

    private String probe(String name, byte[] bytes) throws Exception {
        Path file = Files.write(dir.resolve(name.split(" ")[0] + ".gguf"), bytes);
        ForkedJvm.Result r = ForkedJvm.run(dir, GgufForkedScenarios.class, "native", file.toString());
        String outcome = String.join(
                        " | ",
                        r.stdout()
                                .lines()
                                .filter(l -> l.matches("(LOADED|GENERATED|GENERATION-REFUSED|ENCODED|REFUSED).*"))
                                .toList())
                + (r.crashed()
                        ? " | ABORT (exit " + r.exitCode() + (r.crashLogs().isEmpty() ? "" : ", hs_err") + ")"
                        : " (exit " + r.exitCode() + ")");
        String lastError = r.stderr()
                .lines()
                .filter(l -> l.contains("GGML_ASSERT")
                        || l.contains("terminate")
                        || l.contains("what()")
                        || l.contains("error")
                        || l.contains("failed"))
                .reduce((a, b) -> b)
                .orElse("");
        return String.format("%-55s %s %s", name, outcome, lastError.strip());
    }
}
