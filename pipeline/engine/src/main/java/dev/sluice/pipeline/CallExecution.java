package dev.sluice.pipeline;

import dev.sluice.core.hash.CacheKey;
import dev.sluice.core.hash.Seed;
import dev.sluice.core.schema.Schema;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Runs an adapter node: serves a cacheable adapter's output from the result cache under its key
 * ({@link AdapterKeys}), unchanged and undecoded, else calls the adapter once per key (single flight through the
 * cache) within its concurrency bound, retrying failures up to its limit and failing past its timeout; outputs
 * are encoded once and remembered with their evidence ({@link CachedOutputs}). Thread-safe.
 */
final class CallExecution implements NodeExecution {
    private static final BooleanSupplier NOT_CANCELLED = () -> false;

    private final CallNode node;
    private final Adapter<Object, Object> adapter;
    private final EdgeCodec codec;
    private final Seed seed;
    private final ResultCache cache;
    private final AdapterKeys keys;
    private final CachedOutputs outputs;
    private final Semaphore slots;

    /** @param seed the node's seed */
    CallExecution(
            Flow<?, ?> flow, CallNode node, Schema<?> inputSchema, EdgeCodec codec, Seed seed, ResultCache cache) {
        this.node = node;
        this.adapter = node.adapter;
        this.codec = codec;
        this.seed = seed;
        this.cache = cache;
        this.keys = new AdapterKeys(flow, node, inputSchema, seed);
        this.outputs = new CachedOutputs(node, cache);
        this.slots = new Semaphore(adapter.maxConcurrency(), true);
    }

    /** @return whether the adapter's outputs may come from the cache */
    boolean cacheable() {
        return adapter.cacheable();
    }

    /** @return the cache key of the adapter for the given input bytes */
    CacheKey key(DirectBuffer in, int offset, int length) {
        return keys.key(in, offset, length);
    }

    /** @return the adapter's timeout in nanoseconds, 0 for none */
    long timeoutNs() {
        return adapter.timeout().toNanos();
    }

    /**
     * Runs the node to completion on the calling thread, writing the output bytes to {@code out} from index 0.
     *
     * @param input the input value, or null to decode it from the bytes if the adapter must run
     */
    void executeInline(
            Object input,
            DirectBuffer in,
            int offset,
            int length,
            UUID runId,
            TokenListener tokens,
            MutableDirectBuffer out,
            NodeExecutor.NodeOutput result) {
        if (!adapter.cacheable()) {
            AdapterContext context = newContext(runId, tokens, NOT_CANCELLED);
            EdgeCodec.acceptBytes(
                    invoke(codec.decodeInput(input, in, offset, length, result), context, null), out, result);
            result.countAdapter(context);
            return;
        }
        CacheKey key = keys.key(in, offset, length);
        byte[] hit = cache.getIfPresent(key);
        if (hit != null) {
            outputs.accept(key, hit, out, result);
            result.cacheHit = true;
            return;
        }
        Object value = codec.decodeInput(input, in, offset, length, result);
        AdapterContext context = newContext(runId, tokens, NOT_CANCELLED);
        byte[] bytes;
        try {
            bytes = cache.computeIfAbsent(key, () -> CompletableFuture.completedFuture(invoke(value, context, key)))
                    .join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof NodeFailedException failed ? failed : e;
        }
        result.countAdapter(context);
        outputs.accept(key, bytes, out, result);
    }

    /** @return a context for one adapter execution (with its retries), timed from now */
    AdapterContext newContext(UUID runId, TokenListener tokens, BooleanSupplier cancelled) {
        return new AdapterContext(
                node.id, runId, seed, tokens, adapter.timeout().toNanos(), cancelled, cache);
    }

    /** See {@link CachedOutputs#accept}. */
    void acceptCached(CacheKey key, byte[] bytes, MutableDirectBuffer out, NodeExecutor.NodeOutput result) {
        outputs.accept(key, bytes, out, result);
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
                output = adapter.apply(input, context);
                if (output == null) {
                    throw new NodeFailedException(node.id, "the adapter returned null", null);
                }
            } catch (Exception e) {
                if (attempt >= adapter.maxRetries() || context.isCancelled() || e instanceof NodeFailedException) {
                    throw e instanceof NodeFailedException failed
                            ? failed
                            : new NodeFailedException(
                                    node.id, e + (attempt > 0 ? " (after " + attempt + " retries)" : ""), e);
                }
                context.countRetry();
            } finally {
                slots.release();
            }
        }
        if (context.pastDeadline()) {
            throw timedOut();
        }
        byte[] bytes = codec.encodeOutput(output);
        if (key != null) {
            outputs.remember(key, bytes, context.evidence());
        }
        return bytes;
    }

    /** @return the failure of an execution that ran past the adapter's timeout */
    NodeFailedException timedOut() {
        return new NodeFailedException(
                node.id, "timed out after " + adapter.timeout().toMillis() + " ms", null);
    }
}
