package dev.sluice.inference.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.fixtures.ForkedJvm;
import dev.sluice.fixtures.TinyLlamaModel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proves in fresh JVMs what an in-process test cannot: no crash on hostile input, and reproducibility. */
class LlamaForkedJvmTest {
    @TempDir
    Path dir;

    @Test
    void hostileInputsGiveExceptionsNeverACrash() throws Exception {
        ForkedJvm.Result result = ForkedJvm.run(dir, ForkedScenarios.class, "hostile", dir.toString());
        assertFalse(result.crashed(), "crashed: " + result);
        assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
        assertFalse(result.stdout().contains("UNEXPECTED"), result.stdout());
        long ok = result.stdout().lines().filter(l -> l.startsWith("OK ")).count();
        assertEquals(27, ok, result.stdout());
        assertTrue(result.stdout().contains("OK file n-dims-5: CorruptDataException"), result.stdout());
        assertFalse(result.stdout().contains("Extracted"), "java-llama.cpp's loader printed to stdout");
        assertTrue(result.stderr().lines().count() < 5, "native logs reached stderr:\n" + result.stderr());
    }

    @Test
    void generationIsIdenticalAcrossFreshJvmsWithTwoThreads() throws Exception {
        Path model = dir.resolve("tiny.gguf");
        TinyLlamaModel.small().write(model);
        String first = ForkedJvm.run(dir, ForkedScenarios.class, "generate", model.toString(), "2")
                .stdout();
        String second = ForkedJvm.run(dir, ForkedScenarios.class, "generate", model.toString(), "2")
                .stdout();
        String third = ForkedJvm.run(dir, ForkedScenarios.class, "generate", model.toString(), "1")
                .stdout();
        assertEquals(4, first.lines().count(), first);
        assertEquals(first, second);
        assertEquals(first, third);
        var lines = first.lines().toList();
        assertEquals(lines.get(0), lines.get(2)); // repeat in the same JVM
        assertEquals(lines.get(1), lines.get(3));
    }
}
