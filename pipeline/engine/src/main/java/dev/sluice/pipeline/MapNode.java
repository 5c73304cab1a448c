package dev.sluice.pipeline;

import dev.sluice.core.schema.Schema;
import java.util.function.Function;

/** A pure node: a function of its input alone (see {@link FlowBuilder#map}). */
final class MapNode extends Node {
    final Function<Object, Object> function;

    @SuppressWarnings("unchecked")
    MapNode(int index, String id, String version, Schema<?> outputSchema, Function<?, ?> function) {
        super(index, id, version, outputSchema);
        this.function = (Function<Object, Object>) function;
    }

    @Override
    NodeKind kind() {
        return NodeKind.MAP;
    }
}
