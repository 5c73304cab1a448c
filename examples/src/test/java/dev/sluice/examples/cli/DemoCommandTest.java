package dev.sluice.examples.cli;

import static dev.sluice.examples.cli.CliRun.sluice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.examples.demo.AskFlow;
import dev.sluice.examples.demo.DemoData;
import dev.sluice.fixtures.TinyLlamaModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart end to end on a 200-passage corpus: the first {@code sluice demo} builds and saves the index, the
 * second reuses it and answers every question from the persistent cache; {@code sluice ask}, {@code sluice evidence}
 * and {@code sluice replay} work on the same folder.
 */
class DemoCommandTest {
    private static final Pattern RUN_ID = Pattern.compile("run:\\s+(\\S+)");

    @TempDir
    Path dir;

    @Test
    void secondDemoRunReusesTheIndexAndHitsTheCacheAndItsRunsReplayUnchanged() throws Exception {
        Path data = dir.resolve("sluice-data");
        String previousHome = System.getProperty("sluice.home");
        System.setProperty(
                "sluice.home", Path.of("..").toAbsolutePath().normalize().toString());
        CliRun first;
        CliRun second;
        try {
            first = sluice("demo", "--data", data.toString(), "--passages", "200");
            second = sluice("demo", "--data", data.toString(), "--passages", "200");
        } finally {
            if (previousHome == null) {
                System.clearProperty("sluice.home");
            } else {
                System.setProperty("sluice.home", previousHome);
            }
        }
        assertEquals(SluiceCli.EXIT_OK, first.exitCode(), first::toString);
        assertTrue(first.out().contains("(built and saved in"), first::toString);
        assertTrue(first.out().contains("no language model was given"), first::toString);
        assertTrue(first.out().contains("cache: miss"), first::toString);
        assertTrue(first.out().contains("README.md#"), "the project's docs are in the corpus: " + first);
        assertTrue(first.out().contains(AskFlow.UNSURE), "the football question fails the relevance gate: " + first);
        for (String file : new String[] {
            DemoData.MANIFEST,
            DemoData.PASSAGES_FILE,
            DemoData.CACHE_FILE,
            DemoData.EVIDENCE_FILE,
            DemoData.INDEX_DIR + "/index.meta"
        }) {
            assertTrue(Files.isRegularFile(data.resolve(file)), file);
        }

        assertEquals(SluiceCli.EXIT_OK, second.exitCode(), second::toString);
        assertTrue(second.out().contains("reused the saved index"), second::toString);
        int questions = DemoCommand.QUESTIONS.size();
        assertTrue(
                second.out()
                        .contains(2 * questions + " of " + 2 * questions
                                + " model and retrieval calls were cache hits (" + 2 * questions + " read from"),
                second::toString);
        assertEquals(
                questions,
                second.out()
                        .lines()
                        .filter(l -> l.contains("cache: hit (retrieve, generate)"))
                        .count(),
                second::toString);
        assertEquals(answers(first.out()), answers(second.out()), "cached answers are the same answers");

        CliRun ask = sluice("ask", "--index", data.toString(), "How do I read all lines of a text file?");
        assertEquals(SluiceCli.EXIT_OK, ask.exitCode(), ask::toString);
        assertTrue(ask.out().contains("cache: hit"), "the demo asked the same question: " + ask);
        Matcher runId = RUN_ID.matcher(ask.out());
        assertTrue(runId.find(), ask::toString);

        Path store = data.resolve(DemoData.EVIDENCE_FILE);
        CliRun evidence = sluice("evidence", "--store", store.toString(), runId.group(1));
        assertEquals(SluiceCli.EXIT_OK, evidence.exitCode(), evidence::toString);
        assertTrue(
                evidence.out().contains("sluice-ask v1") && evidence.out().contains("retrieval_score"),
                evidence::toString);

        CliRun replay = sluice("replay", "--store", store.toString());
        assertEquals(SluiceCli.EXIT_OK, replay.exitCode(), replay::toString);
        int runs = 2 * questions + 1;
        assertTrue(
                replay.out().endsWith(runs + " runs: " + runs + " unchanged, 0 changed, 0 failed, 0 skipped\n"),
                replay::toString);
    }

    @Test
    void askWithAModelAnswersThroughLlamaCppAndReplaySkipsThatFlow(@TempDir Path other) throws Exception {
        Path data = other.resolve("data");
        assertEquals(
                SluiceCli.EXIT_OK,
                sluice("demo", "--data", data.toString(), "--passages", "40").exitCode());
        Path model = other.resolve("tiny.gguf");
        TinyLlamaModel.small().write(model);
        CliRun ask = sluice("ask", "--index", data.toString(), "--model", model.toString(), "What is a thread?");
        assertEquals(SluiceCli.EXIT_OK, ask.exitCode(), ask::toString);
        assertTrue(ask.out().contains("through llama.cpp"), ask::toString);
        assertTrue(ask.out().contains("cache: miss"), ask::toString);
        CliRun replay =
                sluice("replay", "--store", data.resolve(DemoData.EVIDENCE_FILE).toString());
        assertTrue(replay.out().contains("'" + AskFlow.NAME_WITH_MODEL + "' is not known"), replay::toString);
    }

    @Test
    void askOnAFolderWithoutAnIndexIsBadInput() {
        CliRun run = sluice("ask", "--index", dir.toString(), "anything?");
        assertEquals(SluiceCli.EXIT_BAD_INPUT, run.exitCode(), run::toString);
        assertTrue(run.err().contains("holds no demo index"), run::toString);
    }

    private static String answers(String out) {
        return String.join(
                "\n", out.lines().filter(l -> l.startsWith("answer:")).toList());
    }
}
