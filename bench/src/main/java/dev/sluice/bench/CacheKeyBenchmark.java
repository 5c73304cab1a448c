package dev.sluice.bench;

import dev.sluice.core.hash.CacheKey;
import dev.sluice.core.hash.Seed;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of a {@link CacheKey}, paid once per node execution before the cache is consulted: SHA-256 over the
 * canonical input bytes plus model, seed, tools and version. Inputs of 64 B, 1 KiB and 16 KiB of seeded random
 * bytes; the tools are already a sorted set, the common case, so no sorted copy is made. {@link #cacheKey} takes the
 * input as a {@code byte[]}; {@link #cacheKeyFromBuffer} reads the same bytes where they already sit in a
 * {@link DirectBuffer} (an envelope's payload), the pipeline's path.
 *
 * <p>Run (with allocation per operation, {@code gc.alloc.rate.norm}):
 * <pre>
 * ./mvnw -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar CacheKey -f 1 -wi 2 -i 3 -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {JvmFlags.NATIVE_ACCESS, JvmFlags.VECTOR_API, JvmFlags.AGRONA_UNSAFE})
@State(Scope.Benchmark)
public class CacheKeyBenchmark {
    /** The length of the canonical input in bytes. */
    @Param({"64", "1024", "16384"})
    public int inputBytes;

    private byte[] inputs;
    private DirectBuffer inputBuffer;
    private String model;
    private Seed seed;
    private List<String> tools;
    private String version;

    /** Fills the input with seeded random bytes; the other parts are fields, so the JIT cannot fold them. */
    @Setup
    public void setUp() {
        inputs = new byte[inputBytes];
        new SplittableRandom(20261126L).nextBytes(inputs);
        inputBuffer = new UnsafeBuffer(inputs);
        model = "all-MiniLM-L6-v2.onnx@sha256:9b4a4a3d1c2e5f60";
        seed = Seed.of(42);
        tools = List.of("calculator", "search");
        version = "node=3;flow=1;schema=1;index=7";
    }

    /** @return the key, consumed by JMH */
    @Benchmark
    public CacheKey cacheKey() {
        return CacheKey.of(inputs, model, seed, tools, version);
    }

    /** @return the key, consumed by JMH */
    @Benchmark
    public CacheKey cacheKeyFromBuffer() {
        return CacheKey.of(inputBuffer, 0, inputBytes, model, seed, tools, version);
    }
}
