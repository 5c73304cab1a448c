package dev.sluice.pipeline;

import dev.sluice.core.schema.Schema;
import java.util.Map;

/**
 * A quality gate (see {@link FlowBuilder#gate}) and the earlier nodes it may run again, checked by the builder.
 * Its output schema is its input's.
 */
final class GateNode extends Node {
    final Gate<Object> gate;
    /** The earlier nodes the gate may run again, id to index. */
    final Map<String, Integer> rerunTargets;

    @SuppressWarnings("unchecked")
    GateNode(
            int index,
            String id,
            String version,
            Schema<?> outputSchema,
            Gate<?> gate,
            Map<String, Integer> rerunTargets) {
        super(index, id, version, outputSchema);
        this.gate = (Gate<Object>) gate;
        this.rerunTargets = Map.copyOf(rerunTargets);
    }

    @Override
    NodeKind kind() {
        return NodeKind.GATE;
    }
}
