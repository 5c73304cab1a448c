package dev.sluice.pipeline;

import dev.sluice.core.hash.ContentHash;
import java.util.List;
import java.util.UUID;

/**
 * The outcome of one request: the output value, its hash, the run id, and a trace per node in flow order.
 *
 * @param runId the run's id
 * @param value the flow's output
 * @param outputHash the SHA-256 of the output's canonical bytes: equal hashes mean byte-identical outputs
 * @param nodes what happened at each node
 * @param <O> the output type
 */
public record RunResult<O>(UUID runId, O value, ContentHash outputHash, List<NodeTrace> nodes) {
    /** Freezes the traces (a runtime's own trace list is immutable already and built into records when read). */
    public RunResult {
        nodes = nodes instanceof RunTraces ? nodes : List.copyOf(nodes);
    }

    /** @return whether any node's output came from the cache */
    public boolean anyCacheHit() {
        for (NodeTrace node : nodes) {
            if (node.cacheHit()) {
                return true;
            }
        }
        return false;
    }
}
