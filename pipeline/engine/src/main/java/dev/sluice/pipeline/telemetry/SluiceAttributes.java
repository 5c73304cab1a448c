package dev.sluice.pipeline.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * The span attributes Sluice writes. Every node span carries {@link #SCHEMA_VER}, {@link #NODE_ID},
 * {@link #NODE_VER}, {@link #INPUT_HASH} and {@link #OUTPUT_HASH}; adapter spans add {@link #MODEL_NAME},
 * {@link #MODEL_SEED}, {@link #TOOLS}, {@link #COST_TOKENS} and {@link #RETRIES}. Spans of adapters that call a
 * model also follow the OpenTelemetry GenAI semantic conventions, version {@value #GEN_AI_SEMCONV_VERSION}
 * ({@code gen_ai.*}; {@code error.type} on failure). Prompt and answer text are recorded
 * ({@link #GEN_AI_INPUT_MESSAGES}, {@link #GEN_AI_OUTPUT_MESSAGES}) only when the caller opts in.
 */
public final class SluiceAttributes {
    /** The version of the OpenTelemetry semantic conventions followed for {@code gen_ai.*} attributes. */
    public static final String GEN_AI_SEMCONV_VERSION = "1.37.0";
    /** The schema URL of that version, set on the tracer. */
    public static final String SCHEMA_URL = "https://opentelemetry.io/schemas/" + GEN_AI_SEMCONV_VERSION;
    /** {@code gen_ai.provider.name} of llama.cpp generation (a custom value: the conventions list none for it). */
    public static final String PROVIDER_LLAMA_CPP = "llama.cpp";
    /** {@code gen_ai.provider.name} of ONNX Runtime embedding (custom value). */
    public static final String PROVIDER_ONNXRUNTIME = "onnxruntime";
    /** {@code gen_ai.provider.name} of jvector retrieval (custom value). */
    public static final String PROVIDER_JVECTOR = "jvector";

    /** The schema version of the node's input edge. */
    public static final AttributeKey<Long> SCHEMA_VER = AttributeKey.longKey("schema.ver");
    /** The node's id. */
    public static final AttributeKey<String> NODE_ID = AttributeKey.stringKey("node.id");
    /** The node's version. */
    public static final AttributeKey<String> NODE_VER = AttributeKey.stringKey("node.ver");
    /** SHA-256 (hex) of the node's input bytes. */
    public static final AttributeKey<String> INPUT_HASH = AttributeKey.stringKey("input.hash");
    /** SHA-256 (hex) of the node's output bytes. */
    public static final AttributeKey<String> OUTPUT_HASH = AttributeKey.stringKey("output.hash");
    /** The adapter's model identity. */
    public static final AttributeKey<String> MODEL_NAME = AttributeKey.stringKey("model.name");
    /** The node's seed. */
    public static final AttributeKey<Long> MODEL_SEED = AttributeKey.longKey("model.seed");
    /** The adapter's tools. */
    public static final AttributeKey<List<String>> TOOLS = AttributeKey.stringArrayKey("tools");
    /** The tokens the node produced. */
    public static final AttributeKey<Long> COST_TOKENS = AttributeKey.longKey("cost.tokens");
    /** How many times the adapter was retried. */
    public static final AttributeKey<Long> RETRIES = AttributeKey.longKey("retries");
    /** Whether the output came from the result cache. */
    public static final AttributeKey<Boolean> CACHE_HIT = AttributeKey.booleanKey("sluice.cache_hit");
    /** The run's id, on the run span. */
    public static final AttributeKey<String> RUN_ID = AttributeKey.stringKey("sluice.run.id");
    /** The flow's name, on the run span. */
    public static final AttributeKey<String> FLOW_NAME = AttributeKey.stringKey("sluice.flow.name");
    /** The flow's version, on the run span. */
    public static final AttributeKey<String> FLOW_VER = AttributeKey.stringKey("sluice.flow.ver");
    /** A gate's outcome. */
    public static final AttributeKey<String> GATE_OUTCOME = AttributeKey.stringKey("sluice.gate.outcome");

    /** GenAI: the operation. */
    public static final AttributeKey<String> GEN_AI_OPERATION_NAME = AttributeKey.stringKey("gen_ai.operation.name");
    /** GenAI: the provider. */
    public static final AttributeKey<String> GEN_AI_PROVIDER_NAME = AttributeKey.stringKey("gen_ai.provider.name");
    /** GenAI: the model asked for. */
    public static final AttributeKey<String> GEN_AI_REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    /** GenAI: the sampling seed. */
    public static final AttributeKey<Long> GEN_AI_REQUEST_SEED = AttributeKey.longKey("gen_ai.request.seed");
    /** GenAI: the temperature. */
    public static final AttributeKey<Double> GEN_AI_REQUEST_TEMPERATURE =
            AttributeKey.doubleKey("gen_ai.request.temperature");
    /** GenAI: top-p. */
    public static final AttributeKey<Double> GEN_AI_REQUEST_TOP_P = AttributeKey.doubleKey("gen_ai.request.top_p");
    /** GenAI: top-k. */
    public static final AttributeKey<Double> GEN_AI_REQUEST_TOP_K = AttributeKey.doubleKey("gen_ai.request.top_k");
    /** GenAI: the token limit. */
    public static final AttributeKey<Long> GEN_AI_REQUEST_MAX_TOKENS =
            AttributeKey.longKey("gen_ai.request.max_tokens");
    /** GenAI: prompt tokens. */
    public static final AttributeKey<Long> GEN_AI_USAGE_INPUT_TOKENS =
            AttributeKey.longKey("gen_ai.usage.input_tokens");
    /** GenAI: generated tokens. */
    public static final AttributeKey<Long> GEN_AI_USAGE_OUTPUT_TOKENS =
            AttributeKey.longKey("gen_ai.usage.output_tokens");
    /** GenAI: why generation stopped. */
    public static final AttributeKey<List<String>> GEN_AI_RESPONSE_FINISH_REASONS =
            AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    /** GenAI: the embedding's dimension. */
    public static final AttributeKey<Long> GEN_AI_EMBEDDINGS_DIMENSION_COUNT =
            AttributeKey.longKey("gen_ai.embeddings.dimension.count");
    /** GenAI: the index or knowledge base retrieved from. */
    public static final AttributeKey<String> GEN_AI_DATA_SOURCE_ID = AttributeKey.stringKey("gen_ai.data_source.id");
    /** GenAI: the prompt, as JSON messages; only on opt-in. */
    public static final AttributeKey<String> GEN_AI_INPUT_MESSAGES = AttributeKey.stringKey("gen_ai.input.messages");
    /** GenAI: the answer, as JSON messages; only on opt-in. */
    public static final AttributeKey<String> GEN_AI_OUTPUT_MESSAGES = AttributeKey.stringKey("gen_ai.output.messages");
    /** The class of the failure. */
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private SluiceAttributes() {}
}
