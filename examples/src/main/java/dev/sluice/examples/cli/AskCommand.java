package dev.sluice.examples.cli;

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
