package dev.sluice.pipeline;

import dev.sluice.core.BadInputException;
import dev.sluice.core.schema.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Builds a {@link Flow} node by node, typed at each step: {@code T} is the type on the edge after the last node.
 * Each method returns a new builder, so a half-built flow can be extended in two ways. Arguments are checked when
 * given and the whole flow again at {@link #build()}.
 *
 * @param <I> the flow's input type
 * @param <T> the type of the last edge so far
 */
public final class FlowBuilder<I, T> {
    private final String flowName;
    private final String flowVersion;
    private final Schema<I> inputSchema;
    private final Schema<T> lastSchema;
    private final List<Node> nodes;

    FlowBuilder(String flowName, String flowVersion, Schema<I> inputSchema, Schema<T> lastSchema, List<Node> nodes) {
        this.flowName = flowName;
        this.flowVersion = flowVersion;
        this.inputSchema = inputSchema;
        this.lastSchema = lastSchema;
        this.nodes = nodes;
    }

    /**
     * Adds a pure node.
     *
     * @param id the node id, unique in the flow
     * @param version the node version; change it when the function's behaviour changes
     * @param outputSchema the schema of the node's output edge
     * @param function the pure function
     * @param <R> the output type
     * @return the extended builder
     */
    public <R> FlowBuilder<I, R> map(String id, String version, Schema<R> outputSchema,
            Function<? super T, ? extends R> function) {
        return add(id, version, NodeKind.MAP, outputSchema, require(function, "function", id));
    }

    /**
     * Adds an adapter node: cached under {@code hash(input, model, seed, tools, version)}, concurrency bounded by
     * the adapter's {@link Adapter#maxConcurrency()}.
     *
     * @param id the node id, unique in the flow
     * @param version the node version
     * @param outputSchema the schema of the node's output edge
     * @param adapter the adapter
     * @param <R> the output type
     * @return the extended builder
     */
    public <R> FlowBuilder<I, R> call(String id, String version, Schema<R> outputSchema,
            Adapter<? super T, ? extends R> adapter) {
        require(adapter, "adapter", id);
        if (adapter.maxConcurrency() < 1) {
            throw new BadInputException("adapter of node '" + id + "' allows " + adapter.maxConcurrency()
                    + " concurrent calls; it must allow at least 1");
        }
        return add(id, version, NodeKind.CALL, outputSchema, adapter);
    }

    /**
     * Adds a quality gate; the value it lets through has the same type.
     *
     * @param id the node id, unique in the flow
     * @param version the node version
     * @param gate the gate
     * @return the extended builder
     */
    public FlowBuilder<I, T> gate(String id, String version, Gate<? super T> gate) {
        return add(id, version, NodeKind.GATE, lastSchema, require(gate, "gate", id));
    }

    /**
     * Adds a sink: a side effect on the value, which passes through unchanged.
     *
     * @param id the node id, unique in the flow
     * @param sink what to do with each value
     * @return the extended builder
     */
    public FlowBuilder<I, T> sink(String id, Consumer<? super T> sink) {
        return add(id, "1", NodeKind.SINK, lastSchema, require(sink, "sink", id));
    }

    /**
     * Checks the whole flow and freezes it.
     *
     * @return the flow
     * @throws BadInputException if the flow has no node
     */
    public Flow<I, T> build() {
        if (nodes.isEmpty()) {
            throw new BadInputException("flow '" + flowName + "' has no node; add at least one map, call or gate");
        }
        return new Flow<>(flowName, flowVersion, inputSchema, lastSchema, nodes);
    }

    private <R> FlowBuilder<I, R> add(String id, String version, NodeKind kind, Schema<R> outputSchema, Object body) {
        Flow.checkName(id, "node id");
        Flow.checkName(version, "version of node '" + id + "'");
        if (outputSchema == null) {
            throw new BadInputException("node '" + id + "' needs an output schema");
        }
        for (Node node : nodes) {
            if (node.id.equals(id)) {
                throw new BadInputException("node id '" + id + "' is used twice in flow '" + flowName + "'");
            }
        }
        List<Node> extended = new ArrayList<>(nodes);
        extended.add(new Node(nodes.size(), id, version, kind, outputSchema, body));
        return new FlowBuilder<>(flowName, flowVersion, inputSchema, outputSchema, List.copyOf(extended));
    }

    private static <B> B require(B body, String what, String id) {
        if (body == null) {
            throw new BadInputException("node '" + id + "' needs a " + what + ", got null");
        }
        return body;
    }
}
