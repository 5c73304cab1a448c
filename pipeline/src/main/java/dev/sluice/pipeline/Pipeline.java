package dev.sluice.pipeline;

import java.time.Duration;
import java.util.List;
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
