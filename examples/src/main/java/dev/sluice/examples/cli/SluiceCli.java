package dev.sluice.examples.cli;

import dev.sluice.core.BadInputException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code sluice} command: the entry point of the command line and the parent of every subcommand. It maps
 * failures to the exit codes of the command line (see the {@linkplain dev.sluice.examples.cli package}).
 *
 * <p>{@code --help} and {@code --version} are inherited by every subcommand ({@code sluice hash --help}).
 *
 * <p>Run it with {@code ./sluice} from the repository root, which builds the jar when needed and adds the JVM
 * flags; or in-process, as the tests do, with {@link #newCommandLine()}.
 */
@Command(
        name = "sluice",
        mixinStandardHelpOptions = true,
        scope = ScopeType.INHERIT,
        versionProvider = SluiceVersion.class,
        description = "Sluice: retrieval-augmented inference inside the JVM, from the command line.",
        subcommands = {
            HashCommand.class,
            EmbedCommand.class,
            IndexCommand.class,
            GgufCommand.class,
            GenerateCommand.class,
            AskCommand.class,
            EvidenceCommand.class,
            ReplayCommand.class,
            ExampleCommand.class,
            DemoCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {"", "Exit codes: 0 success, 2 bad input (one line on stderr), 1 internal error (with a stack trace)."
        })
public final class SluiceCli implements Callable<Integer> {
    /** The exit code of success. */
    public static final int EXIT_OK = 0;
    /** The exit code of an unexpected failure; stderr has the message and the stack trace. */
    public static final int EXIT_INTERNAL_ERROR = 1;
    /** The exit code of input the user can correct; stderr has one line that says what was wrong. */
    public static final int EXIT_BAD_INPUT = 2;

    /**
     * The stack of the thread that runs a command: 256 MiB of address space, touched only as deep as it is used.
     * ONNX Runtime 1.29 (which the embedder loads) overflows the calling thread's native stack, killing the JVM with
     * SIGSEGV, when the process's command line is longer than a few KiB (its use grows with the command line's
     * length): on the main thread's 1 MiB stack a question of 3,000 characters crashed {@code sluice ask}. This stack
     * holds command lines of several hundred KiB, beyond what Linux passes to one argument.
     */
    static final long COMMAND_STACK_BYTES = 256L << 20;

    /** Held, so that its level is not lost when the logger would otherwise be collected. */
    private static final Logger JVECTOR_LOGGER = Logger.getLogger("io.github.jbellis.jvector");

    @Spec
    private CommandSpec spec;

    /**
     * Runs the command line and exits the JVM with its exit code.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        // jvector reports its SIMD provider and thread count at INFO and WARNING through java.util.logging: useful to
        // a library user, noise on a command line's stderr
        JVECTOR_LOGGER.setLevel(Level.SEVERE);
        CommandLine cli = newCommandLine();
        int[] exitCode = {EXIT_INTERNAL_ERROR};
        Thread command = new Thread(null, () -> exitCode[0] = cli.execute(args), "sluice", COMMAND_STACK_BYTES);
        command.start();
        boolean interrupted = false;
        while (true) {
            try {
                command.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        // print() does not flush picocli's writers, and System.exit would drop what they hold
        cli.getOut().flush();
        cli.getErr().flush();
        System.exit(exitCode[0]);
    }

    /**
     * Creates the command line with Sluice's exit codes and error reporting. Redirect its output with
     * {@link CommandLine#setOut} and {@link CommandLine#setErr} before {@link CommandLine#execute}; both apply to
     * every subcommand.
     *
     * @return a new command line, ready to execute once
     */
    public static CommandLine newCommandLine() {
        return new CommandLine(new SluiceCli())
                .setParameterExceptionHandler(SluiceCli::reportBadArguments)
                .setExecutionExceptionHandler(SluiceCli::reportFailure);
    }

    /** Runs when no subcommand is given. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("sluice: give a command; 'sluice --help' lists them");
        return EXIT_BAD_INPUT;
    }

    private static int reportBadArguments(ParameterException e, String[] args) {
        CommandLine failed = e.getCommandLine();
        String command = failed.getCommandSpec().qualifiedName();
        failed.getErr().println(command + ": " + oneLine(e.getMessage()) + " (see '" + command + " --help')");
        return EXIT_BAD_INPUT;
    }

    private static int reportFailure(Exception e, CommandLine failed, ParseResult parsed) {
        String command = failed.getCommandSpec().qualifiedName();
        PrintWriter err = failed.getErr();
        if (e instanceof BadInputException) {
            err.println(command + ": " + oneLine(e.getMessage()));
            return EXIT_BAD_INPUT;
        }
        err.println(command + ": internal error: " + TerminalText.line(e.toString()));
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        err.print(TerminalText.text(trace.toString()));
        return EXIT_INTERNAL_ERROR;
    }

    /**
     * @param message an exception's message, which may quote file contents
     * @return it on one line, with every control character escaped so that the terminal shows it as text
     */
    private static String oneLine(String message) {
        return message == null
                ? "(no message)"
                : TerminalText.line(message.strip().replaceAll("\\s*\\R\\s*", "; "));
    }
}
