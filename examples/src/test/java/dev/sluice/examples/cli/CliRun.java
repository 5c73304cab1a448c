package dev.sluice.examples.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * What one in-process run of the command line left behind, and the way to get it: the tests' shared entry point.
 *
 * @param exitCode the exit code
 * @param out what was written to stdout
 * @param err what was written to stderr
 */
record CliRun(int exitCode, String out, String err) {
    /** @return stdout without surrounding white space */
    String outLine() {
        return out.strip();
    }

    /**
     * Runs {@code sluice args...} in this JVM.
     *
     * @param args the arguments
     * @return what the run left behind
     */
    static CliRun sluice(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SluiceCli.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exitCode = cli.execute(args);
        return new CliRun(exitCode, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
