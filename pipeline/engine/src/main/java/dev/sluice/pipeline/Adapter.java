package dev.sluice.pipeline;

import dev.sluice.pipeline.telemetry.GenAiCall;
import dev.sluice.pipeline.telemetry.GenAiResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A node with side effects at the edge of a flow: a model call, an index read, any I/O. Unlike a pure
 * {@code map}, an adapter says what else its output depends on (model, tools, the version of the state it reads),
 * so that its cache key covers everything that can change the output, and it runs with bounded concurrency.
 *
 * <p>Implementations must be thread-safe up to {@link #maxConcurrency()} concurrent calls, and deterministic for
 * a given input, context seed, model, tools and state version if they are {@link #cacheable()}.
 *
 * @param <T> the input type
 * @param <R> the output type
 */
@FunctionalInterface
public interface Adapter<T, R> {
    /**
     * Computes the output. Called only on a cache miss (for a cacheable adapter).
     *
     * @param input the input value
     * @param context the seed, the node id and the token stream of this execution
     * @return the output, not null
     * @throws Exception any failure; it fails only this request, naming the node
     */
    R apply(T input, AdapterContext context) throws Exception;

    /** @return the identity of the model this adapter calls, as a {@code ModelIdentity.key()}; "" for none */
    default String modelIdentity() {
        return "";
    }

    /** @return the tools the adapter may use (a set; order does not matter) */
    default List<String> tools() {
        return List.of();
    }

    /**
     * @return the version of the external state the adapter reads (an index generation, a knowledge-base hash),
     *     read at each execution so that a changed state never serves a stale cached output; "" for none
     */
    default String stateVersion() {
        return "";
    }

    /**
     * @return the adapter's settings that change its output (sampling parameters, a prompt template, a top-k), in
     *     any stable text form such as a hash; they enter the cache key. "" for none
     */
    default String settings() {
        return "";
    }

    /** @return whether outputs may be cached and reused under the same key (default: yes) */
    default boolean cacheable() {
        return true;
    }

    /**
     * @return how long one execution may take, {@link Duration#ZERO} for no limit. Past it the request fails with
     *     a {@link NodeFailedException} and {@link AdapterContext#isCancelled()} turns true, so a long generation
     *     can stop early; an adapter that never looks is still waited for by the inline runtime.
     */
    default Duration timeout() {
        return Duration.ZERO;
    }

    /**
     * @return how many times a failed execution is retried (with the same input and seed) before the request
     *     fails; retries are counted in {@link NodeTrace#retries()}
     */
    default int maxRetries() {
        return 0;
    }

    /** @return how many executions may run at once (the model's slots); at least 1 */
    default int maxConcurrency() {
        return 1;
    }

    /**
     * @return how this adapter's model calls appear in traces under the GenAI semantic conventions; empty (the
     *     default) for an adapter that calls no model. Read once when the pipeline starts.
     */
    default Optional<GenAiCall> genAi() {
        return Optional.empty();
    }

    /**
     * @param output an output of this adapter
     * @return its token usage, finish reasons and text for the GenAI span attributes of an adapter whose
     *     {@link #genAi()} is present; empty (the default) when the output carries none. Called only for a
     *     recording span.
     */
    default Optional<GenAiResponse> genAiResponse(R output) {
        return Optional.empty();
    }
}
