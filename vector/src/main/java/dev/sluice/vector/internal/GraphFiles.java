package dev.sluice.vector.internal;

import dev.sluice.core.BadInputException;
import dev.sluice.core.CorruptDataException;
import dev.sluice.core.hash.ContentHash;
import dev.sluice.ffi.MappedFile;
import dev.sluice.vector.GraphConfig;
import dev.sluice.vector.VectorStore;
import io.github.jbellis.jvector.disk.ReaderSupplier;
import io.github.jbellis.jvector.disk.ReaderSupplierFactory;
import io.github.jbellis.jvector.disk.SimpleWriter;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndex;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndexWriter;
import io.github.jbellis.jvector.graph.disk.feature.Feature;
import io.github.jbellis.jvector.graph.disk.feature.FeatureId;
import io.github.jbellis.jvector.graph.disk.feature.InlineVectors;
import io.github.jbellis.jvector.graph.disk.feature.SeparatedVectors;
import io.github.jbellis.jvector.quantization.PQVectors;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The on-disk format of a saved graph index: a directory holding the store file ({@value #STORE_FILE}), jvector's
 * on-disk graph ({@value #GRAPH_FILE}), the PQ codes ({@value #PQ_FILE}) when the graph has them, and a checksummed
 * {@link GraphMetaFile} ({@value #META_FILE}) that ties them together.
 *
 * <p>{@link #write} replaces each file atomically ({@link AtomicFiles}), the meta file last. {@link #open} checks
 * every file before jvector reads it: the meta file, the store file (its own CRC32C, and its version against the
 * meta file's), and the graph and PQ files (their CRC32C against the meta file's).
 */
public final class GraphFiles {
    /** The store file's name. */
    public static final String STORE_FILE = "vectors.slv";
    /** The graph file's name. */
    public static final String GRAPH_FILE = "graph.jvector";
    /** The PQ file's name. */
    public static final String PQ_FILE = "pq.jvector";
    /** The meta file's name. */
    public static final String META_FILE = "index.meta";

    private GraphFiles() {}

    /**
     * A saved index read back: the store, the settings, and jvector's graph and PQ codes read from their files.
     * Closing it releases the graph and its file readers, not the store.
     *
     * @param store the store, opened from its file
     * @param config the settings the graph was built with ({@code buildThreads} 1)
     * @param graphNodes the number of rows in the graph
     * @param graph the graph, read through {@code graphReaders}
     * @param graphReaders the readers of the graph file
     * @param pqVectors the PQ codes, or {@code null} without PQ
     */
    public record Opened(
            VectorStore store,
            GraphConfig config,
            int graphNodes,
            OnDiskGraphIndex graph,
            ReaderSupplier graphReaders,
            PQVectors pqVectors)
            implements Closeable {
        /**
         * Closes the graph and its file readers.
         *
         * @throws IOException when jvector fails to close them
         */
        @Override
        public void close() throws IOException {
            try {
                graph.close();
            } finally {
                graphReaders.close();
            }
        }
    }

    /**
     * Writes into a directory (created if needed), in this order: the store file ({@link VectorStore#save}, which
     * stops the store's writers while it runs), the graph file, the PQ file (with PQ) and last the meta file. The
     * graph file holds the neighbour lists, then the copy of the vectors that jvector's format requires, kept apart
     * so that the neighbour lists a search reads lie close together; searches of an opened index still score from
     * the store file, the single source of truth.
     *
     * @param directory the directory
     * @param store the store the graph was built over
     * @param rows the store's rows, which the graph's node ids number
     * @param graph the graph, final (pruned to its maximum degree)
     * @param graphNodes the number of rows in the graph
     * @param pqVectors the PQ codes, or {@code null} without PQ
     * @param config the settings the graph was built with
     * @throws BadInputException when a file cannot be written
     */
    public static void write(
            Path directory,
            VectorStore store,
            RowSource rows,
            ImmutableGraphIndex graph,
            int graphNodes,
            PQVectors pqVectors,
            GraphConfig config) {
        store.save(directory.resolve(STORE_FILE));
        ContentHash storeVersion = store.version();
        Path graphFile = directory.resolve(GRAPH_FILE);
        Map<Integer, Integer> identity = new HashMap<>();
        for (int row = 0; row < graphNodes; row++) {
            identity.put(row, row);
        }
        CopyingVectorValues copies = new CopyingVectorValues(rows, graphNodes);
        AtomicFiles.writeByPath(graphFile, temporary -> {
            try (OnDiskGraphIndexWriter writer = new OnDiskGraphIndexWriter.Builder(graph, temporary)
                    .withMap(identity)
                    .with(new SeparatedVectors(rows.dimension(), 0L))
                    .build()) {
                writer.write(Feature.singleStateFactory(
                        FeatureId.SEPARATED_VECTORS, row -> new InlineVectors.State(copies.getVector(row))));
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
        GraphMetaFile.of(config, graphNodes, storeVersion, fileCrc(graphFile), pqCrc)
                .write(directory.resolve(META_FILE));
    }

    /**
     * Opens a saved index: checks the meta file, opens the store, checks that it is the store the graph was built
     * from, checks the graph and PQ files against the meta file, then reads the PQ codes and maps the graph.
     *
     * @param directory the directory
     * @return what was read; on failure the store is closed
     * @throws CorruptDataException when a file is corrupt, foreign, newer, or does not belong with the others
     * @throws BadInputException when a file is missing or unreadable
     */
    public static Opened open(Path directory) {
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
            return new Opened(store, meta.config(), meta.graphNodes(), graph, graphReaders, pqVectors);
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
}
