package dev.sluice.vector.internal;

import dev.sluice.vector.GraphConfig;
import dev.sluice.vector.Similarity;
import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.quantization.KMeansPlusPlusClusterer;
import io.github.jbellis.jvector.quantization.PQVectors;
import io.github.jbellis.jvector.quantization.ProductQuantization;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Builds a jvector graph over a store's rows, as jvector's {@code GraphIndexBuilder} does, which it drives: graph
 * node ids are row numbers, and every score is exact, computed by {@link ExactScores} from the store's memory in
 * place (jvector never copies the vectors). With product quantisation it first trains the quantiser on the rows
 * and encodes each of them.
 *
 * <p>Owns a pool of {@link GraphConfig#buildThreads()} threads for the parallel inserts and jvector's SIMD work.
 * {@link #insert} is thread-safe and may run while other threads search the {@linkplain #graph() graph};
 * {@link #finish()} prunes the graph for saving, after which nothing more may be inserted. {@link #close()} frees the
 * graph and the pool.
 */
public final class GraphBuilder implements Closeable {
    private final ExactScores scores;
    private final ForkJoinPool pool;
    private final GraphIndexBuilder builder;
    private final PQVectors pqVectors;

    private GraphBuilder(ExactScores scores, ForkJoinPool pool, GraphIndexBuilder builder, PQVectors pqVectors) {
        this.scores = scores;
        this.pool = pool;
        this.builder = builder;
        this.pqVectors = pqVectors;
    }

    /**
     * Builds a graph over the first rows of a store, inserting them in parallel.
     *
     * @param rows the store's rows
     * @param rowCount how many rows to insert, from row 0 (deleted ones included, as routing nodes)
     * @param config the tunables
     * @param progress told how many rows are inserted, every 1024 rows and at the end; called from the building
     *     threads
     * @return the builder, holding the graph
     */
    public static GraphBuilder build(RowSource rows, int rowCount, GraphConfig config, IntConsumer progress) {
        ExactScores scores = new ExactScores(rows);
        ForkJoinPool pool = new ForkJoinPool(config.buildThreads());
        try {
            PQVectors pqVectors = config.pqSubspaces() > 0 ? quantize(rows, rowCount, config, pool) : null;
            List<Integer> degreesPerLayer = config.hierarchy()
                    ? List.of(config.maxDegree(), Math.max(2, config.maxDegree() / 2))
                    : List.of(config.maxDegree());
            GraphIndexBuilder builder = GraphIndexBuilder.builder(scores, rows.dimension(), degreesPerLayer)
                    .withBeamWidth(config.beamWidth())
                    .withNeighborOverflow(config.neighborOverflow())
                    .withAlpha(config.alpha())
                    .withSimdExecutor(pool)
                    .withParallelExecutor(pool)
                    .build();
            AtomicInteger inserted = new AtomicInteger();
            pool.submit(() -> IntStream.range(0, rowCount).parallel().forEach(row -> {
                        builder.addGraphNode(row, scores.searchProviderFor(row));
                        int done = inserted.incrementAndGet();
                        if ((done & 1023) == 0) {
                            progress.accept(done);
                        }
                    }))
                    .join();
            progress.accept(rowCount);
            return new GraphBuilder(scores, pool, builder, pqVectors);
        } catch (RuntimeException e) {
            pool.shutdown();
            throw e;
        }
    }

    /** Trains a product quantiser on the rows and encodes every one of them. */
    private static PQVectors quantize(RowSource rows, int rowCount, GraphConfig config, ForkJoinPool pool) {
        CopyingVectorValues copies = new CopyingVectorValues(rows, rowCount);
        // Plain k-means: anisotropic training (better dot-product ranking) is many times slower, and the exact
        // rerank restores the order of the candidates anyway.
        ProductQuantization quantizer = ProductQuantization.compute(
                copies,
                config.pqSubspaces(),
                256,
                rows.similarity() == Similarity.EUCLIDEAN,
                KMeansPlusPlusClusterer.UNWEIGHTED,
                pool,
                pool);
        return quantizer.encodeAll(copies, pool);
    }

    /** @return the graph, growing as rows are inserted */
    public ImmutableGraphIndex graph() {
        return builder.getGraph();
    }

    /** @return the product-quantised rows of the build, or {@code null} without PQ */
    public PQVectors pqVectors() {
        return pqVectors;
    }

    /**
     * Inserts a row added to the store after the build; safe while other threads insert or search.
     *
     * @param row the row
     */
    public void insert(int row) {
        builder.addGraphNode(row, scores.searchProviderFor(row));
    }

    /** Prunes every node to its maximum degree, as jvector's on-disk format needs; the graph is final after it. */
    public void finish() {
        builder.cleanup();
    }

    /**
     * Frees the graph and the builder's state and shuts the pool down.
     *
     * @throws IOException when jvector fails to close them
     */
    @Override
    public void close() throws IOException {
        try {
            builder.getGraph().close();
            builder.close();
        } finally {
            pool.shutdown();
        }
    }
}
