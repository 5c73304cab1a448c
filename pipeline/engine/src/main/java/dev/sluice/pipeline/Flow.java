package dev.sluice.pipeline;

import dev.sluice.core.BadInputException;
import dev.sluice.core.schema.Schema;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An immutable, validated dataflow: a name and a version, an input schema, and nodes, each with an id, a version
 * and the schema of its output edge. Built with {@link #named(String, String)}; run with {@link #start}. One flow
 * can be started many times, with different runtimes; both runtimes give byte-identical outputs.
 *
 * <pre>{@code
 * Flow<String, String> flow = Flow.named("faq", "1")
 *     .input(Schemas.string())
 *     .map("normalize", "1", Schemas.string(), String::strip)
 *     .call("answer", "1", Schemas.string(), model)
 *     .gate("min_length", "1", Gates.minLength(16, fallback))
 *     .build();
 * try (Pipeline<String, String> pipeline = flow.start(FlowRuntime.inline())) {
 *     RunResult<String> result = pipeline.submit("  What is Sluice? ").join();
 * }
 * }</pre>
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public final class Flow<I, O> {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private final String name;
    private final String version;
    private final Schema<I> inputSchema;
    private final Schema<O> outputSchema;
    private final List<Node> nodes;

    Flow(String name, String version, Schema<I> inputSchema, Schema<O> outputSchema, List<Node> nodes) {
        this.name = name;
        this.version = version;
        this.inputSchema = inputSchema;
        this.outputSchema = outputSchema;
        this.nodes = nodes;
    }

    /**
     * Starts a flow definition.
     *
     * @param name the flow's name (letters, digits, {@code _ . -}; at most 64)
     * @param version the flow's version; it enters every cache key of the flow
     * @return the first step of the builder
     */
    public static Start named(String name, String version) {
        checkName(name, "flow name");
        checkName(version, "flow version");
        return new Start(name, version);
    }

    /** The first step of building a flow: naming its input. */
    public static final class Start {
        private final String name;
        private final String version;

        private Start(String name, String version) {
            this.name = name;
            this.version = version;
        }

        /**
         * @param schema the schema of the flow's input
         * @param <I> the input type
         * @return a builder whose last edge is the input
         */
        public <I> FlowBuilder<I, I> input(Schema<I> schema) {
            if (schema == null) {
                throw new BadInputException("flow '" + name + "' needs an input schema");
            }
            return new FlowBuilder<>(name, version, schema, schema, List.of());
        }
    }

    static void checkName(String value, String what) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new BadInputException(what + " '" + value + "' must be 1 to 64 letters, digits, '_', '.' or '-',"
                    + " starting with a letter or digit");
        }
    }

    /**
     * Starts the flow on a runtime.
     *
     * @param runtime inline or pipelined, with its cache, seed and limits
     * @return the running pipeline; close it to stop
     */
    public Pipeline<I, O> start(FlowRuntime runtime) {
        return runtime.start(this);
    }

    /** @return the flow's name */
    public String name() {
        return name;
    }

    /** @return the flow's version */
    public String version() {
        return version;
    }

    /** @return the input schema */
    public Schema<I> inputSchema() {
        return inputSchema;
    }

    /** @return the output schema */
    public Schema<O> outputSchema() {
        return outputSchema;
    }

    /** @return the ids of the nodes in order */
    public List<String> nodeIds() {
        return nodes.stream().map(n -> n.id).toList();
    }

    List<Node> nodes() {
        return nodes;
    }

    @Override
    public String toString() {
        return "Flow[" + name + " v" + version + ", nodes " + nodeIds() + "]";
    }
}
