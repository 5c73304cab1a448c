package dev.sluice.examples.cli;

import dev.sluice.fixtures.TinyLlamaModel;
import dev.sluice.inference.gguf.GgufFile;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice gguf}: inspects GGUF model files and writes small test models. */
@Command(
        name = "gguf",
        description = "Inspect GGUF model files and write synthetic test models.",
        subcommands = {GgufCommand.Inspect.class, GgufCommand.WriteTiny.class})
final class GgufCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("sluice gguf: give a command: inspect or write-tiny");
        return SluiceCli.EXIT_BAD_INPUT;
    }

    /** {@code sluice gguf inspect FILE}: validates the file and prints its description as JSON. */
    @Command(
            name = "inspect",
            description = "Validates a GGUF file in Java and prints its metadata as JSON "
                    + "(architecture, name, parameter count, context and embedding length, layers, vocabulary size, "
                    + "quantisation, chat template, every metadata value).")
    static final class Inspect implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The GGUF file.")
        private Path file;

        @Override
        public Integer call() {
            // JSON already escapes C0 controls; this escapes DEL, C1 (CSI) and bidi controls too, still valid JSON
            spec.commandLine()
                    .getOut()
                    .print(TerminalText.text(GgufFile.read(CliFiles.requireRegularFile(file, "FILE"))
                            .toJson()));
            spec.commandLine().getOut().flush();
            return SluiceCli.EXIT_OK;
        }
    }

    /** {@code sluice gguf write-tiny --out FILE [--size small|bench]}: writes a seeded llama model. */
    @Command(
            name = "write-tiny",
            description = "Writes a llama-architecture GGUF model with seeded random weights: "
                    + "small (about 300 KB, F16) for tests, bench (about 0.5 GB, Q8_0) for benchmarks.")
    static final class WriteTiny implements Callable<Integer> {
        enum Size {
            small,
            bench
        }

        @Spec
        private CommandSpec spec;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the model.")
        private Path out;

        @Option(names = "--size", paramLabel = "SIZE", description = "small or bench (default: small).")
        private Size size = Size.small;

        @Option(names = "--seed", paramLabel = "S", description = "The seed of the weights (default: 42).")
        private long seed = 42;

        @Override
        public Integer call() {
            TinyLlamaModel model =
                    (size == Size.small ? TinyLlamaModel.small() : TinyLlamaModel.bench()).withSeed(seed);
            long bytes = model.write(out);
            spec.commandLine().getOut().println("wrote " + out + " (" + bytes + " bytes, " + model.weightType() + ")");
            return SluiceCli.EXIT_OK;
        }
    }
}
