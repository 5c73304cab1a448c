package dev.sluice.pipeline;

import dev.sluice.core.hash.ContentHash;
import dev.sluice.pipeline.evidence.EvidenceLink;
import java.util.List;
import java.util.Optional;

/**
 * What happened at one node of one run: the hashes of its input and output edges, whether its output came from
 * the cache, how long it took, and a gate's decision. The raw material of spans and the evidence chain.
 *
 * @param nodeId the node's id
 * @param nodeVersion the node's version
 * @param kind the node's kind
 * @param inputHash the SHA-256 of the canonical input bytes
 * @param outputHash the SHA-256 of the canonical output bytes
 * @param cacheHit whether the output was served from the result cache
 * @param elapsedNs the time spent in the node, nanoseconds
 * @param tokens the tokens the node streamed (0 for a cache hit)
 * @param retries how many times a failed adapter execution was retried
 * @param gateDecision the gate's outcome, reason and scores, for gate nodes
 * @param startedEpochNs when the node started, nanoseconds since the Unix epoch
 * @param evidence the evidence links the node's adapter reported ({@link AdapterContext#evidence}); a cache hit
 *     repeats those of the execution it reuses while they are remembered
 */
public record NodeTrace(
        String nodeId,
        String nodeVersion,
        NodeKind kind,
        ContentHash inputHash,
        ContentHash outputHash,
        boolean cacheHit,
        long elapsedNs,
        long tokens,
        int retries,
        Optional<GateDecision<?>> gateDecision,
        long startedEpochNs,
        List<EvidenceLink> evidence) {
    /** Freezes the evidence links. */
    public NodeTrace {
        evidence = List.copyOf(evidence);
    }
}
