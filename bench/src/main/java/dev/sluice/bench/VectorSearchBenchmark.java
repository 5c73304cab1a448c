package dev.sluice.bench;

import dev.sluice.core.memory.FloatMatrix;
import dev.sluice.examples.corpus.JdkJavadocCorpus;
import dev.sluice.fixtures.ClusteredVectors;
import dev.sluice.inference.embed.OnnxEmbedder;
import dev.sluice.vector.FlatIndex;
import dev.sluice.vector.GraphConfig;
import dev.sluice.vector.GraphIndex;
import dev.sluice.vector.Hits;
import dev.sluice.vector.KeyKind;
import dev.sluice.vector.SearchFilter;
import dev.sluice.vector.Similarity;
import dev.sluice.vector.Texmex;
import dev.sluice.vector.VectorStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * Top-10 search, one query per operation, single-threaded, on two data sets: {@code clustered}, 100,000 seeded
 * clustered 384-dimensional vectors, and {@code minilm}, real all-MiniLM-L6-v2 embeddings of 20,000 English passages
 * from the Javadoc of {@code java.base} ({@link JdkJavadocCorpus}, every 21st passage held out as one of 1,000
 * queries). All cosine. Compared in the same run: Sluice's {@link GraphIndex} (jvector graph, max degree 32, beam
 * 100; walked with 8-bit codes and reranked exactly, or walked with the float vectors) at several settings, its
 * exact {@link FlatIndex}, and
 * Lucene's HNSW ({@code Lucene99HnswVectorsFormat}, max-conn 16 so the base layer has 32 neighbours like ours, beam
 * 100) at several candidate counts. Each fork prints its recall@10 over all queries against the exact ground truth,
 * the one-time build time of its index and its resident memory (VmRSS of the fork).
 *
 * <p>A graph {@code setting} is {@code INDEX/OVERQUERY}; the search keeps {@code 10 * OVERQUERY} candidates (its
 * beam). {@code m32-int8} walks the graph with {@linkplain GraphConfig#int8Navigation() 8-bit codes} of the
 * vectors and reranks the candidates exactly (the default configuration); {@code m32} walks it with the float
 * vectors (not in the default run: about half the speed of {@code m32-int8} at the same recall);
 * {@code m32-pq96} walks it with 96-subspace product quantisation codes and reranks (not in the default run: on the
 * clustered set its recall stays below 0.85 even with 80 candidates). Add one with {@code -p setting=m32/3}. The
 * three default settings are paired in order with Lucene's three candidate counts, at similar recall.
 *
 * <p>The vectors (the passages are embedded once, minutes on two cores), the ground truth and the built indexes are
 * cached under {@code bench/target/vector-bench/DATASET} (override the root with {@code -Dsluice.bench.cache=DIR});
 * later runs open them. Delete a folder after changing its data or settings.
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
@Fork(
        value = 1,
        jvmArgsAppend = {JvmFlags.NATIVE_ACCESS, JvmFlags.VECTOR_API, JvmFlags.AGRONA_UNSAFE, "-Xmx6g"})
public class VectorSearchBenchmark {
    static final int K = 10;
    static final int CLUSTERED_ROWS = 100_000;
    static final int CLUSTERED_DIMENSION = 384;
    static final int QUERIES = 1_000;
    static final int PASSAGES = 20_000;
    static final long SEED = 20_261_126L;
    private static final Pattern INDEX_NAME = Pattern.compile("m(\\d+)(?:-(int8)|-pq(\\d+))?");

    /** One cached data set: base vectors, queries and exact ground truth. */
    static final class Data {
        final Path cache;
        final float[][] queries;
        final int[][] truth;

        Data(String dataset) {
            cache = Path.of(System.getProperty("sluice.bench.cache", "bench/target/vector-bench"))
                    .resolve(dataset);
            try {
                Files.createDirectories(cache);
                Path queryFile = cache.resolve("queries.fvecs");
                Path truthFile = cache.resolve("truth.ivecs");
                if (!Files.exists(truthFile)) {
                    switch (dataset) {
                        case "clustered" -> {
                            write(
                                    base(),
                                    new ClusteredVectors(SEED, SEED, CLUSTERED_DIMENSION, 256, 0.6f),
                                    CLUSTERED_ROWS);
                            write(
                                    queryFile,
                                    new ClusteredVectors(SEED, SEED + 1, CLUSTERED_DIMENSION, 256, 0.6f),
                                    QUERIES);
                        }
                        case "minilm" -> embedPassages(base(), queryFile);
                        default -> throw new IllegalArgumentException("unknown data set " + dataset);
                    }
                    try (VectorStore store = openStore();
                            FloatMatrix rows = Texmex.readFvecs(queryFile)) {
                        int[][] exact = new int[rows.rows()][];
                        FlatIndex flat = FlatIndex.of(store);
                        for (int q = 0; q < exact.length; q++) {
                            exact[q] = flat.search(rows.row(q).toArray(), K).rows();
                        }
                        Texmex.writeIvecs(truthFile, exact);
                    }
                }
                try (FloatMatrix rows = Texmex.readFvecs(queryFile)) {
                    queries = new float[rows.rows()][];
                    for (int q = 0; q < queries.length; q++) {
                        queries[q] = rows.row(q).toArray();
                    }
                }
                truth = Texmex.readIvecs(truthFile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Path base() {
            return cache.resolve("base.fvecs");
        }

        private static void write(Path file, ClusteredVectors vectors, int rows) {
            try (FloatMatrix matrix = FloatMatrix.allocate(file.getFileName().toString(), rows, CLUSTERED_DIMENSION)) {
                for (int row = 0; row < rows; row++) {
                    matrix.setRow(row, vectors.next());
                }
                Texmex.writeFvecs(file, matrix);
            }
        }

        /** Embeds the Javadoc passages with all-MiniLM-L6-v2; every 21st passage becomes a query. */
        private static void embedPassages(Path baseFile, Path queryFile) {
            List<JdkJavadocCorpus.Passage> passages =
                    JdkJavadocCorpus.load(JdkJavadocCorpus.defaultSourceZip(), PASSAGES + QUERIES);
            List<String> baseTexts = new ArrayList<>(PASSAGES);
            List<String> queryTexts = new ArrayList<>(QUERIES);
            for (int i = 0; i < passages.size(); i++) {
                (i % 21 == 20 ? queryTexts : baseTexts).add(passages.get(i).text());
            }
            long start = System.nanoTime();
            try (OnnxEmbedder embedder = OnnxEmbedder.builder(EmbeddingFixture.model(), EmbeddingFixture.tokenizer())
                            .build();
                    FloatMatrix base = embedder.embedAll(baseTexts);
                    FloatMatrix queries = embedder.embedAll(queryTexts)) {
                Texmex.writeFvecs(queryFile, queries);
                Texmex.writeFvecs(baseFile, base);
            }
            System.out.printf(
                    "%nembedded %d passages and %d queries in %.0f s%n",
                    baseTexts.size(), queryTexts.size(), (System.nanoTime() - start) / 1e9);
        }

        VectorStore openStore() {
            try (FloatMatrix rows = Texmex.readFvecs(base())) {
                VectorStore store = VectorStore.create("bench", rows.dimension(), Similarity.COSINE, KeyKind.LONG);
                for (int row = 0; row < rows.rows(); row++) {
                    store.add(row, rows.row(row), null);
                }
                return store;
            }
        }

        /** @return recall@10 of a search function over all queries */
        double recall(java.util.function.IntFunction<int[]> search) {
            long found = 0;
            for (int q = 0; q < queries.length; q++) {
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
            return (double) found / (queries.length * K);
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
            System.out.printf(
                    "%n[%s] recall@10 %.4f, build %.1f s (one time, cached), resident memory %s%n",
                    what, recall, buildSeconds, residentMemory());
        }

        static String residentMemory() {
            try {
                return Files.readAllLines(Path.of("/proc/self/status")).stream()
                        .filter(line -> line.startsWith("VmRSS"))
                        .findFirst()
                        .orElse("VmRSS: ?")
                        .substring(6)
                        .strip();
            } catch (IOException e) {
                return "?";
            }
        }
    }

    /** Sluice's graph index, opened from its saved files (vectors and graph mapped). */
    @State(Scope.Benchmark)
    public static class GraphState {
        /** {@code clustered} or {@code minilm}. */
        @Param({"clustered", "minilm"})
        public String dataset;

        /** {@code INDEX/OVERQUERY}, see the class comment. */
        @Param({"m32-int8/2", "m32-int8/2.5", "m32-int8/4"})
        public String setting;

        Data data;
        GraphIndex index;
        float overquery;
        int next;

        /** Builds (first run) or opens the index and measures its recall. */
        @Setup(Level.Trial)
        public void setUp() throws IOException {
            data = new Data(dataset);
            String indexName = setting.substring(0, setting.indexOf('/'));
            overquery = Float.parseFloat(setting.substring(setting.indexOf('/') + 1));
            Matcher parts = INDEX_NAME.matcher(indexName);
            if (!parts.matches()) {
                throw new IllegalArgumentException(
                        "graph setting " + setting + " is not m<DEGREE>[-int8|-pq<SUBSPACES>]/OQ");
            }
            GraphConfig config = GraphConfig.defaults()
                    .withMaxDegree(Integer.parseInt(parts.group(1)))
                    .withInt8Navigation(parts.group(2) != null)
                    .withPqSubspaces(parts.group(3) == null ? 0 : Integer.parseInt(parts.group(3)));
            Path directory = data.cache.resolve("graph-" + indexName);
            double seconds = data.buildSeconds("graph-" + indexName, () -> {
                try (GraphIndex built = GraphIndex.build(data.openStore(), config)) {
                    built.save(directory);
                }
            });
            index = GraphIndex.open(directory);
            Data.report(
                    dataset + " graph " + setting,
                    data.recall(q -> index.search(data.queries[q], K, SearchFilter.ALL, overquery)
                            .rows()),
                    seconds);
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
        /** {@code clustered} or {@code minilm}. */
        @Param({"clustered", "minilm"})
        public String dataset;

        Data data;
        VectorStore store;
        FlatIndex index;
        int next;

        /** Opens the store saved with the graph index. */
        @Setup(Level.Trial)
        public void setUp() {
            data = new Data(dataset);
            Path file = data.cache.resolve("flat.slv");
            if (!Files.exists(file)) {
                try (VectorStore built = data.openStore()) {
                    built.save(file);
                }
            }
            store = VectorStore.open(file);
            index = FlatIndex.of(store);
            Data.report(
                    dataset + " flat",
                    data.recall(q -> index.search(data.queries[q], K).rows()),
                    0);
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
        /** {@code clustered} or {@code minilm}. */
        @Param({"clustered", "minilm"})
        public String dataset;

        /** The candidates Lucene's HNSW search keeps (its {@code k}; the top 10 of them are the hits). */
        @Param({"20", "30", "50"})
        public int candidates;

        Data data;
        DirectoryReader reader;
        IndexSearcher searcher;
        int next;

        /** Builds (first run) or opens the Lucene index and measures its recall. */
        @Setup(Level.Trial)
        public void setUp() throws IOException {
            data = new Data(dataset);
            Path directory = data.cache.resolve("lucene-m16-b100");
            double seconds = data.buildSeconds("lucene-m16-b100", () -> buildLucene(directory));
            reader = DirectoryReader.open(FSDirectory.open(directory));
            if (reader.leaves().size() != 1) {
                throw new IllegalStateException(
                        "expected one segment, found " + reader.leaves().size());
            }
            searcher = new IndexSearcher(reader);
            Data.report(
                    dataset + " lucene candidates " + candidates,
                    data.recall(q -> topDocIds(search(data.queries[q]))),
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
                    FloatMatrix rows = Texmex.readFvecs(data.base())) {
                for (int row = 0; row < rows.rows(); row++) {
                    Document document = new Document();
                    document.add(
                            new KnnFloatVectorField("v", rows.row(row).toArray(), VectorSimilarityFunction.COSINE));
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
        float[] query = state.data.queries[state.next++ % state.data.queries.length];
        return state.index.search(query, K, SearchFilter.ALL, state.overquery);
    }

    /**
     * @param state the opened store
     * @return the exact hits of the next query
     */
    @Benchmark
    public Hits flat(FlatState state) {
        return state.index.search(state.data.queries[state.next++ % state.data.queries.length], K);
    }

    /**
     * @param state the opened Lucene index
     * @return Lucene's hits of the next query
     */
    @Benchmark
    public TopDocs lucene(LuceneState state) {
        return state.search(state.data.queries[state.next++ % state.data.queries.length]);
    }
}
