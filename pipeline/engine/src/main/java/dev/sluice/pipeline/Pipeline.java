package dev.sluice.pipeline;

import dev.sluice.pipeline.evidence.Evidence;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A running {@link Flow}. Thread-safe: any thread may submit. Every accepted request's future completes, with
 * a result or with an exception that names the failing node ({@link NodeFailedException}); a request refused by
 * backpressure fails at once with {@link PipelineFullException} and was never accepted.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public interface Pipeline<I, O> extends AutoCloseable {
    /**
     * Submits a request.
     *
     * @param input the input value
     * @return the result's future; inline pipelines return it completed
     */
    default CompletableFuture<RunResult<O>> submit(I input) {
        return submit(input, TokenListener.NONE);
    }

    /**
     * Submits a request and streams the tokens its adapters emit.
     *
     * @param input the input value
     * @param tokens receives each token on the adapter's thread
     * @return the result's future
     */
    CompletableFuture<RunResult<O>> submit(I input, TokenListener tokens);

    /**
     * Reads a run's evidence chain from the runtime's evidence store, after waiting for the runs handed to it so
     * far to be committed.
     *
     * @param runId the run's id ({@link RunResult#runId()})
     * @return the evidence, empty if the store has no such run
     * @throws IllegalStateException if the runtime has no evidence store ({@link FlowRuntime#withEvidence})
     */
    Optional<Evidence> evidence(UUID runId);

    /**
     * Re-runs the inputs journaled in {@code [from, to)} through this flow as it is now (inline, through the
     * pipeline's cache, recording nothing) and compares each output hash with the recorded one. Runs of other flows
     * are skipped. Blocks until every run is replayed.
     *
     * @param from the earliest run start, inclusive
     * @param to the latest run start, exclusive
     * @return per run: unchanged, changed (with the first node whose output changed), failed or skipped
     * @throws IllegalStateException if the runtime has no evidence store
     */
    ReplayReport replay(Instant from, Instant to);

    /** @return the result cache's counters */
    ResultCache.Stats cacheStats();

    /**
     * Stops taking work and waits up to {@code timeout} for the accepted requests to finish.
     *
     * @param timeout how long to wait
     * @return the requests that did not finish in time (their futures are failed), empty when all finished
     */
    List<String> close(Duration timeout);

    /** Closes with a 30-second grace period. */
    @Override
    default void close() {
        close(Duration.ofSeconds(30));
    }
}
