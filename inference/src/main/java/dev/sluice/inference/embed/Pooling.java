package dev.sluice.inference.embed;

/** How a model's per-token output becomes one vector per text. */
public enum Pooling {
    /** The mean of the token vectors the attention mask keeps (padding excluded), as sentence-transformers does. */
    MEAN,
    /** The vector of the first token ({@code [CLS]} for BERT-style models). */
    CLS
}
