package dev.sluice.inference.gguf;

/**
 * The value {@link GgufFile#metadata()} holds for an array the reader walked and checked but did not keep: an array
 * Sluice does not use that is longer than {@link #KEPT_ELEMENTS} elements (such as {@code tokenizer.ggml.merges} or a
 * large byte blob), and any array of arrays. Keeping only a summary bounds the reader's memory by what it keeps, not
 * by what a file claims.
 *
 * @param elementType the element type's name in the GGUF specification, such as {@code uint8} or {@code array}
 * @param length the number of elements
 */
public record GgufSkippedArray(String elementType, long length) {
    /**
     * Arrays Sluice does not need are kept only up to this many elements (and up to a total budget per file); the
     * vocabulary and its scores and token types are always kept.
     */
    public static final int KEPT_ELEMENTS = 1024;
}
