package dev.sluice.examples.cli;

import dev.sluice.core.BadInputException;
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
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sluice index build|search|info}: builds a jvector graph index from an {@code .fvecs} file, searches it with
 * the queries of another, and describes a saved index. Row ids are row ordinals of the base file, in its order.
 */
@Command(
        name = "index",
        description = "Builds, searches and describes vector indexes (texmex .fvecs/.ivecs files).",
        subcommands = {IndexCommand.Build.class, IndexCommand.Search.class, IndexCommand.Info.class})
final class IndexCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("sluice index: give build, search or info; see 'sluice index --help'");
        return SluiceCli.EXIT_BAD_INPUT;
    }

    private static Similarity similarity(String name) {
        return switch (name) {
            case "cosine" -> Similarity.COSINE;
            case "dot" -> Similarity.DOT_PRODUCT;
            case "euclidean" -> Similarity.EUCLIDEAN;
            default -> throw new BadInputException("--similarity must be cosine, dot or euclidean, got '" + name + "'");
        };
    }

    /** {@code sluice index build}. */
    @Command(name = "build", description = "Builds a graph index over the vectors of an .fvecs file into DIR.")
    static final class Build implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Option(names = "--vectors", paramLabel = "BASE.fvecs", required = true, description = "The vectors.")
        private Path vectors;

        @Option(names = "--out", paramLabel = "DIR", required = true, description = "Where to save the index.")
        private Path out;

        @Option(names = "--similarity", paramLabel = "S", description = "cosine (default), dot or euclidean.")
        private String similarity = "cosine";

        @Option(names = "--degree", paramLabel = "M", description = "Max neighbours per node (default: 32).")
        private int degree = GraphConfig.defaults().maxDegree();

        @Option(names = "--beam", paramLabel = "B", description = "Construction beam width (default: 100).")
        private int beam = GraphConfig.defaults().beamWidth();

        @Option(
                names = "--pq",
                paramLabel = "SUBSPACES",
                description = "Product-quantisation subspaces; 0 (default) for none.")
        private int pqSubspaces;

        @Override
        public Integer call() {
            GraphConfig config = GraphConfig.defaults()
                    .withMaxDegree(degree)
                    .withBeamWidth(beam)
                    .withPqSubspaces(pqSubspaces);
            long start = System.nanoTime();
            PrintWriter err = spec.commandLine().getErr();
            try (FloatMatrix base = Texmex.readFvecs(vectors)) {
                VectorStore store = VectorStore.create(
                        vectors.getFileName().toString(), base.dimension(), similarity(similarity), KeyKind.LONG);
                try {
                    for (int row = 0; row < base.rows(); row++) {
                        store.add(row, base.row(row), null);
                    }
                } catch (RuntimeException e) {
                    store.close();
                    throw e;
                }
                ProgressBar bar = new ProgressBar(err, "building", "rows");
                try (GraphIndex index = GraphIndex.build(store, config, bar::update)) {
                    bar.finish();
                    index.save(out);
                    spec.commandLine()
                            .getOut()
                            .printf(
                                    "indexed %d vectors of dimension %d (%s) in %.1f s into %s%n",
                                    base.rows(), base.dimension(), similarity, (System.nanoTime() - start) / 1e9, out);
                }
            }
            return SluiceCli.EXIT_OK;
        }
    }

    /** {@code sluice index search}. */
    @Command(name = "search", description = "Searches an index with every query of an .fvecs file; writes .ivecs.")
    static final class Search implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Option(names = "--index", paramLabel = "DIR", required = true, description = "A saved index.")
        private Path index;

        @Option(names = "--queries", paramLabel = "Q.fvecs", required = true, description = "The queries.")
        private Path queries;

        @Option(names = "--k", paramLabel = "K", required = true, description = "Hits per query.")
        private int k;

        @Option(
                names = "--out",
                paramLabel = "RESULTS.ivecs",
                required = true,
                description = "Row ids of the hits, best first; -1 pads queries with fewer than K hits.")
        private Path out;

        @Option(names = "--overquery", paramLabel = "F", description = "Candidates per hit (default: the index's).")
        private Float overquery;

        @Option(names = "--exact", description = "Search exactly (brute force) instead of through the graph.")
        private boolean exact;

        @Override
        public Integer call() {
            try (GraphIndex graph = GraphIndex.open(index);
                    FloatMatrix queryRows = Texmex.readFvecs(queries)) {
                FlatIndex flat = FlatIndex.of(graph.store());
                float factor = overquery == null ? graph.config().overquery() : overquery;
                int[][] results = new int[queryRows.rows()][];
                long start = System.nanoTime();
                for (int i = 0; i < queryRows.rows(); i++) {
                    float[] query = queryRows.row(i).toArray();
                    Hits hits = exact ? flat.search(query, k) : graph.search(query, k, SearchFilter.ALL, factor);
                    int[] ids = new int[k];
                    Arrays.fill(ids, -1);
                    System.arraycopy(hits.rows(), 0, ids, 0, hits.size());
                    results[i] = ids;
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                Texmex.writeIvecs(out, results);
                spec.commandLine()
                        .getOut()
                        .printf(
                                "searched %d queries (%s, k=%d) in %.3f s: %.0f queries/s into %s%n",
                                results.length, exact ? "exact" : "graph", k, seconds, results.length / seconds, out);
            }
            return SluiceCli.EXIT_OK;
        }
    }

    /** {@code sluice index info}. */
    @Command(name = "info", description = "Describes a saved index.")
    static final class Info implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Parameters(paramLabel = "DIR", description = "A saved index.")
        private Path index;

        @Override
        public Integer call() throws IOException {
            try (GraphIndex graph = GraphIndex.open(index)) {
                VectorStore store = graph.store();
                GraphConfig config = graph.config();
                PrintWriter out = spec.commandLine().getOut();
                out.printf("rows:        %d (%d live)%n", store.size(), store.liveCount());
                out.printf("dimension:   %d%n", store.dimension());
                out.printf("similarity:  %s%n", store.similarity());
                out.printf("keys:        %s%n", store.keyKind());
                out.printf(
                        "graph:       %d nodes, max degree %d, beam %d, alpha %s, overflow %s, hierarchy %s%n",
                        graph.graphSize(),
                        config.maxDegree(),
                        config.beamWidth(),
                        config.alpha(),
                        config.neighborOverflow(),
                        config.hierarchy());
                out.printf(
                        "pq:          %s%n", config.pqSubspaces() == 0 ? "none" : config.pqSubspaces() + " subspaces");
                out.printf(
                        "navigation:  %s%n",
                        config.pqSubspaces() > 0
                                ? "PQ codes, exact rerank"
                                : config.int8Navigation() ? "int8 codes, exact rerank" : "float vectors");
                out.printf("store ver.:  %s%n", store.version().hex());
                out.printf("index ver.:  %s%n", graph.version().hex());
                try (var files = Files.list(index)) {
                    for (Path file : files.sorted().toList()) {
                        out.printf("file:        %s (%d bytes)%n", file.getFileName(), Files.size(file));
                    }
                }
            }
            return SluiceCli.EXIT_OK;
        }
    }
}
