package dev.sluice.pipeline;

import dev.sluice.core.schema.Schema;
import java.util.Locale;

/**
 * One node of a built flow: its place, its identity and the schema of its output edge, and, in each of the four
 * kinds of node, exactly its own body: a pure function ({@link MapNode}), an adapter ({@link CallNode}), a gate
 * with the nodes it may run again ({@link GateNode}) or a side effect ({@link SinkNode}). Bodies are erased to
 * {@code Object} once the builder has checked the types. Code that depends on the kind switches on the type.
 * Immutable; shared by every runtime that runs the flow.
 */
abstract sealed class Node permits MapNode, CallNode, GateNode, SinkNode {
    final int index;
    final String id;
    final String version;
    final Schema<Object> outputSchema;

    @SuppressWarnings("unchecked")
    Node(int index, String id, String version, Schema<?> outputSchema) {
        this.index = index;
        this.id = id;
        this.version = version;
        this.outputSchema = (Schema<Object>) outputSchema;
    }

    /** @return the node's kind, as {@link NodeTrace#kind()} reports it */
    abstract NodeKind kind();

    /** @return the kind in lower case, as span names and the evidence's {@code kind} attribute write it */
    final String kindName() {
        return kind().name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return kindName() + " '" + id + "' v" + version;
    }
}
