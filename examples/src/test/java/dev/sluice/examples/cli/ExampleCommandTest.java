package dev.sluice.examples.cli;

import static dev.sluice.examples.cli.CliRun.sluice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExampleCommandTest {
    @Test
    void customPipelineAnswersTwiceAndTheSecondRequestHitsTheCache() {
        CliRun run = sluice("example", "custom-pipeline");
        assertEquals(SluiceCli.EXIT_OK, run.exitCode(), run::toString);
        String second = run.out().substring(run.out().indexOf("request 2:"));
        assertTrue(second.lines().anyMatch(l -> l.strip().startsWith("retrieve") && l.contains("hit")), run::toString);
        assertTrue(run.out().contains("gate: FALLBACK"), run::toString);
        assertTrue(run.out().contains("request 1: Every model call is cached"), run::toString);
    }

    @Test
    void anUnknownExampleIsBadInput() {
        CliRun run = sluice("example", "nope");
        assertEquals(SluiceCli.EXIT_BAD_INPUT, run.exitCode(), run::toString);
        assertTrue(run.err().contains("custom-pipeline"), run::toString);
    }
}
