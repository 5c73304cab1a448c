package dev.sluice.pipeline;

import dev.sluice.pipeline.telemetry.GenAiCall;
import dev.sluice.pipeline.telemetry.GenAiResponse;
import dev.sluice.pipeline.telemetry.SluiceAttributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Context;
import java.util.Optional;
import java.util.UUID;
import org.agrona.DirectBuffer;

/**
 * The spans of a started flow's runs: one per run, one child per node execution, with Sluice's attributes and,
 * for adapters that call a model, the GenAI ones ({@link Adapter#genAi()}, {@link Adapter#genAiResponse}).
 *
 * <p>Costs: with no SDK installed the tracer is the API's no-op one: the run span is the invalid span (or a
 * wrapper of the caller's current span, as the no-op tracer would return), no span builder is made and no node
 * span is even built; attributes that need hex strings are computed only when a span is recording. Thread-safe
 * (stateless per run).
 */
final class RunSpans {
    private static final String INSTRUMENTATION_NAME = "dev.sluice.pipeline";

    private final Flow<?, ?> flow;
    private final NodeExecutor[] executors;
    private final Tracer tracer;
    /** Whether {@link #tracer} is the API's no-op tracer, whose spans only wrap the caller's current context. */
    private final boolean noopTracer;

    private final boolean captureText;
    private final String runSpanName;
    private final String[] nodeSpanNames;
    /** Per node: how a model call appears in traces, null for a node that calls no model. */
    private final GenAiCall[] genAi;

    private final long[] inputSchemaVersions;

    RunSpans(Flow<?, ?> flow, NodeExecutor[] executors, Observability observability) {
        this.flow = flow;
        this.executors = executors;
        this.captureText = observability.captureText();
        String version = RunSpans.class.getPackage().getImplementationVersion();
        this.tracer = observability
                .resolvedOpenTelemetry()
                .tracerBuilder(INSTRUMENTATION_NAME)
                .setInstrumentationVersion(version == null ? "dev" : version)
                .setSchemaUrl(SluiceAttributes.SCHEMA_URL)
                .build();
        this.noopTracer = tracer == TracerProvider.noop().get(INSTRUMENTATION_NAME);
        this.runSpanName = "sluice.run " + flow.name();
        this.nodeSpanNames = new String[executors.length];
        this.genAi = new GenAiCall[executors.length];
        this.inputSchemaVersions = new long[executors.length];
        for (int k = 0; k < executors.length; k++) {
            Node node = executors[k].node;
            genAi[k] = node instanceof CallNode call ? call.adapter.genAi().orElse(null) : null;
            nodeSpanNames[k] = genAi[k] != null
                    ? genAi[k].operationName() + " " + genAi[k].requestModel()
                    : "sluice." + node.kindName() + " " + node.id;
            inputSchemaVersions[k] =
                    k == 0 ? flow.inputSchema().version() : executors[k - 1].node.outputSchema.version();
        }
    }

    /** Starts the run's span, a child of the caller's current span if any. */
    Span startRun(UUID runId) {
        if (noopTracer) { // what the no-op tracer starts, without its builder
            SpanContext caller = Span.current().getSpanContext();
            return caller.isValid() ? Span.wrap(caller) : Span.getInvalid();
        }
        Span span =
                tracer.spanBuilder(runSpanName).setSpanKind(SpanKind.INTERNAL).startSpan();
        if (span.isRecording()) {
            span.setAttribute(SluiceAttributes.FLOW_NAME, flow.name());
            span.setAttribute(SluiceAttributes.FLOW_VER, flow.version());
            span.setAttribute(SluiceAttributes.RUN_ID, runId.toString());
        }
        return span;
    }

    /** Ends the run's span, marking a failure. */
    static void endRun(Span run, Throwable failure) {
        if (failure != null && run.isRecording()) {
            Throwable cause = Provenance.unwrap(failure);
            run.setStatus(StatusCode.ERROR, String.valueOf(cause.getMessage()));
            run.setAttribute(SluiceAttributes.ERROR_TYPE, cause.getClass().getName());
        }
        run.end();
    }

    /**
     * Starts the span of node {@code k} as a child of the run span described by an envelope's trace context.
     *
     * @return the span, or the invalid span (which costs nothing) when the run is not traced
     */
    Span startNode(int k, long traceIdHigh, long traceIdLow, long runSpanId, byte traceFlags) {
        if (traceIdHigh == 0 && traceIdLow == 0) {
            return Span.getInvalid();
        }
        SpanContext parent = SpanContext.createFromRemoteParent(
                TraceId.fromLongs(traceIdHigh, traceIdLow),
                SpanId.fromLong(runSpanId),
                TraceFlags.fromByte(traceFlags),
                TraceState.getDefault());
        return startNode(k, parent);
    }

