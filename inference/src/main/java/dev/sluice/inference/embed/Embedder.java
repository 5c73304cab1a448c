package dev.sluice.inference.embed;

import dev.sluice.core.memory.FloatMatrix;
import dev.sluice.inference.ModelIdentity;
import java.util.List;

/**
 * Turns texts into fixed-length float vectors. Three forms, from the most convenient to the cheapest:
 * {@link #embed(String)} returns a {@code float[]}, {@link #embedAll(List)} returns a new off-heap matrix, and
 * {@link #embedInto(List, FloatMatrix, int)} writes into rows of the caller's matrix, such as a vector store's own
 * memory, without any intermediate copy.
 *
 * <p>Texts must be non-null and not blank. Every call blocks the calling thread while the model runs (milliseconds
 * per batch). Implementations are thread-safe: concurrent calls give the same vectors as sequential ones.
 */
public interface Embedder extends AutoCloseable {
    /** @return the number of floats per vector */
    int dimension();

    /** @return the identity of the model and its configuration, for cache keys */
    ModelIdentity identity();

    /**
     * Embeds one text.
     *
     * @param text a non-blank text
     * @return a new array of {@link #dimension()} floats
     * @throws dev.sluice.core.BadInputException if the text is null or blank
     */
    float[] embed(String text);

    /**
     * Embeds texts into a new matrix, row {@code i} holding text {@code i}.
     *
     * @param texts one or more non-blank texts
     * @return a new matrix owned by the caller, who closes it
     * @throws dev.sluice.core.BadInputException if the list is null or empty, or a text is null or blank
     */
    FloatMatrix embedAll(List<String> texts);

    /**
     * Embeds texts into rows {@code firstRow .. firstRow + texts.size() - 1} of a caller's matrix: the zero-copy path.
     *
     * @param texts one or more non-blank texts
     * @param target a matrix of {@link #dimension()} columns
     * @param firstRow the row that receives the first text
     * @return how many texts were cut to the model's token limit, and the longest token count
     * @throws dev.sluice.core.BadInputException if the list is null or empty, a text is null or blank, the matrix has
     *     the wrong dimension or too few rows
     */
    EmbeddedBatch embedInto(List<String> texts, FloatMatrix target, int firstRow);

    /** Frees the model and its native memory; waits for calls in progress. Later calls throw. */
    @Override
    void close();
}
