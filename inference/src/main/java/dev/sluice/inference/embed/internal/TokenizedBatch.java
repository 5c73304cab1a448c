package dev.sluice.inference.embed.internal;

/**
 * The token ids and token types of a batch of texts, each as long as its own text (no padding), as
 * {@link HfTokenizer#tokenize} made them; {@link HfTokenizer#writeRun} pads a run of them into a {@link Scratch}.
 *
 * <p>On-heap, one {@code long[]} per text and part (the tokenizer binding returns arrays). Not thread-safe; one call
 * owns it.
 */
public final class TokenizedBatch {
    final long[][] ids;
    final long[][] types;
    /** How many texts were cut to the token limit. */
    public final int truncatedTexts;
    /** The index of the first cut text, or -1. */
    public final int firstTruncated;

    private TokenizedBatch(long[][] ids, long[][] types, int truncatedTexts, int firstTruncated) {
        this.ids = ids;
        this.types = types;
        this.truncatedTexts = truncatedTexts;
        this.firstTruncated = firstTruncated;
    }

    /** @param cut per text, whether it was cut to the token limit */
    static TokenizedBatch of(long[][] ids, long[][] types, boolean[] cut) {
        int truncated = 0;
        int first = -1;
        for (int i = cut.length - 1; i >= 0; i--) {
            if (cut[i]) {
                truncated++;
                first = i;
            }
        }
        return new TokenizedBatch(ids, types, truncated, first);
    }

    /** @return how many texts */
    public int size() {
        return ids.length;
    }

    /**
     * @param text the text's index in the batch
     * @return its token count, special tokens included
     */
    public int tokens(int text) {
        return ids[text].length;
    }
}
