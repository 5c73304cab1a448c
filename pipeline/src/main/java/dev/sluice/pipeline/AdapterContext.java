package dev.sluice.pipeline;

import dev.sluice.core.hash.Seed;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * What an {@link Adapter} knows about the execution it serves: the node, the run, the node's seed (derived from
 * the pipeline's seed and the node id, so the same for every run: outputs stay cacheable), and the caller's token
 * stream, whether it should stop. One instance per execution (retries included); {@link #isCancelled()} may be
 * read from any thread, the rest belongs to the thread running the adapter.
 */
public final class AdapterContext {
    private final String nodeId;
    private final UUID runId;
    private final Seed seed;
    private final TokenListener tokens;
    private final long deadlineNs;
    private final BooleanSupplier callerCancelled;
    private final ResultCache cache;
    private long tokenCount;
    private int retries;
    private volatile boolean timedOut;

    AdapterContext(String nodeId, UUID runId, Seed seed, TokenListener tokens, long timeoutNs,
            BooleanSupplier callerCancelled, ResultCache cache) {
        this.cache = cache;
        this.nodeId = nodeId;
        this.runId = runId;
        this.seed = seed;
        this.tokens = tokens;
        this.deadlineNs = timeoutNs == 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutNs;
        this.callerCancelled = callerCancelled;
    }

    /** @return the id of the node being executed */
    public String nodeId() {
        return nodeId;
    }

    /** @return the id of the run */
    public UUID runId() {
        return runId;
    }

    /** @return the node's seed: pass it to the model for reproducible sampling */
    public Seed seed() {
        return seed;
    }

    /**
     * Streams a piece of output (a generated token) to the caller as it is produced. Cache hits stream nothing:
     * the caller gets the whole output at once.
     *
     * @param token the text of the token
     */
    public void emitToken(String token) {
        tokenCount++;
        tokens.onToken(nodeId, token);
    }

    /** @return how many tokens this execution has emitted */
    public long tokensEmitted() {
        return tokenCount;
    }

    /**
     * @return whether the caller cancelled the request or the adapter's {@link Adapter#timeout()} has passed: a
     *     long-running adapter should look at this between steps and stop
     */
    public boolean isCancelled() {
        return timedOut || System.nanoTime() - deadlineNs > 0 || callerCancelled.getAsBoolean();
    }

    /** @return how many times this execution was retried so far */
    public int retries() {
        return retries;
    }

    /** @return the pipeline's result cache, for adapters that run flows of their own (joins) */
    ResultCache cache() {
        return cache;
    }

    /** @return the listener of the request's tokens */
    TokenListener tokens() {
        return tokens;
    }

    void countRetry() {
        retries++;
    }

    boolean pastDeadline() {
        return System.nanoTime() - deadlineNs > 0;
    }

    void markTimedOut() {
        timedOut = true;
    }
}
