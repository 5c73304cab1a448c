package dev.sluice.examples.cli;

import dev.sluice.examples.CustomPipeline;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice example NAME}: runs one of the example programs in {@code dev.sluice.examples}. */
@Command(
        name = "example",
        description = "Runs an example program: custom-pipeline (the fluent flow API: retrieve, generate, gate,"
                + " cache).")
final class ExampleCommand implements Callable<Integer> {
    /** The examples by name. */
    enum Example {
        /** {@link CustomPipeline}. */
        CUSTOM_PIPELINE
    }

    @Parameters(index = "0", paramLabel = "NAME", converter = ExampleNameConverter.class,
            description = "custom-pipeline")
    private Example example;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        switch (example) {
            case CUSTOM_PIPELINE -> CustomPipeline.run(out);
        }
        return SluiceCli.EXIT_OK;
    }

    /** Reads {@code custom-pipeline} as {@link Example#CUSTOM_PIPELINE}. */
    static final class ExampleNameConverter implements picocli.CommandLine.ITypeConverter<Example> {
        @Override
        public Example convert(String value) {
            try {
                return Example.valueOf(value.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("no example '" + value
                        + "'; the examples are: custom-pipeline");
            }
        }
    }
}
