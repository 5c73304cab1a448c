package dev.sluice.examples.cli;

import static dev.sluice.examples.cli.CliRun.sluice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.hash.CacheKey;
import dev.sluice.core.hash.Seed;
import dev.sluice.core.schema.Schemas;
import java.util.List;
import org.junit.jupiter.api.Test;

class SluiceCliTest {

    private static void assertOneLineBadInput(CliRun run, String expectedFragment) {
        assertEquals(SluiceCli.EXIT_BAD_INPUT, run.exitCode(), run::toString);
        assertEquals("", run.out(), run::toString);
        assertEquals(1, run.err().lines().count(), run::toString);
        assertTrue(run.err().contains(expectedFragment), run::toString);
        assertFalse(run.err().contains("\tat "), () -> "no stack trace expected: " + run);
    }

    @Test
    void helpListsTheHashAndDemoCommands() {
        CliRun run = sluice("--help");
        assertEquals(SluiceCli.EXIT_OK, run.exitCode(), run::toString);
        assertTrue(run.out().contains("Usage: sluice"), run::toString);
        assertTrue(run.out().lines().anyMatch(line -> line.strip().startsWith("hash ")), run::toString);
        assertTrue(run.out().lines().anyMatch(line -> line.strip().startsWith("demo ")), run::toString);
    }

    @Test
    void hashHelpDescribesItsOptions() {
        CliRun run = sluice("hash", "--help");
        assertEquals(SluiceCli.EXIT_OK, run.exitCode(), run::toString);
        for (String option : List.of("--model", "--seed", "--tools", "--node-version", "INPUT")) {
            assertTrue(run.out().contains(option), () -> option + " missing from " + run);
        }
    }

