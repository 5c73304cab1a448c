package dev.sluice.vector.internal;

import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.NodeQueue;
import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.util.BoundedLongHeap;
import io.github.jbellis.jvector.util.GrowableLongHeap;
import org.agrona.collections.IntHashSet;

/**
 * One thread's search of a jvector graph: greedy descent through the upper layers, then a beam search on layer 0
 * (HNSW's search, which jvector's own searcher also runs), with one difference that matters for speed: the
 * unvisited neighbours of an expanded node are scored together, as one batch ({@link NodeScores}), so that the
 * memory loads of several neighbours are in flight at once instead of one after the other.
 *
 * <p>Rows the filter rejects are walked through but never enter the beam. Read the result with
 * {@link #drainBeam}. Reuses its queues, visited set and batch arrays between searches: allocation-free once they
 * have grown. Not thread-safe.
 */
public final class BeamSearch {
    /** Scores graph nodes against one query, in batches. */
    @FunctionalInterface
    public interface NodeScores {
        /**
         * @param nodes the nodes
         * @param count how many of {@code nodes} to score
         * @param scores receives their scores, higher is closer
         */
        void score(int[] nodes, int count, float[] scores);
    }

    private final NodeQueue candidates = new NodeQueue(new GrowableLongHeap(256), NodeQueue.Order.MAX_HEAP);
    private final NodeQueue beam = new NodeQueue(new BoundedLongHeap(256), NodeQueue.Order.MIN_HEAP);
    private final IntHashSet visited = new IntHashSet(4096);
    private int[] batch = new int[64];
    private float[] batchScores = new float[64];
    private int batchSize;
    /** jvector's view reads the neighbours and asks these, without allocating: marking, no score, collecting. */
    private final ImmutableGraphIndex.IntMarker anyNeighbour = node -> true;

    private final ImmutableGraphIndex.IntMarker unvisitedNeighbour = visited::add;
    private final ScoreFunction.ExactScoreFunction noScore = node -> 0f;
    private final ImmutableGraphIndex.NeighborProcessor collect = (node, ignoredScore) -> {
        if (batchSize == batch.length) {
            ensureBatch(2 * batchSize);
        }
        batch[batchSize++] = node;
    };

    /**
     * Searches; the result stays in the beam until {@link #drainBeam}.
     *
     * @param view the graph
     * @param scores how nodes are scored
     * @param beamWidth the beam on layer 0, at least 1
     * @param accepted which nodes may enter the beam
     */
    public void search(ImmutableGraphIndex.View view, NodeScores scores, int beamWidth, Bits accepted) {
        candidates.clear();
        beam.clear();
        beam.setMaxSize(beamWidth);
        ImmutableGraphIndex.NodeAtLevel entry = view.entryNode();
        if (entry == null) {
            return;
        }
        batch[0] = entry.node;
        scores.score(batch, 1, batchScores);
        int node = entry.node;
        float score = batchScores[0];
        for (int level = entry.level; level > 0; level--) {
            for (boolean moved = true; moved; ) {
                moved = false;
                int count = gather(view, level, node, false);
                scores.score(batch, count, batchScores);
                for (int i = 0; i < count; i++) {
                    if (batchScores[i] > score || (batchScores[i] == score && batch[i] < node)) {
                        score = batchScores[i];
                        node = batch[i];
                        moved = true;
                    }
                }
            }
        }
        visited.clear();
        visited.add(node);
        candidates.push(node, score);
        if (accepted.get(node)) {
            beam.push(node, score);
        }
        while (candidates.size() > 0) {
            if (beam.size() >= beamWidth && candidates.topScore() < beam.topScore()) {
                break;
            }
            int expanded = candidates.pop();
            int count = gather(view, 0, expanded, true);
            scores.score(batch, count, batchScores);
            for (int i = 0; i < count; i++) {
                float neighbourScore = batchScores[i];
                if (beam.size() < beamWidth || neighbourScore > beam.topScore()) {
                    candidates.push(batch[i], neighbourScore);
                    if (accepted.get(batch[i])) {
                        beam.push(batch[i], neighbourScore);
                    }
                }
            }
        }
    }

    /** Copies the neighbours into the batch, only the unvisited ones (marking them) when asked. */
    private int gather(ImmutableGraphIndex.View view, int level, int node, boolean unvisitedOnly) {
        batchSize = 0;
        view.processNeighbors(level, node, noScore, unvisitedOnly ? unvisitedNeighbour : anyNeighbour, collect);
        return batchSize;
    }

    /**
     * Empties the beam of the last search into the top k.
     *
     * @param top receives the beam's nodes
     * @param rescore scores them again (one batch: exact scores after an approximate walk), or {@code null} to keep
     *     the scores of the walk
     */
    public void drainBeam(TopK top, NodeScores rescore) {
        int count = beam.size();
        ensureBatch(count);
        for (int i = 0; i < count; i++) {
            batchScores[i] = beam.topScore();
            batch[i] = beam.pop();
        }
        if (rescore != null) {
            rescore.score(batch, count, batchScores);
        }
        for (int i = 0; i < count; i++) {
            top.offer(batch[i], batchScores[i]);
        }
    }

    private void ensureBatch(int size) {
        if (batch.length < size) {
            batch = java.util.Arrays.copyOf(batch, size);
            batchScores = new float[size];
        }
    }
}
