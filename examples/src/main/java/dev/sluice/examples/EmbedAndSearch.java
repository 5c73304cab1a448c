package dev.sluice.examples;

import dev.sluice.core.memory.FloatMatrix;
import dev.sluice.inference.embed.EmbeddedBatch;
import dev.sluice.inference.embed.OnnxEmbedder;
import dev.sluice.vector.FlatIndex;
import dev.sluice.vector.GraphConfig;
import dev.sluice.vector.GraphIndex;
import dev.sluice.vector.Hits;
import dev.sluice.vector.KeyKind;
import dev.sluice.vector.SearchFilter;
import dev.sluice.vector.Similarity;
import dev.sluice.vector.VectorStore;
import java.io.PrintWriter;
import java.util.List;

/**
 * The zero-copy data path in one page: ONNX Runtime writes the embeddings of a batch straight into an off-heap
 * {@link FloatMatrix} (no {@code float[]} per sentence), each row is handed to the {@link VectorStore} as a
 * {@code MemorySegment} view (one copy, off-heap to off-heap), and jvector searches the store's memory in place.
 *
 * <p>Run it with {@code ./sluice example embed-and-search}.
 */
public final class EmbedAndSearch {
    private static final List<String> SENTENCES = List.of(
            "The cache key is a hash of the inputs, the model, the seed, the tools and the version.",
            "Ring buffers connect the stages of a pipelined flow.",
            "A GGUF file is validated in Java before llama.cpp reads it.",
            "Embeddings are written straight into off-heap memory.",
            "The evidence store records how every answer was obtained.",
            "Replaying the journal shows which answers a prompt change would alter.",
            "Product quantisation shrinks vectors to a few bytes each.",
            "The quality gate falls back to an extractive answer when the model's answer is not grounded.");

    private EmbedAndSearch() {}

    /**
     * Embeds the sentences, stores them, builds a graph index and searches it.
     *
     * @param out where to print
     */
    public static void run(PrintWriter out) {
        try (OnnxEmbedder embedder = DefaultModels.embedder().build();
                FloatMatrix embeddings = FloatMatrix.allocate("sentences", SENTENCES.size(), embedder.dimension())) {
            EmbeddedBatch batch = embedder.embedInto(SENTENCES, embeddings, 0); // ONNX Runtime writes here, in place
            out.printf(
                    "embedded %d sentences into a %d x %d off-heap matrix (longest: %d tokens)%n",
                    batch.texts(), embeddings.rows(), embeddings.dimension(), batch.longestTokens());

            VectorStore store = VectorStore.create("sentences", embedder.dimension(), Similarity.COSINE, KeyKind.LONG);
            for (int row = 0; row < embeddings.rows(); row++) {
                store.add(row, embeddings.row(row), null); // a view of the matrix row: segment-to-segment copy
            }
            try (GraphIndex graph = GraphIndex.build(store, GraphConfig.defaults())) { // closes the store too
                FlatIndex exact = FlatIndex.of(store);
                for (String question : List.of(
                        "How do I know why the model answered this?", "Can a broken model file crash the JVM?")) {
                    float[] query = embedder.embed(question);
                    Hits approximate = graph.search(query, 2, SearchFilter.ALL);
                    Hits brute = exact.search(query, 2, SearchFilter.ALL);
                    out.println("\n" + question);
                    for (int rank = 0; rank < approximate.size(); rank++) {
                        out.printf(
                                "  %.3f  %s%n",
                                approximate.score(rank),
                                SENTENCES.get(((Long) store.key(approximate.row(rank))).intValue()));
                    }
                    out.println("  exact search agrees: " + approximate.equals(brute));
                }
            }
        }
    }

    /**
     * Runs the example.
     *
     * @param args none
     */
    public static void main(String[] args) {
        run(new PrintWriter(System.out, true));
    }
}
