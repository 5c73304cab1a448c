package dev.sluice.pipeline.evidence;

import java.util.Map;

/**
 * One node execution of a run, a row of the {@code event_envelope} table: which node, the hashes of the envelopes
 * it read and wrote, when, and its attributes (kind, cache hit, model, seed, tools, tokens, retries). Immutable.
 *
 * @param nodeId the node's id
 * @param nodeVersion the node's version
 * @param inputHash the SHA-256 (hex) of the node's input envelope payload
 * @param outputHash the SHA-256 (hex) of its output envelope payload
 * @param startedEpochNs when it started, nanoseconds since the Unix epoch
 * @param finishedEpochNs when it finished, nanoseconds since the Unix epoch
 * @param attributes the other facts of the execution, by name
 */
public record NodeEvent(
        String nodeId,
        String nodeVersion,
        String inputHash,
        String outputHash,
        long startedEpochNs,
        long finishedEpochNs,
        Map<String, String> attributes) {
    /** Freezes the attributes. */
    public NodeEvent {
        attributes = Map.copyOf(attributes);
    }
}
