package dev.sluice.pipeline;

import dev.sluice.core.BadInputException;
import dev.sluice.core.schema.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
     * Adds a pure node. A started pipeline remembers the node's recent outputs (up to about 1 MiB, each at most
     * 64 KiB) by the hash of their input bytes and reuses one for the same input instead of calling the function
     * again, so the function must depend on its input alone and have no side effect (use {@link #call} or
     * {@link #sink} for those).
     *
     * @param id the node id, unique in the flow
     * @param version the node version; change it when the function's behaviour changes
     * @param outputSchema the schema of the node's output edge
     * @param function the pure function
     * @param <R> the output type
     * @return the extended builder
     */
    public <R> FlowBuilder<I, R> map(
            String id, String version, Schema<R> outputSchema, Function<? super T, ? extends R> function) {
        return add(
                new MapNode(nodes.size(), id, version, outputSchema, require(function, "function", id)), outputSchema);
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
    public <R> FlowBuilder<I, R> call(
            String id, String version, Schema<R> outputSchema, Adapter<? super T, ? extends R> adapter) {
        require(adapter, "adapter", id);
        if (adapter.maxConcurrency() < 1) {
            throw new BadInputException("adapter of node '" + id + "' allows " + adapter.maxConcurrency()
                    + " concurrent calls; it must allow at least 1");
        }
        return add(new CallNode(nodes.size(), id, version, outputSchema, adapter), outputSchema);
    }

    /**
     * Adds an adapter node whose output schema comes with the adapter: the builder steps of modules that plug into
     * the engine, such as retrieval and generation in {@code sluice-rag}.
     *
     * @param id the node id, unique in the flow
     * @param version the node version
     * @param typed the adapter and its output schema
     * @param <R> the output type
     * @return the extended builder
     */
    public <R> FlowBuilder<I, R> call(String id, String version, TypedAdapter<? super T, R> typed) {
        require(typed, "typed adapter", id);
        return call(id, version, typed.outputSchema(), typed.adapter());
    }

    /**
     * Adds a join: two branches run on this edge's value (for example retrievals from two indexes) and their
     * outputs are combined. Each branch is a flow of its own whose input is this edge's type; its adapters are
     * cached in the pipeline's cache and seeded from the join node's seed. The branches run one after the other
     * on the thread that runs the join (an adapter thread in a pipelined runtime), so the result does not depend
     * on timing.
     *
     * @param id the node id, unique in the flow
     * @param version the node version
     * @param left the first branch
     * @param right the second branch
     * @param outputSchema the schema of the combined output
     * @param combine combines the branches' outputs; must be pure
     * @param <A> the first branch's output type
     * @param <B> the second branch's output type
     * @param <R> the combined type
     * @return the extended builder
     */
    public <A, B, R> FlowBuilder<I, R> join(
            String id,
            String version,
            Flow<T, A> left,
            Flow<T, B> right,
            Schema<R> outputSchema,
            java.util.function.BiFunction<? super A, ? super B, ? extends R> combine) {
        require(left, "left branch", id);
        require(right, "right branch", id);
        require(combine, "combine function", id);
        if (left.inputSchema() != lastSchema || right.inputSchema() != lastSchema) {
            throw new BadInputException("join '" + id + "' needs branches whose input schema is this edge's "
                    + lastSchema.typeName() + "; got " + left.inputSchema().typeName() + " and "
                    + right.inputSchema().typeName());
        }
        return call(id, version, outputSchema, new JoinAdapter<T, A, B, R>(left, right, combine));
    }

    /**
     * Adds a quality gate; the value it lets through has the same type. A gate whose remedy re-runs an earlier
     * node ({@link Gate#rerunTargets()}) is checked here: the node must come before the gate, with no sink
     * between them (a re-run would repeat the sink's side effect).
     *
     * @param id the node id, unique in the flow
     * @param version the node version
     * @param gate the gate
     * @return the extended builder
     * @throws BadInputException if a node the gate may re-run is not before it, or a sink lies between them
     */
    public FlowBuilder<I, T> gate(String id, String version, Gate<? super T> gate) {
        require(gate, "gate", id);
        Map<String, Integer> targets = new java.util.HashMap<>();
        for (String target : gate.rerunTargets()) {
            int index = indexOf(target);
            if (index < 0) {
                throw new BadInputException("gate '" + id + "' may re-run node '" + target + "', which is not before"
                        + " it in flow '" + flowName + "' (nodes so far: "
                        + nodes.stream().map(n -> n.id).toList()
                        + ")");
            }
            for (Node between : nodes.subList(index, nodes.size())) {
                if (between instanceof SinkNode) {
                    throw new BadInputException("gate '" + id + "' may re-run node '" + target + "', but sink '"
                            + between.id + "' lies between them and would repeat its side effect");
                }
            }
            targets.put(target, index);
        }
        return add(new GateNode(nodes.size(), id, version, lastSchema, gate, targets), lastSchema);
    }

    private int indexOf(String nodeId) {
        for (Node node : nodes) {
            if (node.id.equals(nodeId)) {
                return node.index;
            }
        }
        return -1;
    }

    /**
     * Adds a sink: a side effect on the value, which passes through unchanged.
     *
     * @param id the node id, unique in the flow
     * @param sink what to do with each value
     * @return the extended builder
     */
    public FlowBuilder<I, T> sink(String id, Consumer<? super T> sink) {
        return add(new SinkNode(nodes.size(), id, "1", lastSchema, require(sink, "sink", id)), lastSchema);
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

    /**
     * Checks the node's identity and output schema and appends it.
     *
     * @param node the new node, at index {@code nodes.size()}
     * @param outputSchema the node's output schema, typed
     */
    private <R> FlowBuilder<I, R> add(Node node, Schema<R> outputSchema) {
        String id = node.id;
        Flow.checkName(id, "node id");
        Flow.checkName(node.version, "version of node '" + id + "'");
        if (outputSchema == null) {
            throw new BadInputException("node '" + id + "' needs an output schema");
        }
        if (indexOf(id) >= 0) {
            throw new BadInputException("node id '" + id + "' is used twice in flow '" + flowName + "'");
        }
        List<Node> extended = new ArrayList<>(nodes);
        extended.add(node);
        return new FlowBuilder<>(flowName, flowVersion, inputSchema, outputSchema, List.copyOf(extended));
    }

    private static <B> B require(B body, String what, String id) {
        if (body == null) {
            throw new BadInputException("node '" + id + "' needs a " + what + ", got null");
        }
        return body;
    }
}
