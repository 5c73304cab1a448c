package dev.sluice.pipeline;

import dev.sluice.core.BadInputException;
import dev.sluice.core.hash.Seed;
import dev.sluice.pipeline.evidence.EvidenceStore;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * How a flow runs: inline on the caller's thread, or pipelined on Agrona agents connected by ring buffers; plus
 * what both share, the result cache, the pipeline seed, evidence and telemetry. Immutable: each {@code with...}
 * checks its argument and returns a copy. Both runtimes give byte-identical outputs for the same flow, inputs,
 * seed and cache contents.
 *
 * <p><b>Which threads may block.</b> Inline, everything runs on the caller's thread, which blocks on model calls
 * and the persistent cache tier. Pipelined, stage threads never block on disk or on a model: they look up the
 * result cache's memory tier only and hand every adapter call, and every read and write of the persistent cache
 * tier, to the adapter pool ({@link #withAdapterThreads}), whose threads may block; {@code submit} may wait for
 * room up to its timeout ({@link #withSubmitTimeout}). Evidence is written off the run's thread either way
 * ({@link #withEvidence}).
 */
public final class FlowRuntime {
    /** How a pipelined runtime's threads wait when there is no work. */
    public enum Idle {
        /** Spin: lowest latency, burns a core per thread; for dedicated cores. */
        BUSY_SPIN,
        /** Spin, then yield, then park with growing pauses: the default. */
        BACKOFF,
        /** Park for a fixed short pause: least CPU, for shared machines. */
        SLEEPING
    }

    enum Mode {
        INLINE,
        PIPELINED
    }

    /** The default memory tier of the result cache, bytes (64 MiB). */
    static final long DEFAULT_CACHE_BYTES = 64L << 20;
    /** The default number of stage threads. */
    static final int DEFAULT_STAGE_THREADS = 1;
    /** The most stage threads a pipelined runtime may have. */
    static final int MAX_STAGE_THREADS = 64;
    /** The default data capacity of each ring buffer, bytes (1 MiB). */
    static final int DEFAULT_RING_CAPACITY_BYTES = 1 << 20;
    /** The smallest data capacity of a ring buffer, bytes (4 KiB). */
    static final int MIN_RING_CAPACITY_BYTES = 4096;
    /** The largest data capacity of a ring buffer, bytes (1 GiB). */
    static final int MAX_RING_CAPACITY_BYTES = 1 << 30;
    /** The default number of adapter pool threads. */
    static final int DEFAULT_ADAPTER_THREADS = 4;
    /** The most adapter pool threads a pipelined runtime may have. */
    static final int MAX_ADAPTER_THREADS = 256;

    /** The settings, copied by every {@code with...}; never changed once a runtime holds them. */
    private static final class Settings implements Cloneable {
        Mode mode;
        ResultCache cache = ResultCache.inMemory(DEFAULT_CACHE_BYTES);
        Seed seed = Seed.of(0);
        int threads = DEFAULT_STAGE_THREADS;
        int ringCapacityBytes = DEFAULT_RING_CAPACITY_BYTES;
        Idle idle = Idle.BACKOFF;
        /** Zero: fail fast. */
        long submitTimeoutNs;

        int adapterThreads = DEFAULT_ADAPTER_THREADS;
        IntConsumer stageThreadSetup;
        Observability observability = Observability.DEFAULT;

        Settings copy() {
            try {
                return (Settings) clone();
            } catch (CloneNotSupportedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private final Settings settings;

    private FlowRuntime(Settings settings) {
        this.settings = settings;
    }

    private static FlowRuntime of(Mode mode) {
        Settings settings = new Settings();
        settings.mode = mode;
        return new FlowRuntime(settings);
    }

    private FlowRuntime with(Consumer<Settings> change) {
        Settings copy = settings.copy();
        change.accept(copy);
        return new FlowRuntime(copy);
    }

    /** @return an inline runtime with a 64 MiB in-memory cache and seed 0 */
    public static FlowRuntime inline() {
        return of(Mode.INLINE);
    }

    /**
     * @return a pipelined runtime: 1 stage thread, 1 MiB ring buffers, backoff idling, fail-fast submission,
     *     4 adapter threads, a 64 MiB in-memory cache, seed 0
     */
    public static FlowRuntime pipelined() {
        return of(Mode.PIPELINED);
    }

    /**
     * @param resultCache the cache to share; several pipelines may share one
     * @return a copy with this cache
     */
    public FlowRuntime withCache(ResultCache resultCache) {
        if (resultCache == null) {
            throw new BadInputException("the result cache must not be null");
        }
        return with(s -> s.cache = resultCache);
    }

    /**
     * @param pipelineSeed the seed every node's seed derives from
     * @return a copy with this seed
     */
    public FlowRuntime withSeed(Seed pipelineSeed) {
        if (pipelineSeed == null) {
            throw new BadInputException("the seed must not be null");
        }
        return with(s -> s.seed = pipelineSeed);
    }

    /**
     * @param stageThreads how many threads run the stages (pipelined only), 1 to 64
     * @return a copy with this many threads
     */
    public FlowRuntime withThreads(int stageThreads) {
        if (stageThreads < 1 || stageThreads > MAX_STAGE_THREADS) {
            throw new BadInputException("stage threads must be 1 to " + MAX_STAGE_THREADS + ", got " + stageThreads);
        }
        return with(s -> s.threads = stageThreads);
    }

    /**
     * @param capacityBytes the data capacity of each ring buffer (pipelined only): a power of two, 4 KiB to 1 GiB
     * @return a copy with this capacity
     */
    public FlowRuntime withRingCapacity(int capacityBytes) {
        if (capacityBytes < MIN_RING_CAPACITY_BYTES
                || capacityBytes > MAX_RING_CAPACITY_BYTES
                || Integer.bitCount(capacityBytes) != 1) {
            throw new BadInputException(
                    "ring capacity must be a power of two from 4096 bytes to 1 GiB, got " + capacityBytes);
        }
        return with(s -> s.ringCapacityBytes = capacityBytes);
    }

    /**
     * @param idleStrategy how stage threads wait for work
     * @return a copy with this strategy
     */
    public FlowRuntime withIdle(Idle idleStrategy) {
        if (idleStrategy == null) {
            throw new BadInputException("the idle strategy must not be null");
        }
        return with(s -> s.idle = idleStrategy);
    }

    /**
     * @param timeout how long {@code submit} waits for room when the first ring buffer is full; zero fails at once
     * @return a copy with this backpressure policy
     */
    public FlowRuntime withSubmitTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new BadInputException("the submit timeout must be zero or positive, got " + timeout);
        }
        return with(s -> s.submitTimeoutNs = timeout.toNanos());
    }

    /**
     * @param poolThreads the threads that run blocking adapter calls and the persistent cache tier's reads and
     *     writes (pipelined only), 1 to 256; each adapter is further bounded by its own
     *     {@link Adapter#maxConcurrency()}
     * @return a copy with this pool size
     */
    public FlowRuntime withAdapterThreads(int poolThreads) {
        if (poolThreads < 1 || poolThreads > MAX_ADAPTER_THREADS) {
            throw new BadInputException("adapter threads must be 1 to " + MAX_ADAPTER_THREADS + ", got " + poolThreads);
        }
        return with(s -> s.adapterThreads = poolThreads);
    }

    /**
     * Runs a setup on each stage thread of a pipelined runtime before it starts its stages, with the thread's index
     * (0 to {@code threads - 1}). The use it is made for is pinning: {@code sluice-native}'s
     * {@code CpuAffinity.roundRobin(cpus)} pins stage thread {@code i} to the {@code i}-th CPU of a set. For
     * dedicated cores with {@link Idle#BUSY_SPIN}; on a shared machine pinning only takes choices away from the
     * scheduler. A setup that throws stops that stage thread (the error is logged).
     *
     * @param setup called once on each stage thread
     * @return a copy that sets its stage threads up
     * @throws BadInputException if {@code setup} is null
     */
    public FlowRuntime withStageThreadSetup(IntConsumer setup) {
        if (setup == null) {
            throw new BadInputException("the stage thread setup must not be null");
        }
        return with(s -> s.stageThreadSetup = setup);
    }

    /**
     * Records every run's evidence chain and input (the journal) in a store, off the run's thread: see
     * {@link Pipeline#evidence} and {@link Pipeline#replay}. The pipeline does not close the store.
     *
     * @param store the store
     * @return a copy that records into it
     */
    public FlowRuntime withEvidence(EvidenceStore store) {
        if (store == null) {
            throw new BadInputException("the evidence store must not be null");
        }
        Observability o = settings.observability;
        return with(s -> s.observability = new Observability(store, o.openTelemetry(), o.captureText()));
    }

    /**
     * Traces runs with this OpenTelemetry instead of the global one ({@code GlobalOpenTelemetry.getOrNoop()} when
     * the pipeline starts): a span per run and a child span per node execution.
     *
     * @param openTelemetry the caller's OpenTelemetry (API; the SDK is the application's choice)
     * @param captureText whether spans of model calls carry the prompt and answer text
     *     ({@code gen_ai.input.messages}, {@code gen_ai.output.messages}); off unless asked for
     * @return a copy that traces with it
     */
    public FlowRuntime withTelemetry(OpenTelemetry openTelemetry, boolean captureText) {
        if (openTelemetry == null) {
            throw new BadInputException("the OpenTelemetry instance must not be null");
        }
        Observability o = settings.observability;
        return with(s -> s.observability = new Observability(o.store(), openTelemetry, captureText));
    }

    <I, O> Pipeline<I, O> start(Flow<I, O> flow) {
        return switch (settings.mode) {
            case INLINE -> new InlinePipeline<>(flow, settings.seed, settings.cache, settings.observability);
            case PIPELINED -> new PipelinedPipeline<>(flow, this);
        };
    }

    Observability observability() {
        return settings.observability;
    }

    ResultCache cache() {
        return settings.cache;
    }

    Seed seed() {
        return settings.seed;
    }

    int threads() {
        return settings.threads;
    }

    int ringCapacityBytes() {
        return settings.ringCapacityBytes;
    }

    Idle idle() {
        return settings.idle;
    }

    long submitTimeoutNs() {
        return settings.submitTimeoutNs;
    }

    int adapterThreads() {
        return settings.adapterThreads;
    }

    /** @return what each stage thread runs first, with its index, or null */
    IntConsumer stageThreadSetup() {
        return settings.stageThreadSetup;
    }

    @Override
    public String toString() {
        Settings s = settings;
        return "FlowRuntime[" + s.mode
                + (s.mode == Mode.PIPELINED
                        ? ", threads " + s.threads + ", ring "
                                + s.ringCapacityBytes + " B, " + s.idle + ", submit timeout " + s.submitTimeoutNs
                                + " ns"
                                + (s.stageThreadSetup == null ? "" : ", with a stage thread setup")
                        : "")
                + ", seed " + s.seed.value() + "]";
    }
}