    /** Starts the span of node {@code k} as a child of the run span, or returns the invalid span. */
    Span startNode(int k, SpanContext runSpan) {
        if (!runSpan.isValid()) {
            return Span.getInvalid();
        }
        return tracer.spanBuilder(nodeSpanNames[k])
                .setParent(Context.root().with(Span.wrap(runSpan)))
                .setSpanKind(SpanKind.INTERNAL)
                .startSpan();
    }

    /**
     * Sets the node span's attributes (when it records) and ends it. The input and output values are decoded from
     * their bytes only if a recording span needs them.
     *
     * @param input the input value, null if it is only bytes
     * @param in the input bytes
     * @param output the execution's output (its value may still be null)
     * @param out the output bytes
     */
    void endNode(
            Span span,
            int k,
            RunTraces traces,
            Object input,
            DirectBuffer in,
            int inOffset,
            int inLength,
            NodeExecutor.NodeOutput output,
            DirectBuffer out) {
        if (span.isRecording()) {
            NodeTrace trace = traces.get(k);
            NodeExecutor executor = executors[k];
            Node node = executor.node;
            span.setAttribute(SluiceAttributes.SCHEMA_VER, inputSchemaVersions[k]);
            span.setAttribute(SluiceAttributes.NODE_ID, node.id);
            span.setAttribute(SluiceAttributes.NODE_VER, node.version);
            span.setAttribute(SluiceAttributes.INPUT_HASH, trace.inputHash().hex());
            span.setAttribute(SluiceAttributes.OUTPUT_HASH, trace.outputHash().hex());
            if (node instanceof CallNode call) {
                adapterAttributes(
                        span,
                        k,
                        call,
                        trace,
                        executor.decodeInput(input, in, inOffset, inLength, output),
                        executor.outputValue(output, out));
            }
            trace.gateDecision()
                    .ifPresent(d -> span.setAttribute(
                            SluiceAttributes.GATE_OUTCOME, d.outcome().name()));
        }
        span.end();
    }

    private void adapterAttributes(Span span, int k, CallNode node, NodeTrace trace, Object input, Object output) {
        Adapter<Object, Object> adapter = node.adapter;
        span.setAttribute(SluiceAttributes.MODEL_NAME, adapter.modelIdentity());
        span.setAttribute(SluiceAttributes.MODEL_SEED, executors[k].seed().value());
        span.setAttribute(SluiceAttributes.TOOLS, adapter.tools());
        span.setAttribute(SluiceAttributes.COST_TOKENS, trace.tokens());
        span.setAttribute(SluiceAttributes.RETRIES, (long) trace.retries());
        span.setAttribute(SluiceAttributes.CACHE_HIT, trace.cacheHit());
        GenAiCall call = genAi[k];
        if (call == null) {
            return;
        }
        span.setAttribute(SluiceAttributes.GEN_AI_OPERATION_NAME, call.operationName());
        span.setAttribute(SluiceAttributes.GEN_AI_PROVIDER_NAME, call.providerName());
        span.setAttribute(SluiceAttributes.GEN_AI_REQUEST_MODEL, call.requestModel());
        span.setAttribute(
                SluiceAttributes.GEN_AI_REQUEST_SEED, executors[k].seed().value());
        span.setAllAttributes(call.requestAttributes());
        Optional<GenAiResponse> response = adapter.genAiResponse(output);
        response.ifPresent(r -> {
            span.setAttribute(SluiceAttributes.GEN_AI_USAGE_INPUT_TOKENS, r.inputTokens());
            span.setAttribute(SluiceAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, r.outputTokens());
            span.setAttribute(SluiceAttributes.GEN_AI_RESPONSE_FINISH_REASONS, r.finishReasons());
        });
        if (captureText) {
            span.setAttribute(SluiceAttributes.GEN_AI_INPUT_MESSAGES, messages("user", String.valueOf(input)));
            span.setAttribute(
                    SluiceAttributes.GEN_AI_OUTPUT_MESSAGES,
                    messages("assistant", response.map(GenAiResponse::text).orElseGet(() -> String.valueOf(output))));
        }
    }

    /** Marks the node span failed and ends it. */
    static void failNode(Span span, Throwable failure) {
        if (span.isRecording()) {
            Throwable cause = Provenance.unwrap(failure);
            span.setStatus(StatusCode.ERROR, String.valueOf(cause.getMessage()));
            span.setAttribute(SluiceAttributes.ERROR_TYPE, cause.getClass().getName());
        }
        span.end();
    }

    private static String messages(String role, String text) {
        return "[{\"role\":\"" + role + "\",\"parts\":[{\"type\":\"text\",\"content\":"
                + dev.sluice.core.JsonText.quote(text) + "}]}]";
    }
}
