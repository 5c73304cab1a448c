package dev.sluice.pipeline.telemetry;

import java.util.List;

/**
 * What one output of a model-calling adapter says under the OpenTelemetry GenAI semantic conventions: the token
 * usage, the finish reasons and the text of the assistant message (recorded only when message capture is on).
 * An adapter gives it through {@code Adapter.genAiResponse}; computed only for a recording span.
 *
 * @param inputTokens {@code gen_ai.usage.input_tokens}
 * @param outputTokens {@code gen_ai.usage.output_tokens}
 * @param finishReasons {@code gen_ai.response.finish_reasons}, lower case
 * @param text the assistant message's text
 */
public record GenAiResponse(long inputTokens, long outputTokens, List<String> finishReasons, String text) {
    /** Copies the list and checks that nothing is null. */
    public GenAiResponse {
        if (finishReasons == null || text == null) {
            throw new IllegalArgumentException("a GenAI response needs finish reasons and a text (none null)");
        }
        finishReasons = List.copyOf(finishReasons);
    }
}
