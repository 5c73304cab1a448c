package dev.sluice.bench;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import dev.sluice.fixtures.TinyLlamaModel;
import dev.sluice.inference.llama.Completion;
import dev.sluice.inference.llama.LlamaConfig;
import dev.sluice.inference.llama.LlamaGenerator;
import dev.sluice.inference.llama.Sampling;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * llama.cpp generation speed on the synthetic benchmark model ({@link TinyLlamaModel#bench()}, about 0.5 GB of
 * Q8_0 weights, written to {@code bench/target/sluice-bench.gguf} on first use), in one run with the numbers needed to
 * judge it:
 * <ul>
 *   <li>{@link #generate}: generated tokens/s through {@link LlamaGenerator} (the {@code tokens} counter), at 1 and
 *       2 threads;</li>
 *   <li>{@link #rawJavaLlamaCpp}: the same request through java-llama.cpp's own streaming API, the peer: the
 *       difference in time per token is Sluice's Java-side overhead per token;</li>
 *   <li>{@link #prompt}: prompt tokens/s (a 256-token prompt, one generated token);</li>
 *   <li>{@link MemoryBandwidth#streamRead}: a streaming read of an off-heap segment as large as the model, bytes/s:
 *       generation reads every weight once per token, so tokens/s x model bytes / bandwidth is the fraction of the
 *       memory roofline reached.</li>
 * </ul>
 *
 * <p>Run:
 * <pre>
 * ./mvnw -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar LlamaGeneration -f 1 -wi 1 -i 3 -w 2s -r 4s
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 4)
@Fork(
        value = 1,
        jvmArgsAppend = {JvmFlags.NATIVE_ACCESS, JvmFlags.VECTOR_API, JvmFlags.AGRONA_UNSAFE})
public class LlamaGenerationBenchmark {
    private static final Path MODEL =
            Path.of(System.getProperty("sluice.bench.model", "bench/target/sluice-bench.gguf"));
    private static final String SHORT_PROMPT = "The river";
    private static final String LONG_PROMPT = "river water gate ".repeat(15);
    private static final int GENERATED_TOKENS = 16;

    /** Writes the benchmark model when it is missing. */
    static Path model() throws IOException {
        if (!Files.isRegularFile(MODEL)) {
            Files.createDirectories(MODEL.toAbsolutePath().getParent());
            TinyLlamaModel.bench().write(MODEL);
        }
        return MODEL;
    }

    /** The generator and the peer's raw model, loaded once per thread count. */
    @State(Scope.Benchmark)
    public static class Model {
        /** llama.cpp threads. */
        @Param({"1", "2"})
        public int threads;

        LlamaGenerator generator;
        LlamaModel raw;
        Sampling sampling;

        @Setup(Level.Trial)
        public void open() throws IOException {
            Path path = model();
            generator = LlamaGenerator.open(
                    LlamaConfig.of(path).withContextSize(1024).withThreads(threads));
            sampling = Sampling.seeded(1).withTemperature(1).withMaxTokens(GENERATED_TOKENS);
            raw = new LlamaModel(new ModelParameters()
                    .setModel(path.toString())
                    .setCtxSize(1024)
                    .setThreads(threads)
                    .setThreadsBatch(threads)
                    .disableContextShift()
                    .skipWarmup()
                    .disableLog());
        }

        @TearDown(Level.Trial)
        public void close() {
            generator.close(); // the raw model cannot be freed (java-llama.cpp); the fork ends anyway
        }
    }

    /** Tokens counted per iteration; JMH reports them per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Tokens {
        /** Generated or prompt tokens. */
        public long tokens;

        @Setup(Level.Iteration)
        public void reset() {
            tokens = 0;
        }
    }

    /**
     * @param model the model
     * @param counter counts generated tokens
     * @return the completion
     */
    @Benchmark
    public Completion generate(Model model, Tokens counter) {
        Completion c = model.generator.complete(SHORT_PROMPT, model.sampling);
        counter.tokens += c.completionTokens();
        return c;
    }

    /** Sluice's own time per generation outside the native call, and the tokens it covered (per iteration). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Overhead {
        /** Nanoseconds spent in Sluice's stream outside llama.cpp's next-token call. */
        public long javaOverheadNs;
        /** Generated tokens. */
        public long overheadTokens;

        @Setup(Level.Iteration)
        public void reset() {
            javaOverheadNs = 0;
            overheadTokens = 0;
        }
    }

    /**
     * The same generation as {@link #generate}, read from the stream so that its Java-side time is measured
     * directly ({@code javaOverheadNs / overheadTokens} is the overhead per token, independent of machine noise in
     * the native part).
     *
     * @param model the model
     * @param overhead accumulates the stream's Java time and tokens
     * @return the number of pieces
     */
    @Benchmark
    public int generateMeasuringOverhead(Model model, Overhead overhead) {
        int pieces = 0;
        try (var stream = model.generator.stream(SHORT_PROMPT, model.sampling)) {
            while (stream.hasNext()) {
                stream.next();
                pieces++;
            }
            overhead.javaOverheadNs += stream.javaOverheadNs();
            overhead.overheadTokens += stream.result().completionTokens();
        }
        return pieces;
    }

    /**
     * @param model the model
     * @param counter counts generated tokens
     * @return the text
     */
    @Benchmark
    public String rawJavaLlamaCpp(Model model, Tokens counter) {
        InferenceParameters parameters = new InferenceParameters(SHORT_PROMPT)
                .setNPredict(GENERATED_TOKENS)
                .setSeed(1)
                .setTemperature(1)
                .setTopK(40)
                .setTopP(0.95f)
                .setMinP(0.05f)
                .setRepeatPenalty(1)
                .setCachePrompt(false);
        StringBuilder text = new StringBuilder();
        int pieces = 0;
        for (LlamaOutput output : model.raw.generate(parameters)) {
            text.append(output.text);
            pieces++;
        }
        counter.tokens += pieces - 1;
        return text.toString();
    }

    /**
     * @param model the model
     * @param counter counts prompt tokens
     * @return the completion
     */
    @Benchmark
    public Completion prompt(Model model, Tokens counter) {
        Completion c = model.generator.complete(LONG_PROMPT, model.sampling.withMaxTokens(1));
        counter.tokens += c.promptTokens();
        return c;
    }

    /** A streaming read of an off-heap segment as large as the model file. */
    @State(Scope.Benchmark)
    public static class MemoryBandwidth {
        Arena arena;
        MemorySegment segment;

        @Setup(Level.Trial)
        public void allocate() throws IOException {
            long size = Files.size(model()) & -64L;
            arena = Arena.ofShared();
            segment = arena.allocate(size, 64);
            for (long at = 0; at < size; at += 8) {
                segment.set(ValueLayout.JAVA_LONG, at, at);
            }
        }

        @TearDown(Level.Trial)
        public void free() {
            arena.close();
        }

        /**
         * @param counter counts bytes read
         * @return the sum, so the read is not dead code
         */
        @Benchmark
        public long streamRead(Bytes counter) {
            long sum0 = 0;
            long sum1 = 0;
            long sum2 = 0;
            long sum3 = 0;
            long size = segment.byteSize();
            for (long at = 0; at < size; at += 32) {
                sum0 += segment.get(ValueLayout.JAVA_LONG, at);
                sum1 += segment.get(ValueLayout.JAVA_LONG, at + 8);
                sum2 += segment.get(ValueLayout.JAVA_LONG, at + 16);
                sum3 += segment.get(ValueLayout.JAVA_LONG, at + 24);
            }
            counter.bytes += size;
            return sum0 + sum1 + sum2 + sum3;
        }
    }

    /** Bytes counted per iteration; JMH reports them per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        /** Bytes read. */
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }
}
