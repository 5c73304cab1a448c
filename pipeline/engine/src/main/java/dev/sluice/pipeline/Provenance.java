package dev.sluice.pipeline;

import dev.sluice.core.hash.ContentHash;
import dev.sluice.core.hash.Seed;
import dev.sluice.pipeline.evidence.Evidence;
import dev.sluice.pipeline.evidence.EvidenceLink;
import dev.sluice.pipeline.evidence.EvidenceStore;
import dev.sluice.pipeline.evidence.JournalEntry;
import dev.sluice.pipeline.evidence.NodeEvent;
import dev.sluice.pipeline.evidence.QualityEval;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.agrona.DirectBuffer;

/**
 * The provenance side of a running flow, shared by both runtimes: spans (one per run, one child per node
 * execution), the evidence chain handed to the store when a run ends, and replay of the journal.
 *
 * <p>Costs: with no SDK installed the tracer is the API's no-op one: the run span is the invalid span (or a
 * wrapper of the caller's current span, as the no-op tracer would return), no span builder is made and no node
 * span is even built; attributes that need hex strings are computed only when a span is recording. Without a
 * store nothing is copied or built for evidence. Thread-safe (stateless per run).
 */
final class Provenance<I, O> {
    private static final String INSTRUMENTATION_NAME = "dev.sluice.pipeline";

    private final Flow<I, O> flow;
    private final NodeExecutor[] executors;
    private final EvidenceStore store;
    private final Tracer tracer;
    /** Whether {@link #tracer} is the API's no-op tracer, whose spans only wrap the caller's current context. */
    private final boolean noopTracer;
    private final boolean captureText;
    private final Seed seed;
    private final ResultCache cache;
    private final String runSpanName;
    private final String[] nodeSpanNames;
    private final GenAiCall[] genAi;
    private final long[] inputSchemaVersions;

