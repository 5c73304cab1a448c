package dev.sluice.pipeline;

import dev.sluice.core.hash.Seed;
import dev.sluice.pipeline.evidence.EvidenceStore;
import dev.sluice.pipeline.evidence.JournalEntry;
import dev.sluice.pipeline.evidence.NodeEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays a store's journal ({@link Pipeline#replay}): re-runs the journaled inputs of the flow through the flow
 * as it is now, inline, with the pipeline's seed and cache and recording nothing, and compares each output hash
 * with the recorded one, naming the first node whose output changed. A run whose stored rows do not match their
 * recorded hashes is not replayed but reported {@link ReplayReport.Status#TAMPERED}. Thread-safe.
 */
final class JournalReplay<I, O> {
    private final Flow<I, O> flow;
    private final Seed seed;
    private final ResultCache cache;

    JournalReplay(Flow<I, O> flow, Seed seed, ResultCache cache) {
        this.flow = flow;
        this.seed = seed;
        this.cache = cache;
    }

    /** Re-runs the inputs journaled in {@code store} between {@code from} and {@code to}. */
    ReplayReport replay(EvidenceStore store, Instant from, Instant to) {
        store.flush();
        List<ReplayReport.Run> runs = new ArrayList<>();
        try (InlinePipeline<I, O> replayer = new InlinePipeline<>(flow, seed, cache, Observability.NONE)) {
            for (JournalEntry entry : store.journal(from, to)) {
                runs.add(replay(replayer, entry));
            }
        }
        return new ReplayReport(runs);
    }

    private ReplayReport.Run replay(InlinePipeline<I, O> replayer, JournalEntry entry) {
        String recorded = entry.outputHash();
        if (entry.isTampered()) {
            return new ReplayReport.Run(
                    entry.runId(), ReplayReport.Status.TAMPERED, recorded, "", "", entry.tampered());
        }
        if (!entry.flowName().equals(flow.name())) {
            return new ReplayReport.Run(
                    entry.runId(),
                    ReplayReport.Status.SKIPPED,
                    recorded,
                    "",
                    "",
                    "recorded by flow '" + entry.flowName() + "'");
        }
        if (entry.inputSchemaVersion() != flow.inputSchema().version()) {
            return new ReplayReport.Run(
                    entry.runId(),
                    ReplayReport.Status.SKIPPED,
                    recorded,
                    "",
                    "",
                    "input schema version " + entry.inputSchemaVersion() + " was recorded; the flow reads version "
                            + flow.inputSchema().version());
        }
        RunResult<O> result;
        try {
            result = replayer.submit(flow.inputSchema().decode(entry.input())).join();
        } catch (RuntimeException e) {
            Throwable cause = Provenance.unwrap(e);
            String node = cause instanceof NodeFailedException failed ? failed.nodeId() : "";
            return new ReplayReport.Run(
                    entry.runId(), ReplayReport.Status.FAILED, recorded, "", node, String.valueOf(cause.getMessage()));
        }
        String replayed = result.outputHash().hex();
        if (replayed.equals(recorded)) {
            return new ReplayReport.Run(entry.runId(), ReplayReport.Status.UNCHANGED, recorded, replayed, "", "");
        }
        Map<String, String> recordedOutputs = new HashMap<>();
        for (NodeEvent node : entry.nodes()) {
            recordedOutputs.put(node.nodeId(), node.outputHash());
        }
        String firstChanged = "";
        for (NodeTrace node : result.nodes()) {
            if (!node.outputHash().hex().equals(recordedOutputs.get(node.nodeId()))) {
                firstChanged = node.nodeId();
                break;
            }
        }
        return new ReplayReport.Run(
                entry.runId(),
                recorded.isEmpty() ? ReplayReport.Status.FAILED : ReplayReport.Status.CHANGED,
                recorded,
                replayed,
                firstChanged,
                recorded.isEmpty() ? "the recorded run had failed" : "");
    }
}
