package dev.sluice.pipeline;

import dev.sluice.core.BadInputException;
import dev.sluice.core.hash.Seed;
import dev.sluice.pipeline.evidence.EvidenceStore;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;

/**
 * How a flow runs: inline on the caller's thread, or pipelined on Agrona agents connected by ring buffers; plus
 * what both share, the result cache and the pipeline seed. Immutable: each {@code with...} returns a copy.
 * Both runtimes give byte-identical outputs for the same flow, inputs, seed and cache contents.
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

    enum Mode { INLINE, PIPELINED }

    private final Mode mode;
    private final ResultCache cache;
    private final Seed seed;
    private final int threads;
    private final int ringCapacityBytes;
    private final Idle idle;
    private final long submitTimeoutNs;
    private final int adapterThreads;
    private final Observability observability;

    private FlowRuntime(Mode mode, ResultCache cache, Seed seed, int threads, int ringCapacityBytes, Idle idle,
            long submitTimeoutNs, int adapterThreads, Observability observability) {
        this.observability = observability;
        this.mode = mode;
        this.cache = cache;
        this.seed = seed;
        this.threads = threads;
        this.ringCapacityBytes = ringCapacityBytes;
        this.idle = idle;
        this.submitTimeoutNs = submitTimeoutNs;
        this.adapterThreads = adapterThreads;
    }

    /** @return an inline runtime with a 64 MiB in-memory cache and seed 0 */
    public static FlowRuntime inline() {
        return new FlowRuntime(Mode.INLINE, ResultCache.inMemory(64L << 20), Seed.of(0), 1, 1 << 20, Idle.BACKOFF, 0, 4,
                Observability.DEFAULT);
    }

    /**
     * @return a pipelined runtime: 1 stage thread, 1 MiB ring buffers, backoff idling, fail-fast submission,
     *     a 64 MiB in-memory cache, seed 0
     */
    public static FlowRuntime pipelined() {
        return new FlowRuntime(Mode.PIPELINED, ResultCache.inMemory(64L << 20), Seed.of(0), 1, 1 << 20, Idle.BACKOFF,
                0, 4, Observability.DEFAULT);
    }

    /**
     * @param resultCache the cache to share; several pipelines may share one
     * @return a copy with this cache
     */
    public FlowRuntime withCache(ResultCache resultCache) {
        if (resultCache == null) {
            throw new BadInputException("the result cache must not be null");
        }
        return new FlowRuntime(mode, resultCache, seed, threads, ringCapacityBytes, idle, submitTimeoutNs,
                adapterThreads, observability);
    }

    /**
     * @param pipelineSeed the seed every node's seed derives from
     * @return a copy with this seed
     */
    public FlowRuntime withSeed(Seed pipelineSeed) {
        if (pipelineSeed == null) {
            throw new BadInputException("the seed must not be null");
        }
        return new FlowRuntime(mode, cache, pipelineSeed, threads, ringCapacityBytes, idle, submitTimeoutNs,
                adapterThreads, observability);
    }

    /**
     * @param stageThreads how many threads run the stages (pipelined only), 1 to 64
     * @return a copy with this many threads
     */
    public FlowRuntime withThreads(int stageThreads) {
        if (stageThreads < 1 || stageThreads > 64) {
            throw new BadInputException("stage threads must be 1 to 64, got " + stageThreads);
        }
        return new FlowRuntime(mode, cache, seed, stageThreads, ringCapacityBytes, idle, submitTimeoutNs,
                adapterThreads, observability);
    }

    /**
     * @param capacityBytes the data capacity of each ring buffer (pipelined only): a power of two, 4 KiB to 1 GiB
     * @return a copy with this capacity
     */
    public FlowRuntime withRingCapacity(int capacityBytes) {
        if (capacityBytes < 4096 || Integer.bitCount(capacityBytes) != 1) {
            throw new BadInputException("ring capacity must be a power of two of at least 4096 bytes, got "
                    + capacityBytes);
        }
        return new FlowRuntime(mode, cache, seed, threads, capacityBytes, idle, submitTimeoutNs, adapterThreads,
                observability);
    }

    /**
     * @param idleStrategy how stage threads wait for work
     * @return a copy with this strategy
     */
    public FlowRuntime withIdle(Idle idleStrategy) {
        if (idleStrategy == null) {
            throw new BadInputException("the idle strategy must not be null");
        }
        return new FlowRuntime(mode, cache, seed, threads, ringCapacityBytes, idleStrategy, submitTimeoutNs,
                adapterThreads, observability);
    }

    /**
     * @param timeout how long {@code submit} waits for room when the first ring buffer is full; zero fails at once
     * @return a copy with this backpressure policy
     */
    public FlowRuntime withSubmitTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative()) {
            throw new BadInputException("the submit timeout must be zero or positive, got " + timeout);
        }
        return new FlowRuntime(mode, cache, seed, threads, ringCapacityBytes, idle, timeout.toNanos(),
                adapterThreads, observability);
    }

    /**
     * @param poolThreads the threads that run blocking adapter calls (pipelined only), 1 to 256; each adapter is
     *     further bounded by its own {@link Adapter#maxConcurrency()}
     * @return a copy with this pool size
     */
    public FlowRuntime withAdapterThreads(int poolThreads) {
        if (poolThreads < 1 || poolThreads > 256) {
            throw new BadInputException("adapter threads must be 1 to 256, got " + poolThreads);
        }
        return new FlowRuntime(mode, cache, seed, threads, ringCapacityBytes, idle, submitTimeoutNs, poolThreads,
                observability);
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
        return new FlowRuntime(mode, cache, seed, threads, ringCapacityBytes, idle, submitTimeoutNs, adapterThreads,
                new Observability(store, observability.openTelemetry(), observability.captureText()));
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
        return new FlowRuntime(mode, cache, seed, threads, ringCapacityBytes, idle, submitTimeoutNs, adapterThreads,
                new Observability(observability.store(), openTelemetry, captureText));
    }

    <I, O> Pipeline<I, O> start(Flow<I, O> flow) {
        return switch (mode) {
            case INLINE -> new InlinePipeline<>(flow, seed, cache, observability);
            case PIPELINED -> new PipelinedPipeline<>(flow, this);
        };
    }

    Observability observability() {
        return observability;
    }

    ResultCache cache() {
        return cache;
    }

    Seed seed() {
        return seed;
    }

    int threads() {
        return threads;
    }

    int ringCapacityBytes() {
        return ringCapacityBytes;
    }

    Idle idle() {
        return idle;
    }

    long submitTimeoutNs() {
        return submitTimeoutNs;
    }

    int adapterThreads() {
        return adapterThreads;
    }

    @Override
    public String toString() {
        return "FlowRuntime[" + mode + (mode == Mode.PIPELINED ? ", threads " + threads + ", ring " + ringCapacityBytes
                + " B, " + idle + ", submit timeout " + submitTimeoutNs + " ns" : "") + ", seed " + seed.value() + "]";
    }
}
