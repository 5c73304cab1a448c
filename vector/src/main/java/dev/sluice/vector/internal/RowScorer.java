package dev.sluice.vector.internal;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import dev.sluice.core.memory.VectorMath;
import dev.sluice.vector.Similarity;
import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import java.lang.foreign.MemorySegment;

/**
 * Exact scores of stored rows against one vector held on the heap: a query, or a row being inserted into a graph.
 *
 * <p>A graph search reads rows scattered over the store, one per visited node. Each score first copies the row into
 * a scratch array with one bulk copy, which fetches all of the row's cache lines at once, then runs a SIMD kernel
 * over two heap arrays with several accumulators, instead of SIMD loads straight from the store's segment, which
 * wait on the memory one vector register at a time.
 *
 * <p>Holds two arrays of the store's dimension and allocates nothing per score. Not thread-safe: one instance per
 * thread, {@linkplain #reset reset} for each query.
 */
public final class RowScorer implements ScoreFunction.ExactScoreFunction, BeamSearch.NodeScores {
    private final RowSource rows;
    private final int dimension;
    private final boolean euclidean;
    private final float[] target;
    private final float[] row;

    /** @param rows the stored vectors */
    public RowScorer(RowSource rows) {
        this.rows = rows;
        this.dimension = rows.dimension();
        this.euclidean = rows.similarity() == Similarity.EUCLIDEAN;
        this.target = new float[dimension];
        this.row = new float[dimension];
    }

    /**
     * Scores against a query from now on.
     *
     * @param query the query, of the store's dimension
     * @param queryScale its {@linkplain Similarity#queryScale scale}, applied once here
     * @return this
     */
    public RowScorer reset(float[] query, float queryScale) {
        for (int i = 0; i < dimension; i++) {
            target[i] = query[i] * queryScale;
        }
        return this;
    }

    /**
     * Scores against a stored row from now on.
     *
     * @param storedRow the row
     * @return this
     */
    public RowScorer resetToRow(int storedRow) {
        MemorySegment.copy(rows.segment(storedRow), JAVA_FLOAT_UNALIGNED, rows.offset(storedRow), target, 0, dimension);
        return this;
    }

    /** @return the vector scored against, scaled (read-only by convention; valid until the next reset) */
    public float[] target() {
        return target;
    }

    @Override
    public float similarityTo(int node) {
        MemorySegment.copy(rows.segment(node), JAVA_FLOAT_UNALIGNED, rows.offset(node), row, 0, dimension);
        return euclidean
                ? 1 / (1 + VectorMath.squaredDistance(row, target, dimension))
                : (1 + VectorMath.dot(row, target, dimension)) / 2;
    }

    @Override
    public void score(int[] nodes, int count, float[] scores) {
        for (int i = 0; i < count; i++) {
            scores[i] = similarityTo(nodes[i]);
        }
    }
}
