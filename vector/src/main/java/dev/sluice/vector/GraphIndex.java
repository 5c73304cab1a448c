package dev.sluice.vector;

import dev.sluice.core.BadInputException;
import dev.sluice.core.CorruptDataException;
import dev.sluice.core.hash.ContentHash;
import dev.sluice.ffi.MappedFile;
import dev.sluice.vector.internal.AcceptedRows;
import dev.sluice.vector.internal.AtomicFiles;
import dev.sluice.vector.internal.BeamSearch;
import dev.sluice.vector.internal.CopyingVectorValues;
import dev.sluice.vector.internal.ExactScores;
import dev.sluice.vector.internal.GraphMetaFile;
import dev.sluice.vector.internal.Int8Rows;
import dev.sluice.vector.internal.RowScorer;
import dev.sluice.vector.internal.RowSource;
import dev.sluice.vector.internal.StoreFileLayout;
import dev.sluice.vector.internal.TopK;
import io.github.jbellis.jvector.disk.ReaderSupplier;
import io.github.jbellis.jvector.disk.ReaderSupplierFactory;
import io.github.jbellis.jvector.disk.SimpleWriter;
import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndex;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndexWriter;
import io.github.jbellis.jvector.graph.disk.feature.Feature;
import io.github.jbellis.jvector.graph.disk.feature.FeatureId;
import io.github.jbellis.jvector.graph.disk.feature.InlineVectors;
import io.github.jbellis.jvector.graph.disk.feature.SeparatedVectors;
import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import io.github.jbellis.jvector.quantization.KMeansPlusPlusClusterer;
import io.github.jbellis.jvector.quantization.PQVectors;
import io.github.jbellis.jvector.quantization.ProductQuantization;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * Approximate top-k search with a jvector 4 graph (Vamana/DiskANN with optional HNSW-style layers) over a
 * {@link VectorStore}.
 *
 * <p><b>Design.</b> jvector builds and stores the graph; it never owns or copies our vectors: construction scores
 * nodes through {@link ExactScores}, which reads the store's off-heap chunks or mapped file in place with our SIMD
 * kernels. Graph node ids are store row numbers, so hits need no mapping. Deleted rows stay in the graph as routing
 * nodes and are excluded from results.
 *
 * <p><b>Search.</b> The walk over the graph is ours ({@link BeamSearch}): HNSW's beam search, but the unvisited
 * neighbours of each expanded node are scored as one batch, four rows per SIMD kernel call, so that their memory
 * loads overlap; a search spends most of its time waiting for scattered rows, and this is where it is won. What
 * the walk scores is, by default, {@linkplain GraphConfig#int8Navigation() 8-bit codes} of the vectors held
 * off-heap (a quarter of the bytes per visited node), or with {@linkplain GraphConfig#pqSubspaces() product
 * quantisation} compressed vectors on the heap (so the full vectors may live in a mapped file larger than memory),
 * or else the float vectors. With codes, the best {@code k * overquery} candidates are then reranked exactly from
 * the store. Filters are evaluated once per search; when they keep few rows the search is exact over those rows
 * (correct at any selectivity), else the walk passes through rejected rows without returning them.
 *
 * <p><b>Lifecycle.</b> {@link #build} inserts the store's rows in parallel; {@link #add} inserts more while searches
 * run. {@link #save} finalises the graph (jvector prunes every node to its maximum degree) and writes the store file,
 * jvector's on-disk graph and a checksummed meta file into a directory; {@link #open} maps them back. A saved or
 * opened index is read-only for the graph: adding rows is refused (build a new index), deleting rows through
 * {@link VectorStore#delete} works. {@link #close()} closes the store too.
 *
 * <p><b>Cost and threads.</b> Searches are thread-safe and allocate only their result (and, with PQ, its query
 * tables); each thread reuses its own search scratch space. Building or opening with int8 navigation encodes the
 * vectors once ({@code rows * dimension} bytes off-heap). Adds are thread-safe and run in parallel with each other
 * and with searches; rows added after the build are scored exactly.
 */
public final class GraphIndex implements VectorIndex, AutoCloseable {
    private static final String STORE_FILE = "vectors.slv";
    private static final String GRAPH_FILE = "graph.jvector";
    private static final String PQ_FILE = "pq.jvector";
    private static final String META_FILE = "index.meta";

    private final VectorStore store;
    private final GraphConfig config;
    private final VectorSimilarityFunction jvectorSimilarity;
    private final ExactScores exactScores;
    private final GraphIndexBuilder builder;
    private final ImmutableGraphIndex graph;
    private final PQVectors pqVectors;
    private final Int8Rows int8Rows;
    private final ReaderSupplier graphReaders;
    private final ForkJoinPool pool;
    private final AtomicInteger graphNodes;
    private final ThreadLocal<Searcher> searchers;
    private final ConcurrentLinkedQueue<ImmutableGraphIndex.View> searcherViews = new ConcurrentLinkedQueue<>();
    private volatile boolean sealed;
    private volatile boolean closed;

    private GraphIndex(VectorStore store, GraphConfig config, GraphIndexBuilder builder, ImmutableGraphIndex graph,
            PQVectors pqVectors, ReaderSupplier graphReaders, ForkJoinPool pool, int graphNodes) {
        this.store = store;
        this.config = config;
        this.jvectorSimilarity = switch (store.similarity()) {
            case COSINE, DOT_PRODUCT -> VectorSimilarityFunction.DOT_PRODUCT; // cosine rows are unit vectors
            case EUCLIDEAN -> VectorSimilarityFunction.EUCLIDEAN;
        };
        this.exactScores = new ExactScores(store.rows());
        this.builder = builder;
        this.graph = graph;
        this.pqVectors = pqVectors;
        this.int8Rows = pqVectors == null && config.int8Navigation() ? Int8Rows.encode(store.rows(), graphNodes)
                : null;
        this.graphReaders = graphReaders;
        this.pool = pool;
        this.sealed = builder == null;
        this.graphNodes = new AtomicInteger(graphNodes);
        this.searchers = ThreadLocal.withInitial(() -> {
            ImmutableGraphIndex.View view = null;
            if (builder == null) { // an opened graph never changes: one view (and file reader) per thread
                view = graph.getView();
                searcherViews.add(view);
            }
            RowScorer exact = new RowScorer(store.rows());
            return new Searcher(new BeamSearch(), view, exact, int8Rows == null ? null : int8Rows.scorer(exact));
        });
    }

    /** One thread's search state, reused by each of its searches. */
    private record Searcher(BeamSearch beamSearch, ImmutableGraphIndex.View view, RowScorer exact,
            Int8Rows.Scorer int8) {
    }

    /** Receives build progress; called from the building threads, so it must be thread-safe. */
    @FunctionalInterface
    public interface BuildProgress {
        /** Ignores progress. */
        BuildProgress NONE = (inserted, total) -> { };

        /**
         * @param inserted rows inserted so far
         * @param total rows to insert
         */
        void update(int inserted, int total);
    }

    /**
     * Builds a graph over every row of the store (deleted ones included, as routing nodes), inserting rows in
     * parallel on {@link GraphConfig#buildThreads()} threads. Rows added to the store later must be added through
     * {@link #add}. With PQ, first trains the quantiser on the store and encodes every row.
     *
     * @param store the store; the index borrows it and closes it on {@link #close()}
     * @param config the tunables
     * @param progress told how many rows are inserted, every 1024 rows and at the end
     * @return the index
     * @throws BadInputException when the store is empty or PQ subspaces exceed the dimension
     */
    public static GraphIndex build(VectorStore store, GraphConfig config, BuildProgress progress) {
        store.ensureOpen();
        int rowCount = store.size();
        if (rowCount == 0) {
            throw new BadInputException("cannot build a graph index over the empty store '" + store.name() + "'");
        }
        if (config.pqSubspaces() > store.dimension()) {
            throw new BadInputException("pqSubspaces " + config.pqSubspaces() + " exceeds the dimension "
                    + store.dimension());
        }
        RowSource rows = store.rows();
        ExactScores scores = new ExactScores(rows);
        ForkJoinPool pool = new ForkJoinPool(config.buildThreads());
        try {
            PQVectors pqVectors = null;
            if (config.pqSubspaces() > 0) {
                CopyingVectorValues copies = new CopyingVectorValues(rows, rowCount);
                // Plain k-means: anisotropic training (better dot-product ranking) is many times slower, and the
                // exact rerank restores the order of the candidates anyway.
                ProductQuantization quantizer = ProductQuantization.compute(copies, config.pqSubspaces(), 256,
                        store.similarity() == Similarity.EUCLIDEAN, KMeansPlusPlusClusterer.UNWEIGHTED, pool, pool);
                pqVectors = quantizer.encodeAll(copies, pool);
            }
            List<Integer> degreesPerLayer = config.hierarchy()
                    ? List.of(config.maxDegree(), Math.max(2, config.maxDegree() / 2))
                    : List.of(config.maxDegree());
            GraphIndexBuilder builder = GraphIndexBuilder.builder(scores, store.dimension(), degreesPerLayer)
                    .withBeamWidth(config.beamWidth()).withNeighborOverflow(config.neighborOverflow())
                    .withAlpha(config.alpha()).withSimdExecutor(pool).withParallelExecutor(pool).build();
            AtomicInteger inserted = new AtomicInteger();
            pool.submit(() -> IntStream.range(0, rowCount).parallel().forEach(row -> {
                builder.addGraphNode(row, scores.searchProviderFor(row));
                int done = inserted.incrementAndGet();
                if ((done & 1023) == 0) {
                    progress.update(done, rowCount);
                }
            })).join();
            progress.update(rowCount, rowCount);
            return new GraphIndex(store, config, builder, builder.getGraph(), pqVectors, null, pool, rowCount);
        } catch (RuntimeException e) {
            pool.shutdown();
            throw e;
        }
    }

    /**
     * Builds without progress reports; see {@link #build(VectorStore, GraphConfig, BuildProgress)}.
     *
     * @param store the store
     * @param config the tunables
     * @return the index
     */
    public static GraphIndex build(VectorStore store, GraphConfig config) {
        return build(store, config, BuildProgress.NONE);
    }

    /**
     * Adds a row to the store and inserts it into the graph; safe while other threads search or add.
     *
     * @param key a key not in the store
     * @param vector the vector
     * @param rowMetadata metadata, or {@code null}
     * @return the new row
     * @throws IllegalStateException when the index was opened from files (read-only)
     */
    public int add(String key, float[] vector, Metadata rowMetadata) {
        requireWritable();
        return insert(store.add(key, vector, rowMetadata));
    }

    /**
     * Adds a row under a long key; see {@link #add(String, float[], Metadata)}.
     *
     * @param key a key not in the store
     * @param vector the vector
     * @param rowMetadata metadata, or {@code null}
     * @return the new row
     */
    public int add(long key, float[] vector, Metadata rowMetadata) {
        requireWritable();
        return insert(store.add(key, vector, rowMetadata));
    }

    private int insert(int row) {
        builder.addGraphNode(row, exactScores.searchProviderFor(row));
        graphNodes.accumulateAndGet(row + 1, Math::max);
        return row;
    }

    private void requireWritable() {
        ensureOpen();
        if (sealed) {
            throw new IllegalStateException("graph index over '" + store.name() + "' is read-only: "
                    + (builder == null ? "it was opened from files" : "it was saved, which finalises the graph")
                    + "; build a new index to add rows");
        }
    }

    @Override
    public VectorStore store() {
        return store;
    }

    /** @return the tunables this index was built with */
    public GraphConfig config() {
        return config;
    }

    /** @return the number of rows in the graph */
    public int graphSize() {
        return graphNodes.get();
    }

    @Override
    public Hits search(float[] query, int k, SearchFilter filter) {
        return search(query, k, filter, config.overquery());
    }

    /**
     * Searches with a per-call overquery.
     *
     * @param query the query
     * @param k how many hits
     * @param filter which rows may be returned
     * @param overquery candidates collected per hit wanted, at least 1 (see {@link GraphConfig#overquery()})
     * @return the best rows found, best first
     */
    public Hits search(float[] query, int k, SearchFilter filter, float overquery) {
        float queryScale = store.checkQuery(query, k);
        ensureOpen();
        if (!(overquery >= 1)) {
            throw new BadInputException("overquery must be at least 1, got " + overquery);
        }
        int candidates = (int) Math.min(Integer.MAX_VALUE, Math.max(k, (long) Math.ceil(k * overquery)));
        Bits accepted;
        if (filter == SearchFilter.ALL) {
            RowSource rows = store.rows();
            accepted = store.liveCount() == store.size() ? Bits.ALL : row -> !rows.isDeleted(row);
        } else {
            AcceptedRows acceptedRows = FlatIndex.acceptedRows(store, filter, store.size());
            if (acceptedRows.count() <= Math.max(20L * candidates, graphNodes.get() / 50)) {
                return FlatIndex.searchAccepted(store.rows(), MemorySegment.ofArray(query), queryScale, k, acceptedRows);
            }
            accepted = acceptedRows;
        }
        Searcher searcher = searchers.get();
        RowScorer exact = searcher.exact().reset(query, queryScale);
        BeamSearch.NodeScores navigation;
        if (pqVectors != null) {
            navigation = pqScores(exact);
        } else if (searcher.int8() != null) {
            navigation = searcher.int8().reset();
        } else {
            navigation = exact;
        }
        // a graph still being built is read through a fresh view, which sees the nodes inserted since the last search
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
                jvectorSimilarity);
        int encoded = pqVectors.count();
        return (nodes, count, scores) -> {
            for (int i = 0; i < count; i++) {
                scores[i] = nodes[i] < encoded ? pq.similarityTo(nodes[i]) : exact.similarityTo(nodes[i]);
            }
        };
    }

    /**
     * The version for cache keys: derived from the store's content version, the build settings and the number of
     * rows in the graph. Two builds with equal inputs share a version; parallel construction may still order a
     * few neighbours differently between them, so approximate results can differ in rare ties.
     */
    @Override
    public ContentHash version() {
        ByteBuffer bytes = ByteBuffer.allocate(32 + 44).order(ByteOrder.LITTLE_ENDIAN);
        bytes.put(store.version().toBytes()).putInt(config.maxDegree()).putInt(config.beamWidth())
                .putFloat(config.neighborOverflow()).putFloat(config.alpha()).putInt(config.hierarchy() ? 1 : 0)
                .putFloat(config.overquery()).putInt(config.pqSubspaces()).putInt(config.int8Navigation() ? 1 : 0)
                .putInt(graphNodes.get());
        return ContentHash.of(bytes.array(), 0, bytes.position());
    }

    /**
     * Saves into a directory (created if needed): the store file ({@value #STORE_FILE}), jvector's on-disk graph
     * ({@value #GRAPH_FILE}: the neighbour lists, then the copy of the vectors that jvector's format requires, kept
     * apart so that the neighbour lists a search reads lie close together; searches of an opened index still score
     * from the store file, the single source of truth), the PQ codes
     * ({@value #PQ_FILE}) when used, and last a checksummed meta file ({@value #META_FILE}). Each file is replaced
     * atomically. Stops concurrent adds to the store while the store file is written.
     *
     * @param directory the directory
     * @throws BadInputException when a file cannot be written
     */
    public synchronized void save(Path directory) {
        ensureOpen();
        if (!sealed) {
            sealed = true;
            builder.cleanup(); // prunes to maxDegree, as jvector's on-disk format needs; the graph is final after it
        }
        int nodes = graphNodes.get();
        store.save(directory.resolve(STORE_FILE));
        ContentHash storeVersion = store.version();
        Path graphFile = directory.resolve(GRAPH_FILE);
        Map<Integer, Integer> identity = new HashMap<>();
        for (int row = 0; row < nodes; row++) {
            identity.put(row, row);
        }
        CopyingVectorValues copies = new CopyingVectorValues(store.rows(), nodes);
        AtomicFiles.writeByPath(graphFile, temporary -> {
            try (OnDiskGraphIndexWriter writer = new OnDiskGraphIndexWriter.Builder(graph, temporary)
                    .withMap(identity).with(new SeparatedVectors(store.dimension(), 0L)).build()) {
                writer.write(Feature.singleStateFactory(FeatureId.SEPARATED_VECTORS,
                        row -> new InlineVectors.State(copies.getVector(row))));
            }
        });
        int pqCrc = 0;
        if (pqVectors != null) {
            Path pqFile = directory.resolve(PQ_FILE);
            AtomicFiles.writeByPath(pqFile, temporary -> {
                try (SimpleWriter writer = new SimpleWriter(temporary)) {
                    pqVectors.write(writer);
                }
            });
            pqCrc = fileCrc(pqFile);
        }
        new GraphMetaFile(config.maxDegree(), config.beamWidth(), config.neighborOverflow(), config.alpha(),
                config.hierarchy(), config.overquery(), config.pqSubspaces(), nodes, storeVersion,
                fileCrc(graphFile), pqCrc, config.int8Navigation()).write(directory.resolve(META_FILE));
    }

    /**
     * Opens an index saved by {@link #save}: checks the meta file, the store file (CRC32C) and the graph and PQ
     * files (CRC32C against the meta file) before jvector reads them, then maps the store and the graph. The index
     * is read-only.
     *
     * @param directory the directory
     * @return the index; close it to unmap its files
     * @throws CorruptDataException when a file is corrupt, foreign, newer, or does not belong with the others
     * @throws BadInputException when a file is missing or unreadable
     */
    public static GraphIndex open(Path directory) {
        GraphMetaFile meta = GraphMetaFile.read(directory.resolve(META_FILE));
        VectorStore store = VectorStore.open(directory.resolve(STORE_FILE));
        try {
            if (!store.version().equals(meta.storeVersion())) {
                throw new CorruptDataException(directory.resolve(STORE_FILE) + " has version " + store.version()
                        + " but the graph was saved with store version " + meta.storeVersion());
            }
            if (meta.graphNodes() > store.size()) {
                throw new CorruptDataException(directory.resolve(META_FILE) + " records " + meta.graphNodes()
                        + " graph nodes but the store has only " + store.size() + " rows");
            }
            Path graphFile = directory.resolve(GRAPH_FILE);
            requireCrc(graphFile, meta.graphCrc());
            PQVectors pqVectors = null;
            if (meta.pqSubspaces() > 0) {
                Path pqFile = directory.resolve(PQ_FILE);
                requireCrc(pqFile, meta.pqCrc());
                try (ReaderSupplier pqReaders = ReaderSupplierFactory.open(pqFile);
                        var reader = pqReaders.get()) {
                    pqVectors = PQVectors.load(reader);
                }
            }
            ReaderSupplier graphReaders = ReaderSupplierFactory.open(graphFile);
            OnDiskGraphIndex graph = OnDiskGraphIndex.load(graphReaders);
            GraphConfig config = new GraphConfig(meta.maxDegree(), meta.beamWidth(), meta.neighborOverflow(),
                    meta.alpha(), meta.hierarchy(), meta.overquery(), meta.pqSubspaces(), meta.int8Navigation(), 1);
            return new GraphIndex(store, config, null, graph, pqVectors, graphReaders, null, meta.graphNodes());
        } catch (IOException e) {
            store.close();
            throw new BadInputException("cannot read the graph index in " + directory + ": " + e, e);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static void requireCrc(Path file, int expected) {
        int actual = fileCrc(file);
        if (actual != expected) {
            throw new CorruptDataException(file + " fails its checksum: the meta file records CRC32C 0x"
                    + Integer.toHexString(expected) + ", computed 0x" + Integer.toHexString(actual)
                    + " (the file is corrupt or from another save)");
        }
    }

    private static int fileCrc(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file + " is missing");
        }
        try (MappedFile mapped = MappedFile.openReadOnly(file)) {
            return StoreFileLayout.crc32c(mapped.segment());
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("graph index over '" + store.name() + "' is closed");
        }
    }

    /** Closes the searchers, the graph files and the store. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (ImmutableGraphIndex.View view : searcherViews) {
                view.close();
            }
            graph.close();
            if (int8Rows != null) {
                int8Rows.close();
            }
            if (builder != null) {
                builder.close();
            }
            if (graphReaders != null) {
                graphReaders.close();
            }
            if (pool != null) {
                pool.shutdown();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("closing the graph index over '" + store.name() + "' failed", e);
        } finally {
            store.close();
        }
    }

    @Override
    public String toString() {
        return "GraphIndex[" + store + ", " + graphNodes.get() + " nodes, " + config + (closed ? ", closed" : "")
                + "]";
    }
}
