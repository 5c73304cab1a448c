package dev.sluice.pipeline;

import dev.sluice.core.BadInputException;
import dev.sluice.core.hash.CacheKey;
import dev.sluice.core.hash.Seed;
import dev.sluice.core.schema.Schema;
import dev.sluice.pipeline.evidence.EvidenceLink;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Runs one node of a started flow over canonical bytes: decodes nothing it does not need, computes the cache key
 * of an adapter from the input bytes in place, serves hits from the cache unchanged, and encodes outputs once.
 * Both runtimes use it, which is why they give identical bytes. Thread-safe; per-call state lives in the
 * caller's {@link NodeOutput}.
 */
final class NodeExecutor {
    /** Bumped when the meaning of the version string below changes: it enters every adapter's cache key. */
    static final int KEY_LAYOUT_VERSION = 1;

    final Node node;
    private final String keyVersion;
    private final Seed seed;
    private final ResultCache cache;
    private final Semaphore slots;
    /** The evidence links of cached outputs, so that a cache hit reports the links of the execution it reuses. */
    private final Cache<CacheKey, List<EvidenceLink>> evidenceByKey;

    NodeExecutor(Flow<?, ?> flow, Node node, Schema<?> inputSchema, Seed pipelineSeed, ResultCache cache) {
        this.node = node;
        this.keyVersion = "sluice=" + KEY_LAYOUT_VERSION + ";flow=" + flow.name() + "@" + flow.version() + ";node="
                + node.id + "@" + node.version + ";in=" + inputSchema.version() + ";out=" + node.outputSchema.version()
                + ";state=";
        this.seed = pipelineSeed.derive(node.id);
        this.cache = cache;
        this.slots = node.kind == NodeKind.CALL ? new Semaphore(node.adapter.maxConcurrency(), true) : null;
        this.evidenceByKey = node.kind == NodeKind.CALL
                ? Caffeine.newBuilder().maximumSize(EVIDENCE_REMEMBERED).executor(Runnable::run).build() : null;
    }

    /** How many cached outputs' evidence links each adapter node remembers. */
    private static final int EVIDENCE_REMEMBERED = 4096;

    /** The result of one execution, reused by the caller between executions. */
    static final class NodeOutput {
        Object value;
        int length;
        boolean cacheHit;
        long tokens;
        int retries;
        GateDecision<?> decision;
        List<EvidenceLink> evidence = List.of();

        void reset() {
            evidence = List.of();
            value = null;
            length = 0;
            cacheHit = false;
            tokens = 0;
            retries = 0;
            decision = null;
        }

        /** Records what an adapter execution did besides its output. */
        void countAdapter(AdapterContext context) {
            tokens = context.tokensEmitted();
            retries = context.retries();
            evidence = context.evidence();
        }
    }

    /** @return the node's seed, derived from the pipeline's seed and the node id */
    Seed seed() {
        return seed;
    }

    /** @return whether this node is an adapter whose output may come from the cache */
    boolean isCachedCall() {
        return node.kind == NodeKind.CALL && node.adapter.cacheable();
    }

    /** The last full version string built, reused while the adapter's state and settings stay the same. */
    private record KeyVersion(String state, String settings, String full) {
    }

    private volatile KeyVersion lastKeyVersion = new KeyVersion("", "", "");

    /** @return the cache key of this adapter for the given input bytes */
    CacheKey key(DirectBuffer in, int offset, int length) {
        String state = node.adapter.stateVersion();
        String settings = node.adapter.settings();
        KeyVersion version = lastKeyVersion;
        if (!version.state.equals(state) || !version.settings.equals(settings) || version.full.isEmpty()) {
            version = new KeyVersion(state, settings, keyVersion + state + ";settings=" + settings);
            lastKeyVersion = version;
        }
        return CacheKey.of(in, offset, length, node.adapter.modelIdentity(), seed, node.adapter.tools(), version.full);
    }

    /**
     * Runs the node to completion on the calling thread, writing the output bytes to {@code out} from index 0.
     */
    void executeInline(Object input, DirectBuffer in, int offset, int length, UUID runId, TokenListener tokens,
            ExpandableArrayBuffer out, NodeOutput result) {
        result.reset();
        switch (node.kind) {
            case MAP -> encode(apply(input), out, result);
            case GATE -> {
                GateDecision<Object> decision = decide(input);
                result.decision = decision;
                encode(decision.value(), out, result);
            }
            case SINK -> {
                sink(input);
                out.putBytes(0, in, offset, length);
                result.value = input;
                result.length = length;
            }
            case CALL -> {
                AdapterContext context = newContext(runId, tokens, NOT_CANCELLED);
                if (!node.adapter.cacheable()) {
                    acceptBytes(invoke(input, context, null), out, result);
                    result.countAdapter(context);
                    return;
                }
                CacheKey key = key(in, offset, length);
                byte[] hit = cache.getIfPresent(key);
                if (hit != null) {
                    result.cacheHit = true;
                    result.evidence = rememberedEvidence(key);
                    acceptBytes(hit, out, result);
                    return;
                }
                byte[] bytes;
                try {
                    bytes = cache.computeIfAbsent(key, () -> CompletableFuture.completedFuture(
                            invoke(input, context, key))).join();
                } catch (java.util.concurrent.CompletionException e) {
                    throw e.getCause() instanceof NodeFailedException failed ? failed : e;
                }
                result.countAdapter(context);
                if (result.evidence.isEmpty()) {
                    result.evidence = rememberedEvidence(key); // another caller computed it (single flight)
                }
                acceptBytes(bytes, out, result);
            }
        }
    }

