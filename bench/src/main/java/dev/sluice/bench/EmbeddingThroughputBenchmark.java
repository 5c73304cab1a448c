package dev.sluice.bench;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.sluice.core.memory.FloatMatrix;
import dev.sluice.inference.embed.EmbeddedBatch;
import dev.sluice.inference.embed.OnnxEmbedder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Batches per second of all-MiniLM-L6-v2 for Sluice's {@link OnnxEmbedder} (tokenise, run into a pinned output, pool
 * into an off-heap matrix), for LangChain4j's in-process {@link AllMiniLmL6V2EmbeddingModel} (the peer), and for a
 * bare {@link OrtSession#run} on the same batch already tokenised and padded as one run (the floor at batch 1, where
 * our overhead is {@code sluice} over {@code bareOnnxRuntime}; at larger batches Sluice orders texts by length and
 * runs chunks of 16, which pads less than one run). Sentences per second = score x {@code batchSize}. Same sentences, same JVM, same run.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar EmbeddingThroughput -f 1 -wi 2 -i 3 -w 2s -r 3s}
 * (add {@code -prof gc} for allocation per batch).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.NATIVE_ACCESS, JvmFlags.VECTOR_API, JvmFlags.AGRONA_UNSAFE})
public class EmbeddingThroughputBenchmark {
    @Param({"1", "8", "32", "128"})
    int batchSize;

    private OnnxEmbedder embedder;
    private FloatMatrix target;
    private List<String> texts;
    private AllMiniLmL6V2EmbeddingModel langchain4j;
    private List<TextSegment> segments;
    private OrtSession bareSession;
    private Map<String, OnnxTensor> bareInputs;

    /** Loads both embedders, tokenises the batch for the bare run. */
    @Setup(Level.Trial)
    public void setUp() throws OrtException, IOException {
        embedder = OnnxEmbedder.builder(EmbeddingFixture.model(), EmbeddingFixture.tokenizer()).build();
        texts = EmbeddingFixture.sentences(batchSize);
        target = FloatMatrix.allocate("bench", batchSize, embedder.dimension());
        langchain4j = new AllMiniLmL6V2EmbeddingModel();
        segments = texts.stream().map(TextSegment::from).toList();
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setDeterministicCompute(true);
            bareSession = environment.createSession(EmbeddingFixture.model().toString(), options);
        }
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(EmbeddingFixture.tokenizer(),
                Map.of("padding", "longest", "truncation", "longest_first"))) {
            Encoding[] encodings = tokenizer.batchEncode(texts.toArray(new String[0]));
            long[] shape = {batchSize, encodings[0].getIds().length};
            bareInputs = Map.of(
                    "input_ids", tensor(environment, encodings, shape, Encoding::getIds),
                    "attention_mask", tensor(environment, encodings, shape, Encoding::getAttentionMask),
                    "token_type_ids", tensor(environment, encodings, shape, Encoding::getTypeIds));
        }
    }

    private static OnnxTensor tensor(OrtEnvironment environment, Encoding[] encodings, long[] shape,
            java.util.function.Function<Encoding, long[]> part) throws OrtException {
        LongBuffer buffer = ByteBuffer.allocateDirect(Math.toIntExact(8 * shape[0] * shape[1]))
                .order(ByteOrder.nativeOrder()).asLongBuffer();
        for (Encoding encoding : encodings) {
            buffer.put(part.apply(encoding));
        }
        return OnnxTensor.createTensor(environment, buffer.flip(), shape);
    }

    /** @return Sluice: tokenise, run, pool into the off-heap matrix */
    @Benchmark
    public EmbeddedBatch sluice() {
        return embedder.embedInto(texts, target, 0);
    }

    /** @return LangChain4j's in-process model on the same texts */
    @Benchmark
    public Object langchain4j() {
        return langchain4j.embedAll(segments).content();
    }

    /**
     * The floor: ONNX Runtime alone on the pre-tokenised batch, output allocated by ONNX Runtime.
     *
     * @param blackhole keeps the output alive
     * @throws OrtException never, for this model
     */
    @Benchmark
    public void bareOnnxRuntime(Blackhole blackhole) throws OrtException {
        try (OrtSession.Result result = bareSession.run(bareInputs)) {
            blackhole.consume(result.get(0));
        }
    }

    /** Frees native memory. */
    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        for (OnnxTensor tensor : bareInputs.values()) {
            tensor.close();
        }
        bareSession.close();
        target.close();
        embedder.close();
    }
}
