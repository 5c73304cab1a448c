package dev.sluice.pipeline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sluice.core.hash.ContentHash;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Runs a pure {@code map} node with a memo: the node is a function of its input bytes, so its output is remembered
 * by the input's hash (bounded by {@link #MEMO_BYTES}, for the life of the started pipeline) and reused for the
 * same input without decoding it or calling the function. Thread-safe.
 */
final class MapExecution implements NodeExecution {
    /** The most output bytes (plus a small overhead per entry) each pure node remembers. */
    static final long MEMO_BYTES = 1 << 20;
    /** Larger outputs are not remembered: they would crowd out many small ones. */
    private static final int MEMO_MAX_OUTPUT_BYTES = (int) (MEMO_BYTES / 16);

    private static final int MEMO_ENTRY_OVERHEAD_BYTES = 128;

    private final MapNode node;
    private final EdgeCodec codec;
    /** The node's outputs by the hash of their input. */
    private final Cache<ContentHash, Remembered> memo;

    /** An output's bytes as the memo holds them, and their hash. */
    private record Remembered(byte[] bytes, ContentHash hash) {}

    MapExecution(MapNode node, EdgeCodec codec) {
        this.node = node;
        this.codec = codec;
        this.memo = Caffeine.newBuilder()
                .maximumWeight(MEMO_BYTES)
                .weigher((ContentHash in, Remembered out) -> out.bytes.length + MEMO_ENTRY_OVERHEAD_BYTES)
                .executor(Runnable::run)
                .build();
    }

    /**
     * Writes the output for this input to {@code out} from index 0: the remembered one, else the function's.
     *
     * @param input the input value, or null to decode it from the bytes if the function must run
     * @param inputHash the SHA-256 of the input bytes, the memo's key
     */
    void execute(
            Object input,
            DirectBuffer in,
            int offset,
            int length,
            ContentHash inputHash,
            MutableDirectBuffer out,
            NodeExecutor.NodeOutput result) {
        Remembered known = memo.getIfPresent(inputHash);
        if (known != null) {
            EdgeCodec.acceptBytes(known.bytes, out, result);
            result.hash = known.hash;
            return;
        }
        codec.encodeOutput(apply(codec.decodeInput(input, in, offset, length, result)), out, result);
        remember(inputHash, out, result);
    }

    private Object apply(Object input) {
        try {
            return node.function.apply(input);
        } catch (RuntimeException e) {
            throw new NodeFailedException(node.id, e.toString(), e);
        }
    }

    /** Remembers the output bytes, just written to {@code out}, by the input's hash, unless they are too large. */
    private void remember(ContentHash inputHash, DirectBuffer out, NodeExecutor.NodeOutput result) {
        if (result.length > MEMO_MAX_OUTPUT_BYTES) {
            return;
        }
        byte[] bytes = new byte[result.length];
        out.getBytes(0, bytes);
        result.hash = ContentHash.of(bytes);
        memo.put(inputHash, new Remembered(bytes, result.hash));
    }
}
