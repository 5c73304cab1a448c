package dev.sluice.rag;

import dev.sluice.core.hash.ContentHash;
import dev.sluice.core.schema.Schema;
import dev.sluice.core.schema.Schemas;
import dev.sluice.inference.llama.Completion;
import dev.sluice.inference.llama.LlamaGenerator;
import dev.sluice.inference.llama.Sampling;
import dev.sluice.inference.llama.TokenStream;
import dev.sluice.pipeline.Adapter;
import dev.sluice.pipeline.AdapterContext;
import dev.sluice.pipeline.evidence.EvidenceLink;
import dev.sluice.pipeline.telemetry.GenAiCall;
import dev.sluice.pipeline.telemetry.GenAiResponse;
import dev.sluice.pipeline.telemetry.SluiceAttributes;
import io.opentelemetry.api.common.Attributes;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The adapter behind {@link RagNodes#generate}: llama.cpp generation with the node's seed, streaming pieces to
 * the request's listener and stopping when the request is cancelled or times out.
 */
final class GenerateAdapter implements Adapter<String, Completion> {
    private static final Schema<Sampling> SAMPLING = Schemas.recordOf(Sampling.class);

    private final LlamaGenerator model;
    private final Sampling sampling;
    private final String settings;
    private final String identity;

    GenerateAdapter(LlamaGenerator model, Sampling sampling) {
        this.model = model;
        this.sampling = sampling;
        this.settings =
                "sampling=" + ContentHash.of(SAMPLING, sampling.withSeed(0)).hex();
        this.identity = model.identity().key();
    }

    @Override
    public Completion apply(String prompt, AdapterContext context) {
        context.evidence(
                EvidenceLink.Kind.PROMPT,
                context.nodeId(),
                ContentHash.of(Schemas.string(), prompt).hex(),
                prompt,
                Map.of(
                        "seed",
                        Long.toString(context.seed().value()),
                        "temperature",
                        Float.toString(sampling.temperature()),
                        "top_k",
                        Integer.toString(sampling.topK()),
                        "top_p",
                        Float.toString(sampling.topP()),
                        "max_tokens",
                        Integer.toString(sampling.maxTokens())));
        try (TokenStream stream =
                model.stream(prompt, sampling.withSeed(context.seed().value()))) {
            while (stream.hasNext()) {
                if (context.isCancelled()) {
                    stream.cancel();
                }
                context.emitToken(stream.next());
            }
            if (context.isCancelled()) {
                // never return (and so cache) a generation cut short by the caller or the timeout
                throw new java.util.concurrent.CancellationException("generation stopped: cancelled or timed out");
            }
            return stream.result();
        }
    }

    @Override
    public String modelIdentity() {
        return identity;
    }

    @Override
    public String settings() {
        return settings;
    }

    @Override
    public Optional<GenAiCall> genAi() {
        return Optional.of(new GenAiCall(
                "text_completion",
                SluiceAttributes.PROVIDER_LLAMA_CPP,
                model.identity().name(),
                Attributes.builder()
                        .put(SluiceAttributes.GEN_AI_REQUEST_TEMPERATURE, (double) sampling.temperature())
                        .put(SluiceAttributes.GEN_AI_REQUEST_TOP_P, (double) sampling.topP())
                        .put(SluiceAttributes.GEN_AI_REQUEST_TOP_K, (double) sampling.topK())
                        .put(SluiceAttributes.GEN_AI_REQUEST_MAX_TOKENS, (long) sampling.maxTokens())
                        .build()));
    }

    @Override
    public Optional<GenAiResponse> genAiResponse(Completion completion) {
        return Optional.of(new GenAiResponse(
                completion.promptTokens(),
                completion.completionTokens(),
                List.of(completion.finishReason().name().toLowerCase(Locale.ROOT)),
                completion.text()));
    }

    @Override
    public int maxConcurrency() {
        return model.config().parallelSlots();
    }
}
