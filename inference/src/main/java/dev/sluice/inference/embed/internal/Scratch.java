package dev.sluice.inference.embed.internal;

import ai.onnxruntime.OnnxTensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The off-heap working memory of one embedding call: token ids, attention mask and token types as int64, and the
 * model's float output, each a {@link MemorySegment} with a direct-buffer view that ONNX Runtime reads and writes in
 * place. One thread uses a scratch at a time (the {@link ScratchPool} hands it out); it grows by reallocation when a
 * batch needs more room and is otherwise reused without allocation.
 *
 * <p>Owns a shared {@link Arena}, freed on {@link #close()} and when growing.
 */
public final class Scratch implements AutoCloseable {
    /** The inputs of one run, keyed by model input name; reused across calls. */
    public final Map<String, OnnxTensor> inputs = new HashMap<>(8);
    /** The pinned output of one run, keyed by model output name; reused across calls. */
    public final Map<String, OnnxTensor> pinnedOutputs = new HashMap<>(2);

    private Arena arena;
    private long tokenCapacity;
    private long floatCapacity;
    private MemorySegment ids;
    private MemorySegment mask;
    private MemorySegment types;
    private MemorySegment output;
    private LongBuffer idsBuffer;
    private LongBuffer maskBuffer;
    private LongBuffer typesBuffer;
    private FloatBuffer outputBuffer;

    /** Texts of the last tokenised batch that were cut to the token limit. */
    public int truncatedTexts;
    /** The index in its batch of the first cut text of the last batch, or -1. */
    public int firstTruncated;

    /**
     * Makes room for a batch, reallocating only when it grows past the current capacity.
     *
     * @param tokens the number of token positions ({@code texts x padded length})
     * @param floats the number of output floats
     */
    public void ensureCapacity(long tokens, long floats) {
        if (tokens <= tokenCapacity && floats <= floatCapacity) {
            return;
        }
        long newTokens = Math.max(tokens, tokenCapacity * 2);
        long newFloats = Math.max(floats, floatCapacity * 2);
        if (arena != null) {
            arena.close();
        }
        arena = Arena.ofShared();
        ids = arena.allocate(ValueLayout.JAVA_LONG, newTokens);
        mask = arena.allocate(ValueLayout.JAVA_LONG, newTokens);
        types = arena.allocate(ValueLayout.JAVA_LONG, newTokens);
        output = arena.allocate(ValueLayout.JAVA_FLOAT, newFloats);
        idsBuffer = ids.asByteBuffer().order(ByteOrder.nativeOrder()).asLongBuffer();
        maskBuffer = mask.asByteBuffer().order(ByteOrder.nativeOrder()).asLongBuffer();
        typesBuffer = types.asByteBuffer().order(ByteOrder.nativeOrder()).asLongBuffer();
        outputBuffer = output.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
        tokenCapacity = newTokens;
        floatCapacity = newFloats;
    }

    /** @return the token ids, row-major {@code texts x length} */
    public MemorySegment ids() {
        return ids;
    }

    /** @return the attention mask, 1 for a real token and 0 for padding */
    public MemorySegment mask() {
        return mask;
    }

    /** @return the token type ids */
    public MemorySegment types() {
        return types;
    }

    /** @return the model's output */
    public MemorySegment output() {
        return output;
    }

    /**
     * @param tokens the number of token positions in use
     * @return the id buffer with position 0 and limit {@code tokens}, as ONNX Runtime wants it
     */
    public LongBuffer idsBuffer(int tokens) {
        return idsBuffer.clear().limit(tokens);
    }

    /**
     * @param tokens the number of token positions in use
     * @return the mask buffer with position 0 and limit {@code tokens}
     */
    public LongBuffer maskBuffer(int tokens) {
        return maskBuffer.clear().limit(tokens);
    }

    /**
     * @param tokens the number of token positions in use
     * @return the token type buffer with position 0 and limit {@code tokens}
     */
    public LongBuffer typesBuffer(int tokens) {
        return typesBuffer.clear().limit(tokens);
    }

    /**
     * @param floats the number of output floats in use
     * @return the output buffer with position 0 and limit {@code floats}
     */
    public FloatBuffer outputBuffer(int floats) {
        return outputBuffer.clear().limit(floats);
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
            arena = null;
            tokenCapacity = 0;
            floatCapacity = 0;
        }
    }
}
