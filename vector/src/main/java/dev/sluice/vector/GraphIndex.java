package dev.sluice.vector;

import dev.sluice.core.BadInputException;
import dev.sluice.core.CorruptDataException;
import dev.sluice.core.hash.ContentHash;
import dev.sluice.vector.internal.AcceptedRows;
import dev.sluice.vector.internal.GraphBuilder;
import dev.sluice.vector.internal.GraphFiles;
import dev.sluice.vector.internal.GraphHash;
import dev.sluice.vector.internal.GraphSearcher;
import dev.sluice.vector.internal.RowSource;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.quantization.PQVectors;
import io.github.jbellis.jvector.util.Bits;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Approximate top-k search with a jvector 4 graph (Vamana/DiskANN with optional HNSW-style layers) over a
 * {@link VectorStore}.
 *
 * <p><b>Design.</b> jvector builds and stores the graph; it never owns or copies our vectors: construction scores
 * nodes exactly with our SIMD kernels, reading the store's off-heap chunks or mapped file in place. Graph node ids
 * are store row numbers, so hits need no mapping. Deleted rows stay in the graph as routing nodes and are excluded
 * from results.
 *
 * <p><b>Search.</b> The walk over the graph is ours: HNSW's beam search, but the unvisited neighbours of each
 * expanded node are scored as one batch, four rows per SIMD kernel call, so that their memory loads overlap; a
 * search spends most of its time waiting for scattered rows, and this is where it is won. What the walk scores is,
 * by default, {@linkplain GraphConfig#int8Navigation() 8-bit codes} of the vectors held off-heap (a quarter of the
 * bytes per visited node), or with {@linkplain GraphConfig#pqSubspaces() product quantisation} compressed vectors on
 * the heap (so the full vectors may live in a mapped file larger than memory), or else the float vectors. With
 * codes, the best {@code k * overquery} candidates are then reranked exactly from the store. Filters are evaluated
 * once per search; when they keep few rows the search is exact over those rows (correct at any selectivity), else
 * the walk passes through rejected rows without returning them.
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
    private final VectorStore store;
    private final GraphConfig config;
    /** Inserts rows; {@code null} for an index opened from files. */
    private final GraphBuilder builder;
    /** The graph read from files; {@code null} for a built index. */
    private final GraphFiles.Opened files;

    private final ImmutableGraphIndex graph;
    private final PQVectors pqVectors;
    private final GraphSearcher searcher;
    private final AtomicInteger graphNodes;
    /** Counts the changes to the graph (inserts, the pruning of a save), so that its hash is computed once per change. */
    private final AtomicLong graphChanges = new AtomicLong();

    private volatile GraphVersion graphVersion;
    private volatile boolean sealed;
    private volatile boolean closed;

    private GraphIndex(
            VectorStore store, GraphConfig config, GraphBuilder builder, GraphFiles.Opened files, int graphNodes) {
        this.store = store;
        this.config = config;
        this.builder = builder;
        this.files = files;
        this.graph = builder != null ? builder.graph() : files.graph();
        this.pqVectors = builder != null ? builder.pqVectors() : files.pqVectors();
        this.searcher =
                new GraphSearcher(store.rows(), graph, builder == null, pqVectors, config.int8Navigation(), graphNodes);
        this.sealed = builder == null;
        this.graphNodes = new AtomicInteger(graphNodes);
    }

    /** Receives build progress; called from the building threads, so it must be thread-safe. */
    @FunctionalInterface
    public interface BuildProgress {
        /** Ignores progress. */
        BuildProgress NONE = (inserted, total) -> {};

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
            throw new BadInputException(
                    "pqSubspaces " + config.pqSubspaces() + " exceeds the dimension " + store.dimension());
        }
        GraphBuilder builder =
                GraphBuilder.build(store.rows(), rowCount, config, inserted -> progress.update(inserted, rowCount));
        try {
            return new GraphIndex(store, config, builder, null, rowCount);
        } catch (RuntimeException e) {
            closeAfterFailure(builder, e);
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
        builder.insert(row);
        graphNodes.accumulateAndGet(row + 1, Math::max);
        graphChanges.incrementAndGet();
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
                return FlatIndex.searchAccepted(
                        store.rows(), MemorySegment.ofArray(query), queryScale, k, acceptedRows);
            }
            accepted = acceptedRows;
        }
        return searcher.search(query, queryScale, k, candidates, accepted);
    }

    /**
     * The version for cache keys: derived from the store's content version, the build settings, the number of rows
     * in the graph and the {@linkplain GraphHash content hash of the graph} itself (its entry node and every node's
     * neighbours per level). jvector's parallel build is not deterministic: two builds over the same vectors give
     * different graphs, which can answer differently, and so they have different versions; the same graph, built and
     * saved or opened from its files, has one version.
     *
     * <p>Hashing the graph reads every neighbour list once per change to the graph (an add, a save), not per call.
     */
    @Override
    public ContentHash version() {
        long changes = graphChanges.get();
        GraphVersion cached = graphVersion;
        if (cached == null || cached.changes() != changes) {
            cached = new GraphVersion(changes, GraphHash.of(graph));
            graphVersion = cached;
        }
        ByteBuffer bytes = ByteBuffer.allocate(32 + 44 + 32).order(ByteOrder.LITTLE_ENDIAN);
        bytes.put(store.version().toBytes())
                .putInt(config.maxDegree())
                .putInt(config.beamWidth())
                .putFloat(config.neighborOverflow())
                .putFloat(config.alpha())
                .putInt(config.hierarchy() ? 1 : 0)
                .putFloat(config.overquery())
                .putInt(config.pqSubspaces())
                .putInt(config.int8Navigation() ? 1 : 0)
                .putInt(graphNodes.get())
                .put(cached.hash().toBytes());
        return ContentHash.of(bytes.array(), 0, bytes.position());
    }

    /** The graph's hash after a number of changes. */
    private record GraphVersion(long changes, ContentHash hash) {}

    /**
     * Saves into a directory (created if needed): the store file ({@code vectors.slv}), jvector's on-disk graph
     * ({@code graph.jvector}: the neighbour lists, then the copy of the vectors that jvector's format requires, kept
     * apart so that the neighbour lists a search reads lie close together; searches of an opened index still score
     * from the store file, the single source of truth), the PQ codes ({@code pq.jvector}) when used, and last a
     * checksummed meta file ({@code index.meta}). Each file is replaced atomically. Stops concurrent adds to the
     * store while the store file is written.
     *
     * @param directory the directory
     * @throws BadInputException when a file cannot be written
     */
    public synchronized void save(Path directory) {
        ensureOpen();
        if (!sealed) {
            sealed = true;
            builder.finish(); // prunes to maxDegree, as jvector's on-disk format needs; the graph is final after it
            graphChanges.incrementAndGet();
        }
        GraphFiles.write(directory, store, store.rows(), graph, graphNodes.get(), pqVectors, config);
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
        GraphFiles.Opened files = GraphFiles.open(directory);
        try {
            return new GraphIndex(files.store(), files.config(), null, files, files.graphNodes());
        } catch (RuntimeException e) {
            closeAfterFailure(files, e);
            files.store().close();
            throw e;
        }
    }

    private static void closeAfterFailure(Closeable graph, RuntimeException failure) {
        try {
            graph.close();
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
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
            try {
                searcher.close();
            } finally {
                if (builder != null) {
                    builder.close();
                } else {
                    files.close();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("closing the graph index over '" + store.name() + "' failed", e);
        } finally {
            store.close();
        }
    }

    @Override
    public String toString() {
        return "GraphIndex[" + store + ", " + graphNodes.get() + " nodes, " + config + (closed ? ", closed" : "") + "]";
    }
}
