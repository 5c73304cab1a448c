package dev.sluice.inference.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.fixtures.ForkedJvm;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In a fresh JVM: the crafted baseline loads and generates through {@code LlamaGenerator}, and the crafted files that
 * aborted the JVM in llama.cpp (and one llama.cpp refused with an internal error) now end in a
 * {@code BadInputException} before native code sees them.
 */
class GgufLoadForkedTest {
    @TempDir
    Path dir;

    @Test
    void craftedFilesThatAbortedTheJvmGiveBadInputExceptions() throws Exception {
        ForkedJvm.Result result = ForkedJvm.run(dir, GgufForkedScenarios.class, "load", dir.toString());
        assertFalse(result.crashed(), "crashed: " + result);
        assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
        assertFalse(result.stdout().contains("UNEXPECTED"), result.stdout());
        assertTrue(result.stdout().contains("OK baseline: generated"), result.stdout() + result.stderr());
        for (String name : GgufForkedScenarios.LOAD_CASES) {
            assertTrue(
                    result.stdout().contains("OK " + name + ": CorruptDataException: GGUF file "),
                    name + " in:\n" + result.stdout());
        }
        long ok = result.stdout().lines().filter(l -> l.startsWith("OK ")).count();
        assertEquals(GgufForkedScenarios.LOAD_CASES.size() + 1, ok, result.stdout());
    }
}
