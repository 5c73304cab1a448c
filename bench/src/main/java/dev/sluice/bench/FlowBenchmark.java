package dev.sluice.bench;

import dev.sluice.core.hash.Seed;
import dev.sluice.core.schema.Schemas;
import dev.sluice.fixtures.TinyLlamaModel;
import dev.sluice.inference.embed.OnnxEmbedder;
import dev.sluice.inference.llama.Completion;
import dev.sluice.inference.llama.LlamaConfig;
import dev.sluice.inference.llama.LlamaGenerator;
import dev.sluice.inference.llama.Sampling;
import dev.sluice.pipeline.Flow;
import dev.sluice.pipeline.FlowRuntime;
import dev.sluice.pipeline.GateDecision;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.RunResult;
import dev.sluice.rag.RagNodes;
import dev.sluice.rag.Retrieval;
import dev.sluice.rag.Snippet;
import dev.sluice.vector.FlatIndex;
import dev.sluice.vector.KeyKind;
import dev.sluice.vector.Similarity;
import dev.sluice.vector.VectorStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The six-node RAG flow of the design (normalize, retrieve on a {@link FlatIndex} of 2,000 passages embedded with
 * the real all-MiniLM-L6-v2, compress to the top three, assemble, generate on a tiny self-written llama model,
 * gate) on cache hits: every adapter's output is already cached, so what is measured is Sluice's own overhead per
 * request — encoding and hashing the input, cache keys and lookups, reusing the pure nodes' outputs, running the
 * gate on the decoded answer, node traces, the runtime's hand-offs. Values between nodes stay canonical bytes
 * (the retrieved passages are never decoded on a hit); the answer is decoded once for the caller.
 *
 * <ul>
 *   <li>{@code latencyInline} / {@code latencyPipelined}: one request at a time ({@code SampleTime}: p50, p99);</li>
 *   <li>{@code throughputInline} / {@code throughputPipelined2Threads}: 64 requests in flight per operation
 *       (requests per second; the pipelined runtime runs its six stages on two threads).</li>
 * </ul>
 *
 * <p>Run (with bytes allocated per request):
 * <pre>
 * ./mvnw -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar FlowBenchmark -f 1 -wi 3 -i 5 -prof gc
 * </pre>
 */
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {JvmFlags.NATIVE_ACCESS, JvmFlags.VECTOR_API, JvmFlags.AGRONA_UNSAFE})
@State(Scope.Benchmark)
public class FlowBenchmark {
    private static final int QUESTIONS = 16;
    private static final int IN_FLIGHT = 64;

    private Path work;
    private OnnxEmbedder embedder;
    private VectorStore store;
    private LlamaGenerator model;
    private Pipeline<String, String> inline;
    private Pipeline<String, String> pipelined1;
    private Pipeline<String, String> pipelined2;
    private final List<String> questions = new ArrayList<>();
    private int next;

    /** Embeds the passages, writes the tiny model, starts the pipelines and fills their caches. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        work = Files.createTempDirectory("sluice-flow-bench");
        embedder = OnnxEmbedder.builder(EmbeddingFixture.model(), EmbeddingFixture.tokenizer())
                .build();
        List<String> passages = EmbeddingFixture.sentences(2_000);
        store = VectorStore.create("passages", embedder.dimension(), Similarity.COSINE, KeyKind.STRING);
        for (int i = 0; i < passages.size(); i++) {
            store.add(Integer.toString(i), embedder.embed(passages.get(i)), null);
        }
        Path modelFile = work.resolve("tiny.gguf");
        TinyLlamaModel.small().write(modelFile);
        model = LlamaGenerator.open(
                LlamaConfig.of(modelFile).withContextSize(512).withThreads(1));
        Flow<String, String> flow = flow(FlatIndex.of(store), passages, model, embedder);
        inline = flow.start(FlowRuntime.inline().withSeed(Seed.of(42)));
        pipelined1 = flow.start(
                FlowRuntime.pipelined().withSeed(Seed.of(42)).withThreads(1).withSubmitTimeout(Duration.ofSeconds(10)));
        pipelined2 = flow.start(
                FlowRuntime.pipelined().withSeed(Seed.of(42)).withThreads(2).withSubmitTimeout(Duration.ofSeconds(10)));
        List<String> questionTexts =
                EmbeddingFixture.sentences(QUESTIONS + 2_000).subList(2_000, 2_000 + QUESTIONS);
        for (String q : questionTexts) {
            questions.add("  " + q.toUpperCase(Locale.ROOT) + "  ");
            for (Pipeline<String, String> p : List.of(inline, pipelined1, pipelined2)) {
                RunResult<String> warm = p.submit(q).join();
                if (warm.value().isEmpty()) {
                    throw new IllegalStateException("the flow answered nothing");
                }
            }
        }
    }

    static Flow<String, String> flow(
            FlatIndex index, List<String> passages, LlamaGenerator model, OnnxEmbedder embedder) {
        return Flow.named("bench-rag", "1")
                .input(Schemas.string())
                .map("normalize", "1", Schemas.string(), q -> q.strip().toLowerCase(Locale.ROOT))
                .call(
                        "retrieve",
                        "1",
                        RagNodes.retrieve(embedder, index, 8, key -> passages.get(Integer.parseInt(key))))
                .map("compress", "1", Schemas.listOf(Schemas.string()), FlowBenchmark::topThree)
                .map("assemble", "1", Schemas.string(), s -> "Passages:\n" + String.join("\n", s) + "\nAnswer:")
                .call(
                        "generate",
                        "1",
                        RagNodes.generate(
                                model, Sampling.seeded(0).withMaxTokens(16).withTruncatePrompt(true)))
                .map("text", "1", Schemas.string(), Completion::text)
                .gate(
                        "gate",
                        "1",
                        text -> text.length() >= 1
                                ? GateDecision.pass(text, Map.of())
                                : GateDecision.of(GateDecision.Outcome.FALLBACK, "no answer", "empty", Map.of()))
                .build();
    }

    private static List<String> topThree(Retrieval retrieval) {
        List<String> top = new ArrayList<>(3);
        for (Snippet s :
                retrieval.snippets().subList(0, Math.min(3, retrieval.snippets().size()))) {
            top.add(s.text());
        }
        return top;
    }

    /** Closes everything. */
    @TearDown(Level.Trial)
    public void tearDown() {
        inline.close();
        pipelined1.close();
        pipelined2.close();
        model.close();
        store.close();
        embedder.close();
    }

    private String question() {
        next = (next + 1) & (QUESTIONS - 1);
        return questions.get(next);
    }

    /** @return the answer of one request on the caller's thread */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public String latencyInline() {
        return inline.submit(question()).join().value();
    }

    /** @return the answer of one request through the six stages on one stage thread */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public String latencyPipelined() {
        return pipelined1.submit(question()).join().value();
    }

    /** @return the last answer of 64 requests run one after another on the caller's thread */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(IN_FLIGHT)
    public String throughputInline() {
        String last = null;
        for (int i = 0; i < IN_FLIGHT; i++) {
            last = inline.submit(question()).join().value();
        }
        return last;
    }

    /** @return the last answer of 64 requests in flight at once on the two-thread pipelined runtime */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(IN_FLIGHT)
    public String throughputPipelined2Threads() {
        List<CompletableFuture<RunResult<String>>> inFlight = new ArrayList<>(IN_FLIGHT);
        for (int i = 0; i < IN_FLIGHT; i++) {
            inFlight.add(pipelined2.submit(question()));
        }
        String last = null;
        for (CompletableFuture<RunResult<String>> f : inFlight) {
            last = f.join().value();
        }
        return last;
    }
}
