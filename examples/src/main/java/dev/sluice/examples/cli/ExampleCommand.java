package dev.sluice.examples.cli;

import dev.sluice.examples.CustomPipeline;
import dev.sluice.examples.EmbedAndSearch;
import dev.sluice.examples.ReplayRegression;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice example NAME}: runs one of the example programs in {@code dev.sluice.examples}. */
@Command(
        name = "example",
        description = {
            "Runs an example program:",
            "  custom-pipeline    the fluent flow API: retrieve, generate, join, gate, cache",
            "  replay-regression  record runs, change a prompt, replay, see which answers changed",
            "  embed-and-search   embeddings written straight into off-heap memory, then searched in place"
        })
final class ExampleCommand implements Callable<Integer> {
    /** The examples by name. */
    enum Example {
        /** {@link CustomPipeline}. */
        CUSTOM_PIPELINE,
        /** {@link ReplayRegression}. */
        REPLAY_REGRESSION,
        /** {@link EmbedAndSearch}. */
        EMBED_AND_SEARCH
    }

    private static final String NAMES = "custom-pipeline, replay-regression, embed-and-search";

    @Parameters(index = "0", paramLabel = "NAME", converter = ExampleNameConverter.class, description = NAMES)
    private Example example;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        switch (example) {
            case CUSTOM_PIPELINE -> CustomPipeline.run(out);
            case REPLAY_REGRESSION -> ReplayRegression.run(out);
            case EMBED_AND_SEARCH -> EmbedAndSearch.run(out);
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
                throw new picocli.CommandLine.TypeConversionException(
                        "no example '" + value + "'; the examples are: " + NAMES);
            }
        }
    }
}
