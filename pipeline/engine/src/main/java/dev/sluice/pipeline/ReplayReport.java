package dev.sluice.pipeline;

import java.util.List;
import java.util.UUID;

/**
 * What {@link Pipeline#replay} found: for each journaled run, whether the current flow gives the same output bytes
 * and, when not, the first node (in flow order) whose output changed. The regression test of prompts, models and
 * code. Immutable.
 *
 * @param runs one entry per journaled run in the window, oldest first
 */
public record ReplayReport(List<Run> runs) {
    /** What became of one run. */
    public enum Status {
        /** The output hash is the one recorded. */
        UNCHANGED,
        /** The output hash differs; {@link Run#firstChangedNode()} says where it started. */
        CHANGED,
        /** The replay failed (or the recorded run had failed and the replay did not). */
        FAILED,
        /** The run belongs to another flow or its input schema changed version: not replayed. */
        SKIPPED,
        /**
         * The run's stored rows do not match their recorded hashes (a tampered journal entry): not replayed, since
         * its input and recorded output cannot be trusted; {@link Run#detail()} says what does not match.
         */
        TAMPERED
    }

    /**
     * One replayed run.
     *
     * @param runId the recorded run's id
     * @param status what happened
     * @param recordedOutputHash the output hash recorded, "" if the run had failed (as stored, for a tampered run)
     * @param replayedOutputHash the output hash now, "" if not replayed or failed
     * @param firstChangedNode the first node whose output hash differs from the recording, "" if none
     * @param detail why it failed or was skipped, "" otherwise
     */
    public record Run(
            UUID runId,
            Status status,
            String recordedOutputHash,
            String replayedOutputHash,
            String firstChangedNode,
            String detail) {}

    /** Freezes the list. */
    public ReplayReport {
        runs = List.copyOf(runs);
    }

    /**
     * @param status a status
     * @return how many runs have it
     */
    public long count(Status status) {
        return runs.stream().filter(r -> r.status() == status).count();
    }

    /** @return the runs whose output changed */
    public List<Run> changed() {
        return runs.stream().filter(r -> r.status() == Status.CHANGED).toList();
    }

    /**
     * @return one line per run that did not come out unchanged, then the counts (tampered runs counted only when
     *     there are any)
     */
    public String toText() {
        StringBuilder text = new StringBuilder();
        for (Run run : runs) {
            if (run.status() != Status.UNCHANGED) {
                text.append(run.status()).append(' ').append(run.runId());
                if (!run.firstChangedNode().isEmpty()) {
                    text.append(" first changed at node '")
                            .append(run.firstChangedNode())
                            .append('\'');
                }
                if (!run.detail().isEmpty()) {
                    text.append(": ").append(run.detail());
                }
                text.append('\n');
            }
        }
        return text.append(runs.size())
                .append(" runs: ")
                .append(count(Status.UNCHANGED))
                .append(" unchanged, ")
                .append(count(Status.CHANGED))
                .append(" changed, ")
                .append(count(Status.FAILED))
                .append(" failed, ")
                .append(count(Status.SKIPPED))
                .append(" skipped")
                .append(count(Status.TAMPERED) > 0 ? ", " + count(Status.TAMPERED) + " tampered" : "")
                .append('\n')
                .toString();
    }
}
