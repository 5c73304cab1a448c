package dev.sluice.examples.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code sluice demo}: the quickstart a newcomer runs first. In this version it is a placeholder that says so and
 * succeeds, so that the README's {@code ./sluice demo} runs from the first commit on.
 */
@Command(
        name = "demo",
        description = "The quickstart. Not in this version yet: it says so and exits 0.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("sluice demo: the quickstart arrives with a later version of Sluice (this is "
                + SluiceVersion.projectVersion() + ").");
        out.println("What runs today: 'sluice hash' computes cache keys; 'sluice --help' lists the commands.");
        return SluiceCli.EXIT_OK;
    }
}
