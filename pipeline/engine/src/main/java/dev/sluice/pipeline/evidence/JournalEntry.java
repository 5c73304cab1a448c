package dev.sluice.pipeline.evidence;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * A journaled run: its input envelope (the canonical input bytes and their schema version) and what each node
 * produced, enough to run the input again and compare. Immutable (the input array is copied on the way in and
 * out).
 *
 * @param runId the run's id
 * @param flowName the flow that ran it
 * @param flowVersion the flow's version then
 * @param startedEpochNs when the run started, nanoseconds since the Unix epoch
 * @param inputSchemaVersion the version of the input schema that encoded {@code input}
 * @param input the canonical input bytes
 * @param outputHash the SHA-256 (hex) of the run's output, "" if the run failed
 * @param nodes the node executions in flow order
 */
public record JournalEntry(
        UUID runId,
        String flowName,
        String flowVersion,
        long startedEpochNs,
        int inputSchemaVersion,
        byte[] input,
        String outputHash,
        List<NodeEvent> nodes) {
    /** Copies the input and freezes the nodes. */
    public JournalEntry {
        input = input.clone();
        nodes = List.copyOf(nodes);
    }

    @Override
    public byte[] input() {
        return input.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof JournalEntry e
                && runId.equals(e.runId)
                && flowName.equals(e.flowName)
                && flowVersion.equals(e.flowVersion)
                && startedEpochNs == e.startedEpochNs
                && inputSchemaVersion == e.inputSchemaVersion
                && Arrays.equals(input, e.input)
                && outputHash.equals(e.outputHash)
                && nodes.equals(e.nodes);
    }

    @Override
    public int hashCode() {
        return runId.hashCode();
    }

    @Override
    public String toString() {
        return "JournalEntry[" + runId + ", " + flowName + " v" + flowVersion + ", " + input.length + " input bytes, "
                + nodes.size() + " nodes, output " + outputHash + "]";
    }
}
