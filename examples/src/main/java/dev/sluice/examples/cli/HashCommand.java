package dev.sluice.examples.cli;

import dev.sluice.core.BadInputException;
import dev.sluice.core.hash.CacheKey;
import dev.sluice.core.hash.Seed;
import dev.sluice.core.schema.Schema;
import dev.sluice.core.schema.Schemas;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sluice hash}: prints the {@link CacheKey} of a node execution, the key under which Sluice caches the node's
 * output. The input bytes are the canonical encoding of the {@code INPUT} arguments as a list of strings,
 * {@code Schemas.listOf(Schemas.string()).encode(inputs)}, so {@code hash a b} and {@code hash "a b"} differ. Java
 * decodes the arguments with the platform's native encoding ({@code sun.jnu.encoding}); use a UTF-8 locale for text
 * beyond ASCII.
 */
@Command(
        name = "hash",
        description = {
            "Prints the cache key (64 hex digits) of a node execution: SHA-256 over the canonical encoding of "
                    + "(inputs, model, seed, tools, version).",
            "The input bytes are the canonical encoding of the INPUT arguments as a list<string>, in the order given.",
        })
final class HashCommand implements Callable<Integer> {
    private static final Schema<List<String>> INPUTS = Schemas.listOf(Schemas.string());

    @Spec
    private CommandSpec spec;

    @Option(names = "--model", paramLabel = "M", description = "The model identity; empty (the default) for none.")
    private String model = "";

    @Option(names = "--seed", paramLabel = "S", description = "The seed, a 64-bit integer (default: 0).")
    private long seed;

    @Option(
            names = "--tools",
            paramLabel = "T",
            split = ",",
            description = "Tools the node may use: comma-separated or repeated; a set, so order and repeats do not "
                    + "change the key (default: none).")
    private List<String> tools;

    @Option(
            names = "--node-version",
            paramLabel = "V",
            required = true,
            description = "The version that changes the node's output (node, flow, schema and state versions).")
    private String nodeVersion;

    @Parameters(paramLabel = "INPUT", arity = "1..*", description = "The node's input, one or more strings.")
    private List<String> inputs;

    @Override
    public Integer call() {
        List<String> toolSet = tools == null ? List.of() : tools;
        for (String tool : toolSet) {
            if (tool.isBlank()) {
                throw new BadInputException("--tools has an empty tool name in " + toolSet + "; give names like a,b");
            }
        }
        CacheKey key = CacheKey.of(INPUTS, inputs, model, Seed.of(seed), toolSet, nodeVersion);
        spec.commandLine().getOut().println(key.hex());
        return SluiceCli.EXIT_OK;
    }
}
