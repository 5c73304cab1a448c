package dev.sluice.inference.embed;

/**
 * What happened to a batch on its way into a matrix.
 *
 * @param texts how many texts were embedded (one row each)
 * @param truncatedTexts how many of them were longer than the model's token limit and were cut to it
 * @param longestTokens the token count of the longest text after cutting, special tokens included
 */
public record EmbeddedBatch(int texts, int truncatedTexts, int longestTokens) {}
