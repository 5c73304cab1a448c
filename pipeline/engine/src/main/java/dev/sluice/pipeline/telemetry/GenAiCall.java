package dev.sluice.pipeline.telemetry;

import io.opentelemetry.api.common.Attributes;

/**
 * How an adapter's model calls appear in traces under the OpenTelemetry GenAI semantic conventions (version
 * {@link SluiceAttributes#GEN_AI_SEMCONV_VERSION}, Development status): the span is named
 * {@code "{operationName} {requestModel}"}, kind INTERNAL (the model runs in-process), and carries these
 * attributes besides {@code gen_ai.operation.name}, {@code gen_ai.provider.name} and {@code gen_ai.request.model}.
 * Immutable; computed once when the pipeline starts.
 *
 * @param operationName {@code text_completion}, {@code chat}, {@code embeddings} or {@code retrieval}
 * @param providerName the runtime, a custom value: {@link SluiceAttributes#PROVIDER_LLAMA_CPP},
 *     {@link SluiceAttributes#PROVIDER_ONNXRUNTIME}, {@link SluiceAttributes#PROVIDER_JVECTOR}
 * @param requestModel the model's name
 * @param requestAttributes the other request attributes: {@code gen_ai.request.temperature},
 *     {@code gen_ai.request.top_p}, {@code gen_ai.request.top_k}, {@code gen_ai.request.max_tokens},
 *     {@code gen_ai.embeddings.dimension.count}, {@code gen_ai.data_source.id} (the seed is added per node)
 */
public record GenAiCall(String operationName, String providerName, String requestModel, Attributes requestAttributes) {
    /** Checks that nothing is null. */
    public GenAiCall {
        if (operationName == null || providerName == null || requestModel == null || requestAttributes == null) {
            throw new IllegalArgumentException("a GenAI call needs an operation, a provider, a model and attributes"
                    + " (none null; Attributes.empty() for none)");
        }
    }
}
