package dev.sluice.pipeline;

import dev.sluice.core.schema.Schema;
import java.util.function.Consumer;

/** A side effect on the value, which passes through unchanged (see {@link FlowBuilder#sink}). */
final class SinkNode extends Node {
    final Consumer<Object> sink;

    @SuppressWarnings("unchecked")
    SinkNode(int index, String id, String version, Schema<?> outputSchema, Consumer<?> sink) {
        super(index, id, version, outputSchema);
        this.sink = (Consumer<Object>) sink;
    }

    @Override
    NodeKind kind() {
        return NodeKind.SINK;
    }
}