    Provenance(Flow<I, O> flow, NodeExecutor[] executors, Observability observability, Seed seed, ResultCache cache) {
        this.flow = flow;
        this.executors = executors;
        this.store = observability.store();
        this.captureText = observability.captureText();
        this.seed = seed;
        this.cache = cache;
        String version = Provenance.class.getPackage().getImplementationVersion();
        this.tracer = observability.resolvedOpenTelemetry().tracerBuilder(INSTRUMENTATION_NAME)
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
            nodeSpanNames[k] = genAi[k] != null ? genAi[k].operationName() + " " + genAi[k].requestModel()
                    : "sluice." + node.kindName() + " " + node.id;
            inputSchemaVersions[k] = k == 0 ? flow.inputSchema().version() : executors[k - 1].node.outputSchema.version();
        }
    }

    /** @return whether runs are recorded in an evidence store (then the runtimes keep the input bytes) */
    boolean recordsEvidence() {
        return store != null;
    }

    static long epochNowNs() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    // ---------------------------------------------------------------- tracing

    /** Starts the run's span, a child of the caller's current span if any. */
    Span startRun(UUID runId) {
        if (noopTracer) { // what the no-op tracer starts, without its builder
            SpanContext caller = Span.current().getSpanContext();
            return caller.isValid() ? Span.wrap(caller) : Span.getInvalid();
        }
        Span span = tracer.spanBuilder(runSpanName).setSpanKind(SpanKind.INTERNAL).startSpan();
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
            Throwable cause = unwrap(failure);
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
        SpanContext parent = SpanContext.createFromRemoteParent(TraceId.fromLongs(traceIdHigh, traceIdLow),
                SpanId.fromLong(runSpanId), TraceFlags.fromByte(traceFlags), TraceState.getDefault());
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
    void endNode(Span span, int k, RunTraces traces, Object input, DirectBuffer in, int inOffset, int inLength,
            NodeExecutor.NodeOutput output, DirectBuffer out) {
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
                adapterAttributes(span, k, call, trace, executor.decodeInput(input, in, inOffset, inLength, output),
                        executor.outputValue(output, out));
            }
            trace.gateDecision().ifPresent(d -> span.setAttribute(SluiceAttributes.GATE_OUTCOME, d.outcome().name()));
        }
        span.end();
    }

    private void adapterAttributes(Span span, int k, CallNode node, NodeTrace trace, Object input, Object output) {
        span.setAttribute(SluiceAttributes.MODEL_NAME, node.adapter.modelIdentity());
        span.setAttribute(SluiceAttributes.MODEL_SEED, executors[k].seed().value());
        span.setAttribute(SluiceAttributes.TOOLS, node.adapter.tools());
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
        span.setAttribute(SluiceAttributes.GEN_AI_REQUEST_SEED, executors[k].seed().value());
        span.setAllAttributes(call.requestAttributes());
        Optional<GenAiResponse> response = node.adapter.genAiResponse(output);
        response.ifPresent(r -> {
            span.setAttribute(SluiceAttributes.GEN_AI_USAGE_INPUT_TOKENS, r.inputTokens());
            span.setAttribute(SluiceAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, r.outputTokens());
            span.setAttribute(SluiceAttributes.GEN_AI_RESPONSE_FINISH_REASONS, r.finishReasons());
        });
        if (captureText) {
            span.setAttribute(SluiceAttributes.GEN_AI_INPUT_MESSAGES, messages("user", String.valueOf(input)));
            span.setAttribute(SluiceAttributes.GEN_AI_OUTPUT_MESSAGES, messages("assistant",
                    response.map(GenAiResponse::text).orElseGet(() -> String.valueOf(output))));
        }
    }

    /** Marks the node span failed and ends it. */
    static void failNode(Span span, Throwable failure) {
        if (span.isRecording()) {
            Throwable cause = unwrap(failure);
            span.setStatus(StatusCode.ERROR, String.valueOf(cause.getMessage()));
            span.setAttribute(SluiceAttributes.ERROR_TYPE, cause.getClass().getName());
        }
        span.end();
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static String messages(String role, String text) {
        return "[{\"role\":\"" + role + "\",\"parts\":[{\"type\":\"text\",\"content\":"
                + dev.sluice.core.JsonText.quote(text) + "}]}]";
    }

    // ---------------------------------------------------------------- evidence

    /**
     * Hands a finished run to the store.
     *
     * @param traces the node traces in flow order, null for nodes that did not run
     * @param output the output, null if the run failed
     * @param failure why the run failed, null if it succeeded
     */
    void record(UUID runId, SpanContext runSpan, long startedEpochNs, byte[] input, ContentHash inputHash,
            List<NodeTrace> traces, Object output, ContentHash outputHash, Throwable failure) {
        List<NodeEvent> nodes = new ArrayList<>(traces.size());
        List<EvidenceLink> links = new ArrayList<>();
        List<QualityEval> quality = new ArrayList<>();
        for (int k = 0; k < traces.size(); k++) {
            NodeTrace trace = traces.get(k);
            if (trace == null) {
                continue;
            }
            Node node = executors[k].node;
            Map<String, String> attributes = new HashMap<>();
            attributes.put("kind", node.kindName());
            attributes.put("cache_hit", Boolean.toString(trace.cacheHit()));
            attributes.put("elapsed_ns", Long.toString(trace.elapsedNs()));
            if (node instanceof CallNode call) {
                Map<String, String> config = adapterConfig(k, call);
                attributes.putAll(config);
                attributes.put("tokens", Long.toString(trace.tokens()));
                attributes.put("retries", Integer.toString(trace.retries()));
                links.addAll(trace.evidence());
                if (!call.adapter.modelIdentity().isEmpty()) {
                    links.add(new EvidenceLink(EvidenceLink.Kind.CONFIG, call.adapter.modelIdentity(), "", "", config));
                }
            }
            trace.gateDecision().ifPresent(decision -> {
                attributes.put("outcome", decision.outcome().name());
                attributes.put("reason", decision.reason());
                quality.addAll(evaluations(node, decision));
            });
            nodes.add(new NodeEvent(node.id, node.version, trace.inputHash().hex(), trace.outputHash().hex(),
                    trace.startedEpochNs(), trace.startedEpochNs() + trace.elapsedNs(), attributes));
        }
        if (failure == null) {
            links.add(new EvidenceLink(EvidenceLink.Kind.OUTPUT, "output", outputHash.hex(),
                    EvidenceLink.excerpt(String.valueOf(output)), Map.of("schema", flow.outputSchema().typeName())));
        }
        String traceId = runSpan.isValid() ? runSpan.getTraceId() : "";
        Throwable cause = failure == null ? null : unwrap(failure);
        store.append(new Evidence(runId, traceId, flow.name(), flow.version(), startedEpochNs, epochNowNs(),
                inputHash.hex(), failure == null ? outputHash.hex() : "", cause == null ? ""
                : String.valueOf(cause.getMessage()), nodes, links, quality), flow.inputSchema().version(), input);
    }

    private Map<String, String> adapterConfig(int k, CallNode node) {
        Map<String, String> config = new HashMap<>();
        config.put("node", node.id);
        config.put("node_version", node.version);
        config.put("model", node.adapter.modelIdentity());
        config.put("seed", Long.toString(executors[k].seed().value()));
        config.put("tools", String.join(",", node.adapter.tools().stream().sorted().toList()));
        config.put("settings", node.adapter.settings());
        config.put("state_version", node.adapter.stateVersion());
        return config;
    }

    private static List<QualityEval> evaluations(Node node, GateDecision<?> decision) {
        Map<String, String> meta = Map.of("node", node.id, "outcome", decision.outcome().name(), "reason",
                decision.reason());
        List<QualityEval> evaluations = new ArrayList<>();
        for (Map.Entry<String, Double> score : new java.util.TreeMap<>(decision.scores()).entrySet()) {
            evaluations.add(new QualityEval(score.getKey(), score.getValue(), meta,
                    score.getKey().equals(decision.decidedBy())));
        }
        if (evaluations.stream().noneMatch(QualityEval::decided)) {
            evaluations.add(new QualityEval("gate_outcome", decision.outcome().ordinal(), meta, true));
        }
        return evaluations;
    }

    Optional<Evidence> evidence(UUID runId) {
        requireStore("evidence");
        store.flush();
        return store.evidence(runId);
    }

    private void requireStore(String what) {
        if (store == null) {
            throw new IllegalStateException("flow '" + flow.name() + "' runs without an evidence store, so it has no "
                    + what + "; start it with FlowRuntime.withEvidence(store)");
        }
    }

    // ---------------------------------------------------------------- replay

    /** Re-runs the journaled inputs of this flow through the flow as it is now, inline, recording nothing. */
    ReplayReport replay(Instant from, Instant to) {
        requireStore("journal to replay");
        store.flush();
        List<ReplayReport.Run> runs = new ArrayList<>();
        try (InlinePipeline<I, O> replayer = new InlinePipeline<>(flow, seed, cache, Observability.NONE)) {
            for (JournalEntry entry : store.journal(from, to)) {
                runs.add(replay(replayer, entry));
            }
        }
        return new ReplayReport(runs);
    }

    private ReplayReport.Run replay(InlinePipeline<I, O> replayer, JournalEntry entry) {
        String recorded = entry.outputHash();
        if (!entry.flowName().equals(flow.name())) {
            return new ReplayReport.Run(entry.runId(), ReplayReport.Status.SKIPPED, recorded, "", "",
                    "recorded by flow '" + entry.flowName() + "'");
        }
        if (entry.inputSchemaVersion() != flow.inputSchema().version()) {
            return new ReplayReport.Run(entry.runId(), ReplayReport.Status.SKIPPED, recorded, "", "",
                    "input schema version " + entry.inputSchemaVersion() + " was recorded; the flow reads version "
                            + flow.inputSchema().version());
        }
        RunResult<O> result;
        try {
            result = replayer.submit(flow.inputSchema().decode(entry.input())).join();
        } catch (RuntimeException e) {
            Throwable cause = unwrap(e);
            String node = cause instanceof NodeFailedException failed ? failed.nodeId() : "";
            return new ReplayReport.Run(entry.runId(), ReplayReport.Status.FAILED, recorded, "", node,
                    String.valueOf(cause.getMessage()));
        }
        String replayed = result.outputHash().hex();
        if (replayed.equals(recorded)) {
            return new ReplayReport.Run(entry.runId(), ReplayReport.Status.UNCHANGED, recorded, replayed, "", "");
        }
        Map<String, String> recordedOutputs = new HashMap<>();
        for (NodeEvent node : entry.nodes()) {
            recordedOutputs.put(node.nodeId(), node.outputHash());
        }
        String firstChanged = "";
        for (NodeTrace node : result.nodes()) {
            if (!node.outputHash().hex().equals(recordedOutputs.get(node.nodeId()))) {
                firstChanged = node.nodeId();
                break;
            }
        }
        return new ReplayReport.Run(entry.runId(), recorded.isEmpty() ? ReplayReport.Status.FAILED
                : ReplayReport.Status.CHANGED, recorded, replayed, firstChanged,
                recorded.isEmpty() ? "the recorded run had failed" : "");
    }
}
