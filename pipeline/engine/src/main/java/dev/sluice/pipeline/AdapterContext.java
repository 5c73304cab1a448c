package dev.sluice.pipeline;

import dev.sluice.core.hash.Seed;
import dev.sluice.pipeline.evidence.EvidenceLink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    private List<EvidenceLink> evidence = List.of();
    private volatile boolean timedOut;

    AdapterContext(
            String nodeId,
            UUID runId,
            Seed seed,
            TokenListener tokens,
            long timeoutNs,
            BooleanSupplier callerCancelled,
            ResultCache cache) {
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

    /**
     * Reports a link of the run's evidence chain: a retrieved document (its id, the hash of the snippet used, the
     * snippet, its score), the prompt, a model setting. The pipeline records it with the run when an
     * {@link dev.sluice.pipeline.evidence.EvidenceStore} is attached, and remembers it for cache hits on the same
     * key. Costs one small object per call; nothing is written on this thread.
     *
     * @param kind what the link points at
     * @param ref a document id, template id, model identity
     * @param hash the SHA-256 (hex) of the content, "" if not known
     * @param snippet a short excerpt (cut to {@link EvidenceLink#MAX_SNIPPET_CHARS}), "" for none
     * @param meta anything else worth keeping, such as {@code score}
     */
    public void evidence(EvidenceLink.Kind kind, String ref, String hash, String snippet, Map<String, String> meta) {
        if (evidence.isEmpty()) {
            evidence = new ArrayList<>(4);
        }
        evidence.add(new EvidenceLink(kind, ref, hash, snippet, meta));
    }

    /** @return the links reported so far by this execution */
    List<EvidenceLink> evidence() {
        return evidence;
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
        evidence = List.of(); // the links of a failed attempt are not evidence of the output
    }

    boolean pastDeadline() {
        return System.nanoTime() - deadlineNs > 0;
    }

    void markTimedOut() {
        timedOut = true;
    }
}
