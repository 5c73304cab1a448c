package dev.sluice.pipeline;

import dev.sluice.core.schema.Schema;

/** An adapter node: side effects, cached by key, bounded concurrency (see {@link FlowBuilder#call}). */
final class CallNode extends Node {
    final Adapter<Object, Object> adapter;

    @SuppressWarnings("unchecked")
    CallNode(int index, String id, String version, Schema<?> outputSchema, Adapter<?, ?> adapter) {
        super(index, id, version, outputSchema);
        this.adapter = (Adapter<Object, Object>) adapter;
    }

    @Override
    NodeKind kind() {
        return NodeKind.CALL;
    }
}
