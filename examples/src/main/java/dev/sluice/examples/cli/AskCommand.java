package dev.sluice.examples.cli;

import dev.sluice.core.BadInputException;
import dev.sluice.examples.demo.AskFlow.Answer;
import dev.sluice.examples.demo.DemoData;
import dev.sluice.pipeline.RunResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sluice ask --index DIR [--model FILE.gguf] QUESTION}: one question through the demo's flow, over a folder
 * that {@code sluice demo} built; recorded in that folder's evidence store and cached in its result cache.
 */
@Command(
        name = "ask",
        description = "Answers one question over a folder built by 'sluice demo', with sources,"
                + " run id, cache hits and time per node.")
final class AskCommand implements Callable<Integer> {
    /** The longest question taken: far more than the embedding model reads. */
    static final int MAX_QUESTION_CHARS = 8192;

    @Spec
    private CommandSpec spec;

    @Option(names = "--index", paramLabel = "DIR", description = "The demo folder (default: ./sluice-data).")
    private Path index = DemoData.defaultFolder();

    @Mixin
    private ModelOption model;

    @Parameters(paramLabel = "QUESTION", description = "The question.")
    private String question;

    @Override
    public Integer call() {
        if (question.isBlank()) {
            throw new BadInputException("the question is empty; ask one, such as: sluice ask \"How do I read all lines"
                    + " of a text file?\"");
        }
        if (question.length() > MAX_QUESTION_CHARS) {
            throw new BadInputException("the question has " + question.length() + " characters; at most "
                    + MAX_QUESTION_CHARS + " are taken (the embedding model reads only its first 256 tokens)");
        }
        CliFiles.requireRegularFile(model.model, "--model");
        PrintWriter out = spec.commandLine().getOut();
        try (DemoData data = DemoData.open(index);
                AskSession session = new AskSession(data, model.model)) {
            session.printGenerator(out);
            RunResult<Answer> run = session.ask("", question, out);
            session.printSummary(out, run);
        }
        return SluiceCli.EXIT_OK;
    }
}