    private static final java.util.function.BooleanSupplier NOT_CANCELLED = () -> false;

    /** @return a context for one adapter execution (with its retries), timed from now */
    AdapterContext newContext(UUID runId, TokenListener tokens, java.util.function.BooleanSupplier cancelled) {
        return new AdapterContext(node.id, runId, seed, tokens, node.adapter.timeout().toNanos(), cancelled,
                cache);
    }

    /**
     * @return the evidence links of the execution whose output is cached under this key: from this node's memory,
     *     else from the result cache (which keeps them beside the output, also across restarts)
     */
    List<EvidenceLink> rememberedEvidence(CacheKey key) {
        List<EvidenceLink> links = evidenceByKey.getIfPresent(key);
        if (links == null) {
            links = cache.evidence(key);
            evidenceByKey.put(key, links);
        }
        return links;
    }

    /**
     * Calls the adapter within its concurrency bound, retrying failures up to its limit, and encodes its output.
     *
     * @param key the cache key the output will be stored under, null if it is not cached: the execution's
     *     evidence links are remembered under it
     * @return the output's canonical bytes
     */
    byte[] invoke(Object input, AdapterContext context, CacheKey key) {
        Object output = null;
        for (int attempt = 0; output == null; attempt++) {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NodeFailedException(node.id, "interrupted while waiting for a free slot", e);
            }
            try {
                output = node.adapter.apply(input, context);
                if (output == null) {
                    throw new NodeFailedException(node.id, "the adapter returned null", null);
                }
            } catch (Exception e) {
                if (attempt >= node.adapter.maxRetries() || context.isCancelled() || e instanceof NodeFailedException) {
                    throw e instanceof NodeFailedException failed ? failed
                            : new NodeFailedException(node.id, e + (attempt > 0 ? " (after " + attempt + " retries)" : ""), e);
                }
                context.countRetry();
            } finally {
                slots.release();
            }
        }
        if (context.pastDeadline()) {
            throw timedOut();
        }
        byte[] bytes;
        try {
            bytes = node.outputSchema.encode(output);
        } catch (BadInputException e) {
            throw unencodable(e);
        }
        if (key != null && !context.evidence().isEmpty()) {
            List<EvidenceLink> links = List.copyOf(context.evidence());
            evidenceByKey.put(key, links);
            cache.putEvidence(key, links);
        }
        return bytes;
    }

    /** Decodes output bytes that came from the cache or an adapter into {@code out} and {@code result}. */
    void acceptBytes(byte[] bytes, MutableDirectBuffer out, NodeOutput result) {
        out.putBytes(0, bytes);
        result.length = bytes.length;
        result.value = node.outputSchema.decode(out, 0, bytes.length);
    }

    private Object apply(Object input) {
        try {
            return node.function.apply(input);
        } catch (RuntimeException e) {
            throw new NodeFailedException(node.id, e.toString(), e);
        }
    }

    private GateDecision<Object> decide(Object input) {
        GateDecision<Object> decision;
        try {
            decision = node.gate.decide(input);
        } catch (RuntimeException e) {
            throw new NodeFailedException(node.id, e.toString(), e);
        }
        if (decision == null) {
            throw new NodeFailedException(node.id, "the gate returned no decision", null);
        }
        return decision;
    }

    private void sink(Object input) {
        try {
            node.sink.accept(input);
        } catch (RuntimeException e) {
            throw new NodeFailedException(node.id, e.toString(), e);
        }
    }

    /** Encodes a value this node computed into {@code out} from index 0 and records it in {@code result}. */
    void encode(Object value, MutableDirectBuffer out, NodeOutput result) {
        try {
            result.length = node.outputSchema.encode(value, out, 0);
            result.value = value;
        } catch (BadInputException e) {
            throw unencodable(e);
        }
    }

    NodeFailedException timedOut() {
        return new NodeFailedException(node.id, "timed out after " + node.adapter.timeout().toMillis() + " ms", null);
    }

    private NodeFailedException unencodable(BadInputException e) {
        return new NodeFailedException(node.id, "its output cannot be encoded as " + node.outputSchema.typeName()
                + ": " + e.getMessage(), e);
    }
}
