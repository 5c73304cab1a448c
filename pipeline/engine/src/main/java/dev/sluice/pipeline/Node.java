package dev.sluice.pipeline;

import dev.sluice.core.schema.Schema;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One node of a built flow: its identity, its output schema and its body, erased to {@code Object} once the
 * builder has checked the types. Immutable; shared by every runtime that runs the flow.
 */
final class Node {
    final int index;
    final String id;
    final String version;
    final NodeKind kind;
    final Schema<Object> outputSchema;
    final Function<Object, Object> function;
    final Adapter<Object, Object> adapter;
    final Gate<Object> gate;
    final Consumer<Object> sink;
    /** For a gate: the earlier nodes it may run again, id to index; checked by the builder. */
    final Map<String, Integer> rerunTargets;

    @SuppressWarnings("unchecked")
    Node(int index, String id, String version, NodeKind kind, Schema<?> outputSchema, Object body,
            Map<String, Integer> rerunTargets) {
        this.index = index;
        this.id = id;
        this.version = version;
        this.kind = kind;
        this.outputSchema = (Schema<Object>) outputSchema;
        this.function = kind == NodeKind.MAP ? (Function<Object, Object>) body : null;
        this.adapter = kind == NodeKind.CALL ? (Adapter<Object, Object>) body : null;
        this.gate = kind == NodeKind.GATE ? (Gate<Object>) body : null;
        this.sink = kind == NodeKind.SINK ? (Consumer<Object>) body : null;
        this.rerunTargets = Map.copyOf(rerunTargets);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " '" + id + "' v" + version;
    }
}
