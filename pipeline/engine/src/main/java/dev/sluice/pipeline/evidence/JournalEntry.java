package dev.sluice.pipeline.evidence;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * A journaled run: its input envelope (the canonical input bytes and their schema version) and what each node
 * produced, enough to run the input again and compare. Immutable (the input array is copied on the way in and
 * out).
 *
 * <p><b>Tampered entries.</b> A store that checks its rows against the hashes recorded with them returns a run
 * whose rows do not match as an entry with {@link #tampered()} saying what does not match, rather than leaving it
 * out or failing the whole journal: its fields are what the store holds, not to be trusted, and {@link #input()}
 * throws {@link TamperedEvidenceException}, so that its input cannot be replayed as if it were the one recorded.
 *
 * @param runId the run's id
 * @param flowName the flow that ran it
 * @param flowVersion the flow's version then
 * @param startedEpochNs when the run started, nanoseconds since the Unix epoch
 * @param inputSchemaVersion the version of the input schema that encoded {@code input}
 * @param input the canonical input bytes
 * @param outputHash the SHA-256 (hex) of the run's output, "" if the run failed
 * @param nodes the node executions in flow order
 * @param tampered what in the stored run does not match its recorded hashes (the table, row and column where
 *     known), "" when nothing does (or the store has nothing to check it against)
 */
public record JournalEntry(
        UUID runId,
        String flowName,
        String flowVersion,
        long startedEpochNs,
        int inputSchemaVersion,
        byte[] input,
        String outputHash,
        List<NodeEvent> nodes,
        String tampered) {
    /** Copies the input and freezes the nodes. */
    public JournalEntry {
        input = input.clone();
        nodes = List.copyOf(nodes);
        tampered = tampered == null ? "" : tampered;
    }

    /**
     * An entry whose rows matched their recorded hashes.
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
    public JournalEntry(
            UUID runId,
            String flowName,
            String flowVersion,
            long startedEpochNs,
            int inputSchemaVersion,
            byte[] input,
            String outputHash,
            List<NodeEvent> nodes) {
        this(runId, flowName, flowVersion, startedEpochNs, inputSchemaVersion, input, outputHash, nodes, "");
    }

    /**
     * @return the canonical input bytes (a copy)
     * @throws TamperedEvidenceException if the entry is {@linkplain #isTampered() tampered}
     */
    @Override
    public byte[] input() {
        if (isTampered()) {
            throw new TamperedEvidenceException(runId, tampered, "the journal");
        }
        return input.clone();
    }

    /** @return whether the stored run does not match its recorded hashes ({@link #tampered()} says where) */
    public boolean isTampered() {
        return !tampered.isEmpty();
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
                && nodes.equals(e.nodes)
                && tampered.equals(e.tampered);
    }

    @Override
    public int hashCode() {
        return runId.hashCode();
    }

    @Override
    public String toString() {
        return "JournalEntry[" + runId + ", " + flowName + " v" + flowVersion + ", " + input.length + " input bytes, "
                + nodes.size() + " nodes, output " + outputHash + (isTampered() ? ", TAMPERED: " + tampered : "") + "]";
    }
}
