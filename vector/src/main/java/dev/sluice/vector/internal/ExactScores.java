package dev.sluice.vector.internal;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.graph.similarity.SearchScoreProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import java.lang.foreign.MemorySegment;

/**
 * How jvector scores our vectors while building a graph: exact similarities computed by our SIMD kernels from the
 * store's segments (owned chunks or the mapped file), with no copy into jvector's own vector types. Each provider it
 * hands out has its own {@link RowScorer}, so the providers of different threads share no scratch space.
 *
 * <p>jvector's own kernels only accept its own {@code VectorFloat} classes, whose constructors copy; plugging in at
 * the score-function level is what lets it walk vectors it does not own. Thread-safe.
 */
public final class ExactScores implements BuildScoreProvider {
    private final RowSource rows;

    /** @param rows the vectors */
    public ExactScores(RowSource rows) {
        this.rows = rows;
    }

    @Override
    public boolean isExact() {
        return true;
    }

    @Override
    public VectorFloat<?> approximateCentroid() {
        int count = rows.rows();
        int dimension = rows.dimension();
        double[] sums = new double[dimension];
        for (int row = 0; row < count; row++) {
            MemorySegment segment = rows.segment(row);
            long offset = rows.offset(row);
            for (int i = 0; i < dimension; i++) {
                sums[i] += segment.get(JAVA_FLOAT_UNALIGNED, offset + 4L * i);
            }
        }
        float[] centroid = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            centroid[i] = (float) (sums[i] / Math.max(1, count));
        }
        return vts.createFloatVector(centroid);
    }

    @Override
    public SearchScoreProvider searchProviderFor(VectorFloat<?> vector) {
        float[] values = toArray(vector);
        double squaredNorm = 0;
        for (float value : values) {
            squaredNorm += (double) value * value;
        }
        float scale = rows.similarity().queryScale(squaredNorm);
        // a vector jvector makes up (the centroid of unit vectors) may be zero: it then scores every row alike
        return new DefaultSearchScoreProvider(new RowScorer(rows).reset(values, Float.isNaN(scale) ? 1 : scale));
    }

    @Override
    public SearchScoreProvider searchProviderFor(int row) {
        return new DefaultSearchScoreProvider(new RowScorer(rows).resetToRow(row));
    }

    @Override
    public SearchScoreProvider diversityProviderFor(int row) {
        return searchProviderFor(row);
    }

    /** @return a copy of a jvector vector's floats (used for the few query-like vectors jvector hands us) */
    public static float[] toArray(VectorFloat<?> vector) {
        float[] values = new float[vector.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = vector.get(i);
        }
        return values;
    }
}
