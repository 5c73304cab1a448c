package dev.sluice.inference.llama;

/**
 * The result of one generation.
 *
 * @param text the generated text, without the prompt and without a matched stop string
 * @param promptTokens how many tokens the prompt took, the begin-of-sequence token included
 * @param completionTokens how many tokens were generated, the end-of-generation token included; a character that
 *     the model spelled out as several byte tokens counts once (llama.cpp reports it only when complete)
 * @param finishReason why it ended
 */
public record Completion(String text, int promptTokens, int completionTokens, FinishReason finishReason) {}
