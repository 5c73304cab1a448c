package dev.sluice.inference.embed;

/** What an embedder does with a text that has more tokens than the model's limit. */
public enum Overlength {
    /**
     * Cut it to the limit (keeping the special tokens) and embed the beginning; the cut is counted in the batch's
     * {@link EmbeddedBatch#truncatedTexts()} and in {@link OnnxEmbedder#truncatedTexts()}.
     */
    TRUNCATE,
    /** Refuse the batch with a {@link dev.sluice.core.BadInputException} naming the first text that is too long. */
    REJECT
}
