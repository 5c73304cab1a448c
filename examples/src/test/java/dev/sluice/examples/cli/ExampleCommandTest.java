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
    void replayRegressionReportsTheRunsAPromptChangeAltersAndWhere() {
        CliRun run = sluice("example", "replay-regression");
        assertEquals(SluiceCli.EXIT_OK, run.exitCode(), run::toString);
        assertTrue(run.out().contains("replay, nothing changed: 3 runs: 3 unchanged, 0 changed"), run::toString);
        String afterChange = run.out().substring(run.out().indexOf("replay, prompt v2:"));
        assertTrue(afterChange.contains("first changed at node 'prompt'"), run::toString);
        assertTrue(
                afterChange.lines().anyMatch(l -> l.startsWith("  - "))
                        && afterChange.lines().anyMatch(l -> l.startsWith("  + ")),
                "old and new answers of a changed run: " + run);
    }

    @Test
    void embedAndSearchFindsTheRelevantSentenceAndAgreesWithExactSearch() {
        CliRun run = sluice("example", "embed-and-search");
        assertEquals(SluiceCli.EXIT_OK, run.exitCode(), run::toString);
        assertTrue(run.out().startsWith("embedded 8 sentences into a 8 x 384 off-heap matrix"), run::toString);
        String afterQuestion = run.out().substring(run.out().indexOf("Can a broken model file crash the JVM?"));
        assertTrue(
                afterQuestion.lines().skip(1).findFirst().orElseThrow().contains("GGUF file is validated"),
                run::toString);
        assertEquals(
                2,
                run.out()
                        .lines()
                        .filter(l -> l.contains("exact search agrees: true"))
                        .count(),
                run::toString);
    }

    @Test
    void anUnknownExampleIsBadInput() {
        CliRun run = sluice("example", "nope");
        assertEquals(SluiceCli.EXIT_BAD_INPUT, run.exitCode(), run::toString);
        assertTrue(run.err().contains("custom-pipeline, replay-regression, embed-and-search"), run::toString);
    }
}
