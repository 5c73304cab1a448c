package dev.sluice.inference.embed.internal;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;

/**
 * Turns a model's per-token output into one vector per text and writes it into the caller's memory: mean over the
 * tokens the attention mask keeps, the first ({@code [CLS]}) token, or a copy when the model already pools; then,
 * optionally, L2 normalisation. Sums run in float in token order, so a text gives the same bits alone or in a padded
 * batch.
 *
 * <p>Stateless, allocation-free, thread-safe; bounds are checked by the segments.
 */
public final class Pooler {
    private Pooler() {}

    /**
     * Mean of the masked token vectors of one text.
     *
     * @param hidden the model output, {@code texts x length x dimension} floats
     * @param mask the attention mask, {@code texts x length} int64
     * @param text the text's index in the batch
     * @param length the padded length
     * @param dimension floats per token
     * @param target where the vector goes
     * @param targetOffsetBytes the byte offset of the vector in {@code target}
     */
    public static void mean(
            MemorySegment hidden,
            MemorySegment mask,
            int text,
            int length,
            int dimension,
            MemorySegment target,
            long targetOffsetBytes) {
        for (int d = 0; d < dimension; d++) {
            target.set(JAVA_FLOAT_UNALIGNED, targetOffsetBytes + 4L * d, 0f);
        }
        int kept = 0;
        for (int t = 0; t < length; t++) {
            long token = (long) text * length + t;
            if (mask.getAtIndex(JAVA_LONG, token) == 0) {
                continue;
            }
            kept++;
            long rowBytes = token * dimension * 4L;
            for (int d = 0; d < dimension; d++) {
                long at = targetOffsetBytes + 4L * d;
                target.set(
                        JAVA_FLOAT_UNALIGNED,
                        at,
                        target.get(JAVA_FLOAT_UNALIGNED, at) + hidden.get(JAVA_FLOAT_UNALIGNED, rowBytes + 4L * d));
            }
        }
        float count = Math.max(kept, 1);
        for (int d = 0; d < dimension; d++) {
            long at = targetOffsetBytes + 4L * d;
            target.set(JAVA_FLOAT_UNALIGNED, at, target.get(JAVA_FLOAT_UNALIGNED, at) / count);
        }
    }

    /**
     * Copies one vector of {@code dimension} floats, such as the first token of a text or a model's pooled output.
     *
     * @param source the model output
     * @param sourceOffsetBytes the byte offset of the vector in {@code source}
     * @param dimension floats per vector
     * @param target where the vector goes
     * @param targetOffsetBytes the byte offset of the vector in {@code target}
     */
    public static void copy(
            MemorySegment source, long sourceOffsetBytes, int dimension, MemorySegment target, long targetOffsetBytes) {
        MemorySegment.copy(source, sourceOffsetBytes, target, targetOffsetBytes, 4L * dimension);
    }

    /**
     * Scales a vector to unit L2 length; a zero vector stays zero.
     *
     * @param target the memory holding the vector
     * @param offsetBytes the byte offset of the vector
     * @param dimension floats per vector
     */
    public static void normalize(MemorySegment target, long offsetBytes, int dimension) {
        float sumOfSquares = 0f;
        for (int d = 0; d < dimension; d++) {
            float v = target.get(JAVA_FLOAT_UNALIGNED, offsetBytes + 4L * d);
            sumOfSquares += v * v;
        }
        float norm = (float) Math.sqrt(sumOfSquares);
        if (norm == 0f) {
            return;
        }
        for (int d = 0; d < dimension; d++) {
            long at = offsetBytes + 4L * d;
            target.set(JAVA_FLOAT_UNALIGNED, at, target.get(JAVA_FLOAT_UNALIGNED, at) / norm);
        }
    }
}
