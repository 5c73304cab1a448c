package dev.sluice.bench;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.sluice.inference.embed.OnnxEmbedder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Latency of one sentence (p50, p99 from {@code SampleTime}) for Sluice's {@link OnnxEmbedder} and LangChain4j's
 * in-process {@link AllMiniLmL6V2EmbeddingModel}, cycling through the same 128 sentences.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar EmbeddingLatency -f 1 -wi 2 -i 3 -w 2s -r 3s}
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(
        value = 1,
        jvmArgsAppend = {JvmFlags.NATIVE_ACCESS, JvmFlags.VECTOR_API, JvmFlags.AGRONA_UNSAFE})
public class EmbeddingLatencyBenchmark {
    private OnnxEmbedder embedder;
    private AllMiniLmL6V2EmbeddingModel langchain4j;
    private List<String> texts;
    private int next;

    /** Loads both embedders. */
    @Setup(Level.Trial)
    public void setUp() {
        embedder = OnnxEmbedder.builder(EmbeddingFixture.model(), EmbeddingFixture.tokenizer())
                .build();
        langchain4j = new AllMiniLmL6V2EmbeddingModel();
        texts = EmbeddingFixture.sentences(128);
    }

    private String nextText() {
        next = (next + 1) & 127;
        return texts.get(next);
    }

    /** @return Sluice's vector for the next sentence */
    @Benchmark
    public float[] sluice() {
        return embedder.embed(nextText());
    }

    /** @return LangChain4j's vector for the next sentence */
    @Benchmark
    public float[] langchain4j() {
        return langchain4j.embed(nextText()).content().vector();
    }

    /** Frees native memory. */
    @TearDown(Level.Trial)
    public void tearDown() {
        embedder.close();
    }
}
