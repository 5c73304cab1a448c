package dev.sluice.bench;

import dev.sluice.core.memory.FloatMatrix;
import dev.sluice.vector.FlatIndex;
import dev.sluice.vector.GraphConfig;
import dev.sluice.vector.GraphIndex;
import dev.sluice.vector.Hits;
import dev.sluice.vector.KeyKind;
import dev.sluice.vector.SearchFilter;
import dev.sluice.vector.Similarity;
import dev.sluice.vector.Texmex;
import dev.sluice.vector.VectorStore;
import dev.sluice.vector.internal.ClusteredVectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Top-10 search over 100,000 seeded clustered 384-dimensional vectors (cosine), one query per operation,
 * single-threaded: Sluice's {@link GraphIndex} (jvector, max degree 32, beam 100) at three overquery settings, its
 * exact {@link FlatIndex}, and Lucene's HNSW ({@code Lucene99HnswVectorsFormat}, max-conn 16 so the base layer has 32
 * neighbours like ours, beam 100) at three candidate counts. Each fork prints its recall@10 over 1,000 queries
 * against the exact ground truth, the one-time build time of its index and its resident memory.
 *
 * <p>The vectors, the ground truth, the saved graph index and the Lucene index are cached under
 * {@code bench/target/vector-bench} (override with {@code -Dsluice.bench.cache=DIR}): the first run builds them
 * (minutes on two cores), later runs open them. Delete the folder after changing the data or the settings.
 *
 * <p>Run from the repository root:
 * <pre>
 * ./mvnw -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar VectorSearch -f 1 -wi 2 -i 3
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.NATIVE_ACCESS, JvmFlags.VECTOR_API, JvmFlags.AGRONA_UNSAFE, "-Xmx6g"})
public class VectorSearchBenchmark {
    static final int ROWS = 100_000;
    static final int DIMENSION = 384;
    static final int QUERIES = 1_000;
    static final int K = 10;
    static final long SEED = 20_261_126L;

    /** The cached data set: base vectors, queries and exact ground truth. */
    static final class Data {
        final Path cache = Path.of(System.getProperty("sluice.bench.cache", "bench/target/vector-bench"));
        final float[][] queries;
        final int[][] truth;

