package dev.sluice.pipeline;

import dev.sluice.core.hash.ContentHash;
import dev.sluice.pipeline.evidence.EvidenceLink;
import java.util.AbstractList;
import java.util.List;
import java.util.Optional;
import java.util.RandomAccess;

/**
 * The node traces of one run, kept in a few arrays while the run executes and built into {@link NodeTrace}
 * records only when read (each {@link #get} builds a new, equal record): a request nobody inspects pays a few
 * hundred bytes instead of a record per node. Edge hashes are shared: node {@code k}'s output hash is node
 * {@code k + 1}'s input hash.
 *
 * <p>Each node's slots are written by the thread that runs the node, before the node hands its output on (a ring
 * buffer's commit, or the next iteration of the inline loop), and read after; the list is immutable to its users
 * once the run has ended. A node that did not run reads as null.
 */
final class RunTraces extends AbstractList<NodeTrace> implements RandomAccess {
    private final NodeExecutor[] executors;
    private final long startNs;
    private final long startEpochNs;
    /** Per node: when it started (nanoTime) and how long it took, nanoseconds. */
    private final long[] times;
    /** Edge {@code k} is node {@code k}'s input; edge {@code k + 1} its output. */
    private final ContentHash[] edges;
    /** Per node: its gate decision, or its evidence links (a list), or null. */
    private final Object[] details;
    /** Per node: {@link #RAN}, {@link #CACHE_HIT}. */
    private final byte[] flags;
    /** Per node: tokens streamed and retries; created by the first node that has any. */
    private long[] costs;
    /** Per node: the hash of the changed input a gate re-ran it with, else null; created by the first re-run. */
    private ContentHash[] changedInputs;

    private static final byte RAN = 1;
    private static final byte CACHE_HIT = 2;

    /**
     * @param startNs the run's start, {@code System.nanoTime()}
     * @param startEpochNs the same instant, nanoseconds since the Unix epoch
     * @param inputHash the hash of the run's input bytes
     */
    RunTraces(NodeExecutor[] executors, long startNs, long startEpochNs, ContentHash inputHash) {
        this.executors = executors;
        this.startNs = startNs;
        this.startEpochNs = startEpochNs;
        int n = executors.length;
        this.times = new long[2 * n];
        this.edges = new ContentHash[n + 1];
        this.details = new Object[n];
        this.flags = new byte[n];
        edges[0] = inputHash;
    }

    /**
     * Records that node {@code k} ran.
     *
     * @param nodeStartNs when it started, {@code System.nanoTime()}
     * @param elapsedNs how long it took
     * @param outputHash the hash of its output bytes (the next node's input hash)
     * @param output what the execution did
     */
    void record(int k, long nodeStartNs, long elapsedNs, ContentHash outputHash, NodeExecutor.NodeOutput output) {
        times[2 * k] = nodeStartNs;
        times[2 * k + 1] = elapsedNs;
        edges[k + 1] = outputHash;
        details[k] = output.decision != null
                ? output.decision
                : output.evidence.isEmpty() ? null : List.copyOf(output.evidence); // no copy if already immutable
        if (output.tokens != 0 || output.retries != 0) {
            if (costs == null) {
                costs = new long[2 * executors.length];
            }
            costs[2 * k] = output.tokens;
            costs[2 * k + 1] = output.retries;
        }
        flags[k] = (byte) (RAN | (output.cacheHit ? CACHE_HIT : 0));
    }

    /**
     * Records that a gate re-ran node {@code k} on a changed input, so that its input hash is no longer the
     * output hash of the node before it.
     */
    void recordChangedInput(int k, ContentHash inputHash) {
        if (changedInputs == null) {
            changedInputs = new ContentHash[executors.length];
        }
        changedInputs[k] = inputHash;
    }

    /** @return the hash of node {@code k}'s input bytes (the run's input for node 0) */
    ContentHash inputHash(int k) {
        return changedInputs != null && changedInputs[k] != null ? changedInputs[k] : edges[k];
    }

    /** @return the hash of node {@code k}'s output bytes */
    ContentHash outputHash(int k) {
        return edges[k + 1];
    }

    @Override
    @SuppressWarnings("unchecked")
    public NodeTrace get(int k) {
        if ((flags[k] & RAN) == 0) {
            return null;
        }
        Node node = executors[k].node;
        Object detail = details[k];
        return new NodeTrace(
                node.id,
                node.version,
                node.kind(),
                inputHash(k),
                edges[k + 1],
                (flags[k] & CACHE_HIT) != 0,
                times[2 * k + 1],
                costs == null ? 0 : costs[2 * k],
                costs == null ? 0 : (int) costs[2 * k + 1],
                detail instanceof GateDecision<?> decision ? Optional.of(decision) : Optional.empty(),
                startEpochNs + (times[2 * k] - startNs),
                detail instanceof List<?> links ? (List<EvidenceLink>) links : List.of());
    }

    @Override
    public int size() {
        return executors.length;
    }
}
