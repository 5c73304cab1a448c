package dev.sluice.pipeline;

import dev.sluice.core.hash.Seed;
import java.util.UUID;

/**
 * What an {@link Adapter} knows about the execution it serves: the node, the run, the node's seed (derived from
 * the pipeline's seed and the node id, so the same for every run: outputs stay cacheable), and the caller's token
 * stream. One instance per execution; not shared between threads.
 */
public final class AdapterContext {
    private final String nodeId;
    private final UUID runId;
    private final Seed seed;
    private final TokenListener tokens;
    private long tokenCount;

    AdapterContext(String nodeId, UUID runId, Seed seed, TokenListener tokens) {
        this.nodeId = nodeId;
        this.runId = runId;
        this.seed = seed;
        this.tokens = tokens;
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
}