        Data() {
            try {
                Files.createDirectories(cache);
                Path base = cache.resolve("base.fvecs");
                Path queryFile = cache.resolve("queries.fvecs");
                Path truthFile = cache.resolve("truth.ivecs");
                if (!Files.exists(truthFile)) {
                    write(base, new ClusteredVectors(SEED, SEED, DIMENSION, 256, 0.6f), ROWS);
                    write(queryFile, new ClusteredVectors(SEED, SEED + 1, DIMENSION, 256, 0.6f), QUERIES);
                    try (VectorStore store = openStore(base); FloatMatrix rows = Texmex.readFvecs(queryFile)) {
                        int[][] exact = new int[QUERIES][];
                        FlatIndex flat = FlatIndex.of(store);
                        for (int q = 0; q < QUERIES; q++) {
                            exact[q] = flat.search(rows.row(q).toArray(), K).rows();
                        }
                        Texmex.writeIvecs(truthFile, exact);
                    }
                }
                try (FloatMatrix rows = Texmex.readFvecs(queryFile)) {
                    queries = new float[QUERIES][];
                    for (int q = 0; q < QUERIES; q++) {
                        queries[q] = rows.row(q).toArray();
                    }
                }
                truth = Texmex.readIvecs(truthFile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void write(Path file, ClusteredVectors vectors, int rows) {
            try (FloatMatrix matrix = FloatMatrix.allocate(file.getFileName().toString(), rows, DIMENSION)) {
                for (int row = 0; row < rows; row++) {
                    matrix.setRow(row, vectors.next());
                }
                Texmex.writeFvecs(file, matrix);
            }
        }

        VectorStore openStore(Path base) {
            VectorStore store = VectorStore.create("bench", DIMENSION, Similarity.COSINE, KeyKind.LONG);
            try (FloatMatrix rows = Texmex.readFvecs(base)) {
                for (int row = 0; row < rows.rows(); row++) {
                    store.add(row, rows.row(row), null);
                }
            }
            return store;
        }

        /** @return recall@10 of a search function over all queries */
        double recall(java.util.function.IntFunction<int[]> search) {
            long found = 0;
            for (int q = 0; q < QUERIES; q++) {
                int[] hits = search.apply(q);
                for (int hit : hits) {
                    for (int expected : truth[q]) {
                        if (hit == expected) {
                            found++;
                            break;
                        }
                    }
                }
            }
            return (double) found / (QUERIES * K);
        }

        /** Builds once and records the time, or reads the recorded time. */
        double buildSeconds(String name, Runnable build) throws IOException {
            Path record = cache.resolve(name + ".build-seconds");
            if (!Files.exists(record)) {
                long start = System.nanoTime();
                build.run();
                Files.writeString(record, Double.toString((System.nanoTime() - start) / 1e9));
            }
            return Double.parseDouble(Files.readString(record));
        }

        static void report(String what, double recall, double buildSeconds) {
            System.out.printf("%n[%s] recall@10 %.4f, build %.1f s (one time, cached), resident memory %s%n", what,
                    recall, buildSeconds, residentMemory());
        }

        static String residentMemory() {
            try {
                return Files.readAllLines(Path.of("/proc/self/status")).stream()
                        .filter(line -> line.startsWith("VmRSS")).findFirst().orElse("VmRSS: ?").substring(6).strip();
            } catch (IOException e) {
                return "?";
            }
        }
    }

    /** Sluice's graph index, opened from its saved files (vectors and graph mapped). */
    @State(Scope.Benchmark)
    public static class GraphState {
        /** Candidates collected per hit wanted before the exact top 10 are kept. */
        @Param({"1", "2", "4"})
        public float overquery;

        Data data;
        GraphIndex index;
        int next;

        /** Builds (first run) or opens the index and measures its recall. */
        @Setup(Level.Trial)
        public void setUp() throws IOException {
            data = new Data();
            Path directory = data.cache.resolve("graph-m32-b100");
            double seconds = data.buildSeconds("graph-m32-b100", () -> {
                VectorStore store = data.openStore(data.cache.resolve("base.fvecs"));
                try (GraphIndex built = GraphIndex.build(store, GraphConfig.defaults())) {
                    built.save(directory);
                }
            });
            index = GraphIndex.open(directory);
            Data.report("graph overquery " + overquery,
                    data.recall(q -> index.search(data.queries[q], K, SearchFilter.ALL, overquery).rows()), seconds);
        }

        /** Closes the index. */
        @TearDown(Level.Trial)
        public void tearDown() {
            index.close();
        }
    }

    /** The exact scan over the same store file. */
    @State(Scope.Benchmark)
    public static class FlatState {
        Data data;
        VectorStore store;
        FlatIndex index;
        int next;

        /** Opens the store saved with the graph index. */
        @Setup(Level.Trial)
        public void setUp() {
            data = new Data();
            Path file = data.cache.resolve("flat.slv");
            if (!Files.exists(file)) {
                try (VectorStore built = data.openStore(data.cache.resolve("base.fvecs"))) {
                    built.save(file);
                }
            }
            store = VectorStore.open(file);
            index = FlatIndex.of(store);
            Data.report("flat", data.recall(q -> index.search(data.queries[q], K).rows()), 0);
        }

        /** Closes the store. */
        @TearDown(Level.Trial)
        public void tearDown() {
            store.close();
        }
    }

    /** Lucene's HNSW over the same vectors, one segment (docID = row), memory-mapped. */
    @State(Scope.Benchmark)
    public static class LuceneState {
        /** The candidates Lucene's HNSW search keeps (its {@code k}; the top 10 of them are the hits). */
        @Param({"10", "40", "100"})
        public int candidates;

        Data data;
        DirectoryReader reader;
        IndexSearcher searcher;
        int next;

        /** Builds (first run) or opens the Lucene index and measures its recall. */
        @Setup(Level.Trial)
        public void setUp() throws IOException {
            data = new Data();
            Path directory = data.cache.resolve("lucene-m16-b100");
            double seconds = data.buildSeconds("lucene-m16-b100", () -> buildLucene(directory));
            reader = DirectoryReader.open(FSDirectory.open(directory));
            if (reader.leaves().size() != 1) {
                throw new IllegalStateException("expected one segment, found " + reader.leaves().size());
            }
            searcher = new IndexSearcher(reader);
            Data.report("lucene candidates " + candidates, data.recall(q -> topDocIds(search(data.queries[q]))),
                    seconds);
        }

        private void buildLucene(Path directory) {
            IndexWriterConfig config = new IndexWriterConfig()
                    .setCodec(new Lucene104Codec() {
                        @Override
                        public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                            return new Lucene99HnswVectorsFormat(16, 100);
                        }
                    })
                    .setRAMBufferSizeMB(2048)
                    .setMergePolicy(NoMergePolicy.INSTANCE);
            try (FSDirectory luceneDirectory = FSDirectory.open(directory);
                    IndexWriter writer = new IndexWriter(luceneDirectory, config);
                    FloatMatrix rows = Texmex.readFvecs(data.cache.resolve("base.fvecs"))) {
                for (int row = 0; row < rows.rows(); row++) {
                    Document document = new Document();
                    document.add(new KnnFloatVectorField("v", rows.row(row).toArray(),
                            VectorSimilarityFunction.COSINE));
                    writer.addDocument(document);
                }
                writer.commit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        TopDocs search(float[] query) {
            try {
                return searcher.search(new KnnFloatVectorQuery("v", query, candidates), K);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static int[] topDocIds(TopDocs topDocs) {
            ScoreDoc[] docs = topDocs.scoreDocs;
            int[] ids = new int[docs.length];
            for (int i = 0; i < docs.length; i++) {
                ids[i] = docs[i].doc;
            }
            return ids;
        }

        /** Closes the reader. */
        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            reader.close();
        }
    }

    /**
     * @param state the opened graph index
     * @return the hits of the next query (returned so that JMH consumes them)
     */
    @Benchmark
    public Hits graph(GraphState state) {
        float[] query = state.data.queries[state.next++ % QUERIES];
        return state.index.search(query, K, SearchFilter.ALL, state.overquery);
    }

    /**
     * @param state the opened store
     * @return the exact hits of the next query
     */
    @Benchmark
    public Hits flat(FlatState state) {
        return state.index.search(state.data.queries[state.next++ % QUERIES], K);
    }

    /**
     * @param state the opened Lucene index
     * @return Lucene's hits of the next query
     */
    @Benchmark
    public TopDocs lucene(LuceneState state) {
        return state.search(state.data.queries[state.next++ % QUERIES]);
    }
}
