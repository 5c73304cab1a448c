package dev.sluice.vector.internal;

import dev.sluice.vector.Hits;
import dev.sluice.vector.Similarity;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import io.github.jbellis.jvector.quantization.PQVectors;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Searches a jvector graph over a store's rows, from any number of threads, as jvector's {@code GraphSearcher}
 * does for one: each thread keeps its own search state ({@link BeamSearch}'s queues and visited set, an exact
 * {@link RowScorer} and the 8-bit scorer) and reuses it for each of its searches, so a search allocates only its
 * result (and, with PQ, its query tables).
 *
 * <p>The walk scores nodes, in order of preference, with product-quantised codes (when the graph was built with
 * them), with {@link Int8Rows 8-bit codes} of the graph's rows (encoded here, once) or with the float vectors; with
 * codes, the best candidates are then reranked exactly. Rows added after the codes were made are scored exactly.
 *
 * <p>A graph opened from files never changes: it is read through one view (and file reader) per thread, kept until
 * {@link #close()}. A graph built in memory is read through a fresh view per search, which sees the nodes inserted
 * since the last one.
 */
public final class GraphSearcher implements AutoCloseable {
    private final RowSource rows;
    private final ImmutableGraphIndex graph;
    private final boolean graphIsFinal;
    private final PQVectors pqVectors;
    private final VectorSimilarityFunction pqSimilarity;
    private final Int8Rows int8Rows;
    private final ConcurrentLinkedQueue<ImmutableGraphIndex.View> views = new ConcurrentLinkedQueue<>();
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(this::newScratch);

    /** One thread's search state, reused by each of its searches. */
    private record Scratch(
            BeamSearch beamSearch, ImmutableGraphIndex.View view, RowScorer exact, Int8Rows.Scorer int8) {}

    /**
     * @param rows the store's rows, which the graph's node ids number
     * @param graph the graph
     * @param graphIsFinal whether the graph never changes (opened from files)
     * @param pqVectors the product-quantised rows, or {@code null} without PQ
     * @param int8Navigation without PQ: whether to walk with 8-bit codes of the rows
     * @param graphNodes the rows in the graph now, the rows 8-bit codes are made for
     */
    public GraphSearcher(
            RowSource rows,
            ImmutableGraphIndex graph,
            boolean graphIsFinal,
            PQVectors pqVectors,
            boolean int8Navigation,
            int graphNodes) {
        this.rows = rows;
        this.graph = graph;
        this.graphIsFinal = graphIsFinal;
        this.pqVectors = pqVectors;
        this.pqSimilarity = rows.similarity() == Similarity.EUCLIDEAN
                ? VectorSimilarityFunction.EUCLIDEAN
                : VectorSimilarityFunction.DOT_PRODUCT; // cosine rows are unit vectors
        this.int8Rows = pqVectors == null && int8Navigation ? Int8Rows.encode(rows, graphNodes) : null;
    }

    private Scratch newScratch() {
        ImmutableGraphIndex.View view = null;
        if (graphIsFinal) { // one view (and file reader) per thread
            view = graph.getView();
            views.add(view);
        }
        RowScorer exact = new RowScorer(rows);
        return new Scratch(new BeamSearch(), view, exact, int8Rows == null ? null : int8Rows.scorer(exact));
    }

    /**
     * Walks the graph and returns the best accepted rows, reranked exactly when the walk scored codes.
     *
     * @param query the query, of the rows' dimension
     * @param queryScale its {@linkplain Similarity#queryScale scale}
     * @param k how many hits
     * @param candidates the beam on the graph's bottom layer: the candidates collected, at least {@code k}
     * @param accepted which rows may be returned
     * @return the best rows found, best first
     */
    public Hits search(float[] query, float queryScale, int k, int candidates, Bits accepted) {
        Scratch searcher = scratch.get();
        RowScorer exact = searcher.exact().reset(query, queryScale);
        BeamSearch.NodeScores navigation;
        if (pqVectors != null) {
            navigation = pqScores(exact);
        } else if (searcher.int8() != null) {
            navigation = searcher.int8().reset();
        } else {
            navigation = exact;
        }
        ImmutableGraphIndex.View view = searcher.view() != null ? searcher.view() : graph.getView();
        BeamSearch beamSearch = searcher.beamSearch();
        beamSearch.search(view, navigation, candidates, accepted);
        TopK top = new TopK(k);
        beamSearch.drainBeam(top, navigation == exact ? null : exact); // rerank: exact scores replace approximate ones
        return top.drain();
    }

    /** PQ scores for rows that were encoded; exact ones for rows added after the build. */
    private BeamSearch.NodeScores pqScores(RowScorer exact) {
        ScoreFunction.ApproximateScoreFunction pq = pqVectors.precomputedScoreFunctionFor(
                VectorizationProvider.getInstance().getVectorTypeSupport().createFloatVector(exact.target()),
                pqSimilarity);
        int encoded = pqVectors.count();
        return (nodes, count, scores) -> {
            for (int i = 0; i < count; i++) {
                scores[i] = nodes[i] < encoded ? pq.similarityTo(nodes[i]) : exact.similarityTo(nodes[i]);
            }
        };
    }

    /**
     * Closes the threads' views of the graph and frees the 8-bit codes; the graph itself belongs to the caller.
     *
     * @throws IOException when a view fails to close
     */
    @Override
    public void close() throws IOException {
        try {
            for (ImmutableGraphIndex.View view : views) {
                view.close();
            }
        } finally {
            if (int8Rows != null) {
                int8Rows.close();
            }
        }
    }
}
