package dev.sluice.pipeline;

import dev.sluice.core.hash.CacheKey;
import dev.sluice.core.hash.ContentHash;
import dev.sluice.core.hash.Seed;
import dev.sluice.core.schema.CanonicalReader;
import dev.sluice.core.schema.CanonicalWriter;
import dev.sluice.core.schema.Schema;
import dev.sluice.pipeline.evidence.EvidenceLink;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Runs one node of a started flow over canonical bytes, for both runtimes, which is why they give identical bytes:
 * the entry point of a node's execution. It holds the node's seed and edge codec ({@link EdgeCodec}) and the
 * execution made for the node's kind ({@link MapExecution}, {@link CallExecution}, {@link GateExecution},
 * {@link SinkExecution}), and hands each call to the one that does the job. Thread-safe; per-call state lives in
 * the caller's {@link NodeOutput}.
 *
 * <p><b>Values stay bytes until needed.</b> An output that comes as bytes (a cache hit, an adapter's result, a
 * reused pure output) is not decoded here: {@link NodeOutput#value} stays null and the next node decodes it only
 * if it has to run ({@link #decodeInput}); the runtime decodes the flow's output once for the caller. A pure
 * {@code map} node's output is remembered by its input's hash and reused for the same input without decoding it
 * or calling the function ({@link MapExecution}); an adapter's cache hit brings the output's hash and evidence
 * links remembered beside the key ({@link CachedOutputs}). So a request whose adapters all hit decodes only what
 * gates and sinks read and what the caller gets.
 */
final class NodeExecutor {
    final Node node;
    private final Seed seed;
    private final EdgeCodec codec;
    private final NodeExecution execution;

    NodeExecutor(Flow<?, ?> flow, Node node, Schema<?> inputSchema, Seed pipelineSeed, ResultCache cache) {
        this.node = node;
        this.seed = pipelineSeed.derive(node.id);
        this.codec = new EdgeCodec(node, inputSchema);
        this.execution = switch (node) {
            case MapNode map -> new MapExecution(map, codec);
            case CallNode call -> new CallExecution(flow, call, inputSchema, codec, seed, cache);
            case GateNode gate -> new GateExecution(gate, codec);
            case SinkNode sink -> new SinkExecution(sink, codec);
        };
    }

    /** The result of one execution, reused by the caller between executions. */
    static final class NodeOutput {
        /** The output value, or null while it is only bytes (see {@link #outputValue}). */
        Object value;

        int length;
        /** The SHA-256 of the output bytes when the execution knows it, else null (see {@link #outputHash}). */
        ContentHash hash;
        /** The codec flyweights of the thread that owns this holder, rewrapped for each value. */
        final CanonicalWriter writer = new CanonicalWriter();

        final CanonicalReader reader = new CanonicalReader();
        boolean cacheHit;
        long tokens;
        int retries;
        GateDecision<?> decision;
        List<EvidenceLink> evidence = List.of();

        void reset() {
            evidence = List.of();
            value = null;
            length = 0;
            hash = null;
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

    /**
     * Runs the node to completion on the calling thread, writing the output bytes to {@code out} from index 0.
     *
     * @param input the input value, or null to decode it from the bytes if the node needs it
     * @param inputHash the SHA-256 of the input bytes
     */
    void executeInline(
            Object input,
            DirectBuffer in,
            int offset,
            int length,
            ContentHash inputHash,
            UUID runId,
            TokenListener tokens,
            ExpandableArrayBuffer out,
            NodeOutput result) {
        result.reset();
        switch (execution) {
            case MapExecution map -> map.execute(input, in, offset, length, inputHash, out, result);
            case CallExecution call -> call.executeInline(input, in, offset, length, runId, tokens, out, result);
            case GateExecution gate -> gate.execute(input, in, offset, length, out, result);
            case SinkExecution sink -> sink.execute(input, in, offset, length, out, result);
        }
    }

    // ---------------------------------------------------------------- adapter nodes

    /** @return whether this node is an adapter whose output may come from the cache */
    boolean isCachedCall() {
        return execution instanceof CallExecution call && call.cacheable();
    }

    /** @return the cache key of this adapter for the given input bytes */
    CacheKey key(DirectBuffer in, int offset, int length) {
        return call().key(in, offset, length);
    }

    /** @return a context for one adapter execution (with its retries), timed from now */
    AdapterContext newContext(UUID runId, TokenListener tokens, BooleanSupplier cancelled) {
        return call().newContext(runId, tokens, cancelled);
    }

    /**
     * Takes output bytes cached under {@code key} (a hit, or the result of a load) into {@code out} and
     * {@code result} with their hash and evidence links (see {@link CachedOutputs#accept}).
     */
    void acceptCached(CacheKey key, byte[] bytes, MutableDirectBuffer out, NodeOutput result) {
        call().acceptCached(key, bytes, out, result);
    }

    /**
     * Calls the adapter within its concurrency bound, retrying failures up to its limit, and encodes its output.
     *
     * @param key the cache key the output will be stored under, null if it is not cached: the execution's
     *     evidence links are remembered under it
     * @return the output's canonical bytes
     */
    byte[] invoke(Object input, AdapterContext context, CacheKey key) {
        return call().invoke(input, context, key);
    }

    /** @return the adapter's timeout in nanoseconds, 0 for none */
    long adapterTimeoutNs() {
        return call().timeoutNs();
    }

    /** @return the failure of an execution that ran past the adapter's timeout */
    NodeFailedException timedOut() {
        return call().timedOut();
    }

    private CallExecution call() {
        if (execution instanceof CallExecution call) {
            return call;
        }
        throw new IllegalStateException(node + " is not an adapter node");
    }

    // ---------------------------------------------------------------- edge bytes

    /** Copies output bytes that came from the cache, an adapter or the memo into {@code out}, undecoded. */
    void acceptBytes(byte[] bytes, MutableDirectBuffer out, NodeOutput result) {
        EdgeCodec.acceptBytes(bytes, out, result);
    }

    /**
     * @param input the input value, or null if the node before left it as bytes
     * @param codec the calling thread's holder, whose reader is used
     * @return the input value, decoded from {@code in} if it was null
     */
    Object decodeInput(Object input, DirectBuffer in, int offset, int length, NodeOutput codec) {
        return this.codec.decodeInput(input, in, offset, length, codec);
    }

    /**
     * @param out the buffer the execution wrote its output bytes to (from index 0)
     * @return the output value, decoded (once) from the bytes if the execution left it as bytes
     */
    Object outputValue(NodeOutput result, DirectBuffer out) {
        return codec.outputValue(result, out);
    }

    /** Encodes a value this node computed into {@code out} from index 0 and records it in {@code result}. */
    void encode(Object value, MutableDirectBuffer out, NodeOutput result) {
        codec.encodeOutput(value, out, result);
    }

    /**
     * {@link Schema#encode(Object, MutableDirectBuffer, int)} at index 0 with a reused writer.
     *
     * @return the number of bytes written
     */
    static <T> int encode(Schema<T> schema, T value, MutableDirectBuffer out, CanonicalWriter writer) {
        return EdgeCodec.encode(schema, value, out, writer);
    }

    /**
     * @return the SHA-256 of the output bytes: known by the execution, else the input's when the output bytes are
     *     the input bytes (a gate that passes, a sink), else computed
     */
    static ContentHash outputHash(
            NodeOutput result, DirectBuffer out, ContentHash inputHash, DirectBuffer in, int offset, int length) {
        return EdgeCodec.outputHash(result, out, inputHash, in, offset, length);
    }
}
