package dev.sluice.pipeline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sluice.core.BadInputException;
import dev.sluice.core.CorruptDataException;
import dev.sluice.core.hash.CacheKey;
import dev.sluice.core.hash.ContentHash;
import dev.sluice.core.hash.Seed;
import dev.sluice.core.schema.CanonicalReader;
import dev.sluice.core.schema.CanonicalWriter;
import dev.sluice.core.schema.Schema;
import dev.sluice.pipeline.evidence.EvidenceLink;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Runs one node of a started flow over canonical bytes: decodes nothing it does not need, computes the cache key
 * of an adapter from the input bytes in place, serves hits from the cache unchanged, and encodes outputs once.
 * Both runtimes use it, which is why they give identical bytes. Thread-safe; per-call state lives in the
 * caller's {@link NodeOutput}.
 *
 * <p><b>Values stay bytes until needed.</b> An output that comes as bytes (a cache hit, an adapter's result, a
 * reused pure output) is not decoded here: {@link NodeOutput#value} stays null and the next node decodes it only
 * if it has to run ({@link #decodeInput}); the runtime decodes the flow's output once for the caller. A pure
 * {@code map} node is a function of its input bytes, so its output is remembered by the input's hash (bounded by
 * {@link #MEMO_BYTES}, for the life of the started pipeline) and reused for the same input without decoding it or
 * calling the function; an adapter's cache hit brings the output's hash and evidence links remembered beside the
 * key. So a request whose adapters all hit decodes only what gates and sinks read and what the caller gets.
 */
final class NodeExecutor {
    /** Bumped when the meaning of the version string below changes: it enters every adapter's cache key. */
    static final int KEY_LAYOUT_VERSION = 1;

    final Node node;
    private final Schema<Object> inputSchema;
    private final String keyVersion;
    private final Seed seed;
    private final ResultCache cache;
    private final Semaphore slots;
    /**
     * The hash and evidence links of cached outputs, so that a cache hit reports the links of the execution it
     * reuses and hashes nothing; valid while the cache hands out the same array.
     */
    private final Cache<CacheKey, Remembered> rememberedByKey;
    /** A pure node's outputs by the hash of their input. */
    private final Cache<ContentHash, Remembered> memo;

    /** An output's bytes as the cache (or memo) holds them, their hash, and the evidence of their execution. */
    private record Remembered(byte[] bytes, ContentHash hash, List<EvidenceLink> evidence) {
    }

    @SuppressWarnings("unchecked")
    NodeExecutor(Flow<?, ?> flow, Node node, Schema<?> inputSchema, Seed pipelineSeed, ResultCache cache) {
        this.node = node;
        this.inputSchema = (Schema<Object>) inputSchema;
        this.keyVersion = "sluice=" + KEY_LAYOUT_VERSION + ";flow=" + flow.name() + "@" + flow.version() + ";node="
                + node.id + "@" + node.version + ";in=" + inputSchema.version() + ";out=" + node.outputSchema.version()
                + ";state=";
        this.seed = pipelineSeed.derive(node.id);
        this.cache = cache;
        this.slots = node.kind == NodeKind.CALL ? new Semaphore(node.adapter.maxConcurrency(), true) : null;
        this.rememberedByKey = node.kind == NodeKind.CALL
                ? Caffeine.newBuilder().maximumSize(EVIDENCE_REMEMBERED).executor(Runnable::run).build() : null;
        this.memo = node.kind == NodeKind.MAP ? Caffeine.newBuilder().maximumWeight(MEMO_BYTES)
                .weigher((ContentHash in, Remembered out) -> out.bytes.length + MEMO_ENTRY_OVERHEAD_BYTES)
                .executor(Runnable::run).build() : null;
    }

    /** How many cached outputs' hashes and evidence links each adapter node remembers. */
    private static final int EVIDENCE_REMEMBERED = 4096;
    /** The most output bytes (plus a small overhead per entry) each pure node remembers. */
    static final long MEMO_BYTES = 1 << 20;
    /** Larger outputs are not remembered: they would crowd out many small ones. */
    private static final int MEMO_MAX_OUTPUT_BYTES = (int) (MEMO_BYTES / 16);
    private static final int MEMO_ENTRY_OVERHEAD_BYTES = 128;

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
     *
     * @param input the input value, or null to decode it from the bytes if the node needs it
     * @param inputHash the SHA-256 of the input bytes
     */
    void executeInline(Object input, DirectBuffer in, int offset, int length, ContentHash inputHash, UUID runId,
            TokenListener tokens, ExpandableArrayBuffer out, NodeOutput result) {
        result.reset();
        if (input == null && (node.kind == NodeKind.GATE || node.kind == NodeKind.SINK)) {
            input = decodeInput(null, in, offset, length, result);
        }
        switch (node.kind) {
            case MAP -> {
                Remembered known = memo.getIfPresent(inputHash);
                if (known != null) {
                    acceptBytes(known.bytes, out, result);
                    result.hash = known.hash;
                } else {
                    encode(apply(decodeInput(input, in, offset, length, result)), out, result);
                    remember(inputHash, out, result);
                }
            }
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
                if (!node.adapter.cacheable()) {
                    AdapterContext context = newContext(runId, tokens, NOT_CANCELLED);
                    acceptBytes(invoke(decodeInput(input, in, offset, length, result), context, null), out, result);
                    result.countAdapter(context);
                    return;
                }
                CacheKey key = key(in, offset, length);
                byte[] hit = cache.getIfPresent(key);
                if (hit != null) {
                    acceptCached(key, hit, out, result);
                    result.cacheHit = true;
                    return;
                }
                Object value = decodeInput(input, in, offset, length, result);
                AdapterContext context = newContext(runId, tokens, NOT_CANCELLED);
                byte[] bytes;
                try {
                    bytes = cache.computeIfAbsent(key, () -> CompletableFuture.completedFuture(
                            invoke(value, context, key))).join();
                } catch (java.util.concurrent.CompletionException e) {
                    throw e.getCause() instanceof NodeFailedException failed ? failed : e;
                }
                result.countAdapter(context);
                acceptCached(key, bytes, out, result);
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
     * Takes output bytes cached under {@code key} (a hit, or the result of a load) into {@code out} and
     * {@code result} with their hash and, unless this execution reported its own, the evidence links of the
     * execution that computed them: from this node's memory, else from the result cache (which keeps them beside
     * the output, also across restarts). Bytes this node has not seen before (a persistent-tier row, another
     * pipeline's output) are decoded once, so that a corrupt row fails here; later hits stay undecoded.
     */
    void acceptCached(CacheKey key, byte[] bytes, MutableDirectBuffer out, NodeOutput result) {
        Remembered known = rememberedByKey.getIfPresent(key);
        Object firstSeen = null;
        if (known == null || known.bytes != bytes) {
            try {
                firstSeen = node.outputSchema.decode(bytes);
            } catch (CorruptDataException e) {
                throw new NodeFailedException(node.id, "its cached output of " + bytes.length + " bytes is not a "
                        + node.outputSchema.typeName() + ": " + e.getMessage(), e);
            }
            known = new Remembered(bytes, ContentHash.of(bytes), known != null ? known.evidence
                    : List.copyOf(cache.evidence(key)));
            rememberedByKey.put(key, known);
        }
        acceptBytes(bytes, out, result);
        result.value = firstSeen;
        result.hash = known.hash;
        if (result.evidence.isEmpty()) {
            result.evidence = known.evidence;
        }
    }

    /** Remembers a pure node's output bytes, just written to {@code out}, by its input's hash, unless too large. */
    private void remember(ContentHash inputHash, DirectBuffer out, NodeOutput result) {
        if (result.length > MEMO_MAX_OUTPUT_BYTES) {
            return;
        }
        byte[] bytes = new byte[result.length];
        out.getBytes(0, bytes);
        result.hash = ContentHash.of(bytes);
        memo.put(inputHash, new Remembered(bytes, result.hash, List.of()));
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
        if (key != null) {
            List<EvidenceLink> links = List.copyOf(context.evidence());
            rememberedByKey.put(key, new Remembered(bytes, ContentHash.of(bytes), links));
            if (!links.isEmpty()) {
                cache.putEvidence(key, links);
            }
        }
        return bytes;
    }

    /** Copies output bytes that came from the cache, an adapter or the memo into {@code out}, undecoded. */
    void acceptBytes(byte[] bytes, MutableDirectBuffer out, NodeOutput result) {
        out.putBytes(0, bytes);
        result.length = bytes.length;
    }

    /**
     * @param input the input value, or null if the node before left it as bytes
     * @param codec the calling thread's holder, whose reader is used
     * @return the input value, decoded from {@code in} if it was null
     */
    Object decodeInput(Object input, DirectBuffer in, int offset, int length, NodeOutput codec) {
        return input != null ? input : decode(inputSchema, in, offset, length, codec.reader);
    }

    /**
     * @param out the buffer the execution wrote its output bytes to (from index 0)
     * @return the output value, decoded (once) from the bytes if the execution left it as bytes
     */
    Object outputValue(NodeOutput result, DirectBuffer out) {
        if (result.value == null) {
            result.value = decode(node.outputSchema, out, 0, result.length, result.reader);
        }
        return result.value;
    }

    /** {@link Schema#decode(DirectBuffer, int, int)} with a reused reader. */
    private static Object decode(Schema<Object> schema, DirectBuffer bytes, int offset, int length,
            CanonicalReader reader) {
        reader.wrap(bytes, offset, length);
        Object value = schema.readValue(reader);
        reader.expectEnd();
        return value;
    }

    /**
     * {@link Schema#encode(Object, MutableDirectBuffer, int)} at index 0 with a reused writer.
     *
     * @return the number of bytes written
     */
    static <T> int encode(Schema<T> schema, T value, MutableDirectBuffer out, CanonicalWriter writer) {
        schema.writeValue(value, writer.wrap(out, 0));
        return writer.position();
    }

    /**
     * @return the SHA-256 of the output bytes: known by the execution, else the input's when the output bytes are
     *     the input bytes (a gate that passes, a sink), else computed
     */
    static ContentHash outputHash(NodeOutput result, DirectBuffer out, ContentHash inputHash, DirectBuffer in,
            int offset, int length) {
        if (result.hash == null) {
            result.hash = sameBytes(in, offset, length, out, result.length) ? inputHash
                    : ContentHash.of(out, 0, result.length);
        }
        return result.hash;
    }

    private static boolean sameBytes(DirectBuffer a, int offset, int length, DirectBuffer b, int bLength) {
        if (length != bLength) {
            return false;
        }
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            if (a.getLong(offset + i) != b.getLong(i)) {
                return false;
            }
        }
        for (; i < length; i++) {
            if (a.getByte(offset + i) != b.getByte(i)) {
                return false;
            }
        }
        return true;
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
            result.length = encode(node.outputSchema, value, out, result.writer);
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