    @Test
    void versionPrintsTheProjectVersion() {
        CliRun run = sluice("--version");
        assertEquals(SluiceCli.EXIT_OK, run.exitCode(), run::toString);
        String firstLine = run.out().lines().findFirst().orElse("");
        assertTrue(firstLine.matches("sluice \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), run::toString);
        assertTrue(run.out().contains("Java " + System.getProperty("java.version")), run::toString);
    }

    @Test
    void hashPrintsTheCacheKeyOfTheInputsAsAListOfStrings() {
        CliRun run = sluice(
                "hash", "--model", "m", "--seed", "42", "--tools", "a,b", "--node-version", "1", "hello", "world");
        assertEquals(SluiceCli.EXIT_OK, run.exitCode(), run::toString);
        assertEquals("", run.err(), run::toString);
        assertTrue(run.outLine().matches("[0-9a-f]{64}"), run::toString);
        byte[] inputBytes = Schemas.listOf(Schemas.string()).encode(List.of("hello", "world"));
        CacheKey expected = CacheKey.of(inputBytes, "m", Seed.of(42), List.of("a", "b"), "1");
        assertEquals(expected.hex(), run.outLine());
    }

    @Test
    void hashUsesEmptyModelSeedZeroAndNoToolsByDefault() {
        CliRun run = sluice("hash", "--node-version", "1", "hello");
        assertEquals(SluiceCli.EXIT_OK, run.exitCode(), run::toString);
        byte[] inputBytes = Schemas.listOf(Schemas.string()).encode(List.of("hello"));
        assertEquals(CacheKey.of(inputBytes, "", Seed.of(0), List.of(), "1").hex(), run.outLine());
    }

    @Test
    void sameArgumentsGiveTheSameKey() {
        String[] args = {"hash", "--model", "m", "--seed", "42", "--tools", "a,b", "--node-version", "1", "x"};
        assertEquals(sluice(args).outLine(), sluice(args).outLine());
    }

    @Test
    void toolOrderRepeatsAndSpellingDoNotChangeTheKey() {
        CliRun commaSeparated = sluice("hash", "--tools", "a,b", "--node-version", "1", "x");
        CliRun reversed = sluice("hash", "--tools", "b,a", "--node-version", "1", "x");
        CliRun repeatedOption =
                sluice("hash", "--tools", "b", "--tools", "a", "--tools", "b", "--node-version", "1", "x");
        assertEquals(commaSeparated.outLine(), reversed.outLine());
        assertEquals(commaSeparated.outLine(), repeatedOption.outLine());
    }

    @Test
    void eachPartChangesTheKey() {
        String base = sluice("hash", "--model", "m", "--seed", "1", "--tools", "a", "--node-version", "1", "x", "y")
                .outLine();
        List<String[]> variants = List.of(
                new String[] {"hash", "--model", "n", "--seed", "1", "--tools", "a", "--node-version", "1", "x", "y"},
                new String[] {"hash", "--model", "m", "--seed", "2", "--tools", "a", "--node-version", "1", "x", "y"},
                new String[] {"hash", "--model", "m", "--seed", "1", "--tools", "b", "--node-version", "1", "x", "y"},
                new String[] {"hash", "--model", "m", "--seed", "1", "--tools", "a", "--node-version", "2", "x", "y"},
                new String[] {"hash", "--model", "m", "--seed", "1", "--tools", "a", "--node-version", "1", "x y"},
                new String[] {"hash", "--model", "m", "--seed", "1", "--tools", "a", "--node-version", "1", "y", "x"});
        for (String[] variant : variants) {
            assertNotEquals(base, sluice(variant).outLine(), () -> String.join(" ", variant));
        }
    }

    @Test
    void seedThatIsNotANumberIsBadInput() {
        assertOneLineBadInput(sluice("hash", "--seed", "abc", "--node-version", "1", "x"), "'abc'");
    }

    @Test
    void missingInputIsBadInput() {
        assertOneLineBadInput(sluice("hash", "--node-version", "1"), "INPUT");
    }

    @Test
    void missingNodeVersionIsBadInput() {
        assertOneLineBadInput(sluice("hash", "x"), "--node-version");
    }

    @Test
    void emptyToolNameIsBadInputFromTheCommand() {
        assertOneLineBadInput(sluice("hash", "--tools", "a,,b", "--node-version", "1", "x"), "empty tool name");
    }

    @Test
    void unknownCommandIsBadInput() {
        assertOneLineBadInput(sluice("frobnicate"), "frobnicate");
    }

    @Test
    void noCommandIsBadInput() {
        assertOneLineBadInput(sluice(), "give a command");
    }

    @Test
    void ggufWriteTinyThenInspectPrintsTheModelAsJson(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String model = dir.resolve("tiny.gguf").toString();
        CliRun written = sluice("gguf", "write-tiny", "--out", model);
        assertEquals(SluiceCli.EXIT_OK, written.exitCode(), written::toString);
        CliRun inspected = sluice("gguf", "inspect", model);
        assertEquals(SluiceCli.EXIT_OK, inspected.exitCode(), inspected::toString);
        assertTrue(inspected.out().contains("\"architecture\": \"llama\""), inspected::toString);
        assertTrue(inspected.out().contains("\"quantisation\": \"F16\""), inspected::toString);
    }

    @Test
    void generateStreamsTheSameTextForTheSameSeed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String model = dir.resolve("tiny.gguf").toString();
        sluice("gguf", "write-tiny", "--out", model);
        String[] args = {
            "generate",
            "--model",
            model,
            "--prompt",
            "The river",
            "--seed",
            "7",
            "--temperature",
            "1",
            "--max-tokens",
            "16",
            "--context",
            "128"
        };
        CliRun first = sluice(args);
        assertEquals(SluiceCli.EXIT_OK, first.exitCode(), first::toString);
        assertTrue(first.err().contains("prompt tokens"), first::toString);
        assertEquals(first.out(), sluice(args).out());
    }

    @Test
    void inspectAndGenerateReportABadModelFileInOneLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path bad = java.nio.file.Files.write(dir.resolve("bad.gguf"), new byte[] {'G', 'G', 'U', 'F'});
        assertOneLineBadInput(sluice("gguf", "inspect", bad.toString()), "shorter than the 24-byte GGUF header");
        assertOneLineBadInput(sluice("generate", "--model", bad.toString(), "--prompt", "x"), "24-byte GGUF header");
        assertOneLineBadInput(
                sluice("generate", "--model", bad.toString(), "--prompt", "x", "--top-p", "0"),
                "top-p 0.0 must be in (0, 1]");
    }
}
