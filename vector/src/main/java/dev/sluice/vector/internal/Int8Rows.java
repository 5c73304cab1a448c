package dev.sluice.vector.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import dev.sluice.core.memory.VectorMath;
import dev.sluice.vector.Similarity;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The store's rows quantised to one signed byte per component, held off-heap: a quarter of the memory of the float
 * vectors, so a graph search that scores its visited nodes from these codes moves a quarter of the bytes.
 *
 * <p>Each dimension has its own range: the code of {@code x} is {@code round((x - minimum) / step) - 128}, with
 * {@code step = (maximum - minimum) / 255} over the encoded rows, so the dequantised value is
 * {@code minimum + (code + 128) * step}, within half a step of {@code x}. A query's approximate dot product with a
 * row is then one SIMD pass over the row's bytes against the query scaled by the steps, plus a per-query constant.
 * The scores only rank the nodes while walking the graph; the best candidates are reranked exactly.
 *
 * <p>Encoding reads every row twice and allocates {@code rows * dimension} bytes. Rows added to the store after
 * encoding are scored exactly. Reads are thread-safe; {@link #close()} frees the codes, after which no scorer may be
 * used.
 */
public final class Int8Rows implements AutoCloseable {
    private final Arena arena;
    private final MemorySegment codes;
    private final int rows;
    private final int dimension;
    private final boolean euclidean;
    private final float[] minimum;
    private final float[] step;
    private final float[] squaredNorms;

    private Int8Rows(RowSource source, int rows) {
        this.rows = rows;
        this.dimension = source.dimension();
        this.euclidean = source.similarity() == Similarity.EUCLIDEAN;
        this.minimum = new float[dimension];
        this.step = new float[dimension];
        this.squaredNorms = euclidean ? new float[rows] : null;
        float[] maximum = new float[dimension];
        java.util.Arrays.fill(minimum, Float.POSITIVE_INFINITY);
        java.util.Arrays.fill(maximum, Float.NEGATIVE_INFINITY);
        float[] vector = new float[dimension];
        for (int row = 0; row < rows; row++) {
            read(source, row, vector);
            for (int i = 0; i < dimension; i++) {
                minimum[i] = Math.min(minimum[i], vector[i]);
                maximum[i] = Math.max(maximum[i], vector[i]);
            }
        }
        for (int i = 0; i < dimension; i++) {
            step[i] = (maximum[i] - minimum[i]) / 255;
        }
        this.arena = Arena.ofShared();
        this.codes = arena.allocate((long) rows * dimension, 64);
        for (int row = 0; row < rows; row++) {
            read(source, row, vector);
            long offset = (long) row * dimension;
            double squaredNorm = 0;
            for (int i = 0; i < dimension; i++) {
                int level = step[i] == 0 ? 0 : Math.round((vector[i] - minimum[i]) / step[i]);
                codes.set(JAVA_BYTE, offset + i, (byte) (Math.clamp(level, 0, 255) - 128));
                squaredNorm += (double) vector[i] * vector[i];
            }
            if (euclidean) {
                squaredNorms[row] = (float) squaredNorm;
            }
        }
    }

    /**
     * Encodes the first rows of a store.
     *
     * @param source the store's rows
     * @param rows how many rows to encode, from row 0
     * @return the codes; close them to free their memory
     */
    public static Int8Rows encode(RowSource source, int rows) {
        return new Int8Rows(source, rows);
    }

    private static void read(RowSource source, int row, float[] into) {
        MemorySegment.copy(source.segment(row), JAVA_FLOAT_UNALIGNED, source.offset(row), into, 0, into.length);
    }

    /** @return the number of encoded rows */
    public int rows() {
        return rows;
    }

    /**
     * @param exact scores rows added after encoding, and holds the query these scores are against
     * @return a scorer for one thread; {@linkplain Scorer#reset reset} it for each query
     */
    public Scorer scorer(RowScorer exact) {
        return new Scorer(exact);
    }

    /** Frees the codes. */
    @Override
    public void close() {
        arena.close();
    }

    /**
     * Approximate scores of one query against the codes, four rows at a time. Not thread-safe; allocates nothing
     * per score.
     */
    public final class Scorer implements BeamSearch.NodeScores {
        private final RowScorer exact;
        private final float[] scaledQuery = new float[dimension];
        private final float[] group = new float[4];
        private float offset;
        private float querySquaredNorm;

        private Scorer(RowScorer exact) {
            this.exact = exact;
        }

        /**
         * Takes the query that the exact scorer was last reset to.
         *
         * @return this
         */
        public Scorer reset() {
            float[] query = exact.target();
            double constant = 0;
            double squaredNorm = 0;
            for (int i = 0; i < dimension; i++) {
                scaledQuery[i] = query[i] * step[i];
                constant += (double) query[i] * (minimum[i] + 128 * step[i]);
                squaredNorm += (double) query[i] * query[i];
            }
            offset = (float) constant;
            querySquaredNorm = (float) squaredNorm;
            return this;
        }

        @Override
        public void score(int[] nodes, int count, float[] scores) {
            for (int i = 0; i < count; i += 4) {
                // a short last group repeats its last node: the kernel's four loads are in flight together anyway
                int last = count - 1;
                int node0 = nodes[i];
                int node1 = nodes[Math.min(i + 1, last)];
                int node2 = nodes[Math.min(i + 2, last)];
                int node3 = nodes[Math.min(i + 3, last)];
                if (Math.max(Math.max(node0, node1), Math.max(node2, node3)) < rows) {
                    VectorMath.dotBytes4(
                            codes,
                            (long) node0 * dimension,
                            (long) node1 * dimension,
                            (long) node2 * dimension,
                            (long) node3 * dimension,
                            scaledQuery,
                            dimension,
                            group,
                            0);
                    for (int j = 0; j < 4 && i + j < count; j++) {
                        scores[i + j] = toScore(nodes[i + j], group[j]);
                    }
                } else {
                    for (int j = i; j < Math.min(i + 4, count); j++) {
                        scores[j] = nodes[j] >= rows
                                ? exact.similarityTo(nodes[j])
                                : toScore(
                                        nodes[j],
                                        VectorMath.dotBytes(
                                                codes, (long) nodes[j] * dimension, scaledQuery, dimension));
                    }
                }
            }
        }

        private float toScore(int node, float codeDot) {
            float dot = offset + codeDot;
            return euclidean ? 1 / (1 + Math.max(0, querySquaredNorm - 2 * dot + squaredNorms[node])) : (1 + dot) / 2;
        }
    }
}
