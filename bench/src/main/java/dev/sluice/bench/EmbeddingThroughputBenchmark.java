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
import dev.sluice.inference.embed.internal.RunPlanner;
import dev.sluice.inference.embed.internal.RunWorkers;
import dev.sluice.inference.embed.internal.ScratchPool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
 * Batches per second of all-MiniLM-L6-v2 for Sluice's {@link OnnxEmbedder} (tokenise, order by token count, split
 * into runs, run into a pinned output, pool into an off-heap matrix), for LangChain4j's in-process
 * {@link AllMiniLmL6V2EmbeddingModel} (the peer, with its defaults), and for bare {@link OrtSession#run} calls on
 * the same runs Sluice makes, tokenised and padded in advance and spread over the same threads (the floor: our
 * overhead is {@code bareOnnxRuntime} over {@code sluice} in time per batch). Sentences per second = score x {@code batchSize}. Same sentences, same
 * JVM, same run.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar EmbeddingThroughput -f 1 -wi 2 -i 3 -w 2s -r 3s}
 * (add {@code -prof gc} for allocation per batch).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
@Fork(
        value = 1,
        jvmArgsAppend = {JvmFlags.NATIVE_ACCESS, JvmFlags.VECTOR_API, JvmFlags.AGRONA_UNSAFE})
public class EmbeddingThroughputBenchmark {
    @Param({"1", "8", "32", "128"})
    int batchSize;

    private OnnxEmbedder embedder;
    private FloatMatrix target;
    private List<String> texts;
    private AllMiniLmL6V2EmbeddingModel langchain4j;
    private List<TextSegment> segments;
    private OrtSession bareSession;
    private List<Map<String, OnnxTensor>> bareRuns;
    private ScratchPool bareScratch;
    private RunWorkers bareWorkers;

    /** Loads both embedders, tokenises the batch for the bare run. */
    @Setup(Level.Trial)
    public void setUp() throws OrtException, IOException {
        embedder = OnnxEmbedder.builder(EmbeddingFixture.model(), EmbeddingFixture.tokenizer())
                .build();
        texts = EmbeddingFixture.sentences(batchSize);
        target = FloatMatrix.allocate("bench", batchSize, embedder.dimension());
        langchain4j = new AllMiniLmL6V2EmbeddingModel();
        segments = texts.stream().map(TextSegment::from).toList();
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(
                EmbeddingFixture.tokenizer(), Map.of("padding", "false", "truncation", "longest_first"))) {
            bareRuns = bareRuns(environment, tokenizer.batchEncode(texts.toArray(new String[0])), embedder.dimension());
        }
        boolean spread = embedder.runThreads() > 1 && bareRuns.size() > 1;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            // As the OnnxEmbedder session that runs this batch on CPU: one thread per run when runs are spread.
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.BASIC_OPT);
            options.setDeterministicCompute(true);
            options.setIntraOpNumThreads(spread ? 1 : 0);
            bareSession = environment.createSession(EmbeddingFixture.model().toString(), options);
        }
        bareScratch = new ScratchPool(4);
        bareWorkers = new RunWorkers(spread ? embedder.runThreads() : 1, bareScratch, "bench-bare");
    }

    /**
     * The runs Sluice makes of this batch, tokenised and padded in advance: texts ordered by token count and split
     * by the same {@link RunPlanner}, each run padded to its longest text.
     */
    private List<Map<String, OnnxTensor>> bareRuns(OrtEnvironment environment, Encoding[] encodings, int dimension)
            throws OrtException {
        Encoding[] sorted = encodings.clone();
        Arrays.sort(sorted, Comparator.comparingInt(encoding -> encoding.getIds().length));
        int[] sortedTokens = Arrays.stream(sorted)
                .mapToInt(encoding -> encoding.getIds().length)
                .toArray();
        int[] runEnds = new int[sorted.length];
        int runs = RunPlanner.plan(sortedTokens, embedder.maxBatchSize(), dimension, runEnds);
        List<Map<String, OnnxTensor>> inputs = new ArrayList<>();
        for (int run = 0, from = 0; run < runs; from = runEnds[run++]) {
            Encoding[] texts = Arrays.copyOfRange(sorted, from, runEnds[run]);
            long[] shape = {texts.length, sortedTokens[runEnds[run] - 1]};
            inputs.add(Map.of(
                    "input_ids", tensor(environment, texts, shape, Encoding::getIds),
                    "attention_mask", tensor(environment, texts, shape, Encoding::getAttentionMask),
                    "token_type_ids", tensor(environment, texts, shape, Encoding::getTypeIds)));
        }
        return inputs;
    }

    /** Pads each text's part with zeros (the model's padding id, type and mask) to the run's length. */
    private static OnnxTensor tensor(
            OrtEnvironment environment, Encoding[] encodings, long[] shape, Function<Encoding, long[]> part)
            throws OrtException {
        LongBuffer buffer = ByteBuffer.allocateDirect(Math.toIntExact(8 * shape[0] * shape[1]))
                .order(ByteOrder.nativeOrder())
                .asLongBuffer();
        for (int row = 0; row < encodings.length; row++) {
            buffer.position(Math.toIntExact(row * shape[1])).put(part.apply(encodings[row]));
        }
        return OnnxTensor.createTensor(environment, buffer.clear(), shape);
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
     * The floor: ONNX Runtime alone on the runs Sluice makes of this batch, tokenised and padded in advance, spread
     * over the same threads with the same single-threaded session settings, outputs allocated by ONNX Runtime.
     *
     * @param blackhole keeps the outputs alive
     */
    @Benchmark
    public void bareOnnxRuntime(Blackhole blackhole) {
        bareWorkers.runAll(bareRuns.size(), (run, scratch) -> {
            try (OrtSession.Result result = bareSession.run(bareRuns.get(run))) {
                blackhole.consume(result.get(0));
            } catch (OrtException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Frees native memory. */
    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        for (Map<String, OnnxTensor> run : bareRuns) {
            for (OnnxTensor tensor : run.values()) {
                tensor.close();
            }
        }
        bareSession.close();
        bareWorkers.close();
        bareScratch.close();
        target.close();
        embedder.close();
    }
}
