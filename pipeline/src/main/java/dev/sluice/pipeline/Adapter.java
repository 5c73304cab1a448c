package dev.sluice.pipeline;

import java.util.List;

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

    /** @return whether outputs may be cached and reused under the same key (default: yes) */
    default boolean cacheable() {
        return true;
    }

    /** @return how many executions may run at once (the model's slots); at least 1 */
    default int maxConcurrency() {
        return 1;
    }
}
