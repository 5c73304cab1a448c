package dev.sluice.pipeline;

import dev.sluice.core.hash.ContentHash;
import dev.sluice.pipeline.evidence.Evidence;
import dev.sluice.pipeline.evidence.EvidenceLink;
import dev.sluice.pipeline.evidence.EvidenceStore;
import dev.sluice.pipeline.evidence.NodeEvent;
import dev.sluice.pipeline.evidence.QualityEval;
import io.opentelemetry.api.trace.SpanContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Builds the evidence chain of a finished run (a node event per node that ran, the links its adapters reported and
 * their configuration, the gates' quality evaluations, the output) and hands it with the run's input to the
 * flow's {@link EvidenceStore}. Without a store nothing is copied or built: the runtimes ask
 * {@link #recordsEvidence()} before keeping the input bytes. Thread-safe (stateless per run).
 */
final class EvidenceChain {
    private final Flow<?, ?> flow;
    private final NodeExecutor[] executors;
    /** The store, null for none. */
    private final EvidenceStore store;

    EvidenceChain(Flow<?, ?> flow, NodeExecutor[] executors, EvidenceStore store) {
        this.flow = flow;
        this.executors = executors;
        this.store = store;
    }

    /** @return whether runs are recorded in an evidence store (then the runtimes keep the input bytes) */
    boolean recordsEvidence() {
        return store != null;
    }

    /**
     * Hands a finished run to the store.
     *
     * @param traces the node traces in flow order, null for nodes that did not run
     * @param output the output, null if the run failed
     * @param failure why the run failed, null if it succeeded
     */
    void record(
            UUID runId,
            SpanContext runSpan,
            long startedEpochNs,
            byte[] input,
            ContentHash inputHash,
            List<NodeTrace> traces,
            Object output,
            ContentHash outputHash,
            Throwable failure) {
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
            nodes.add(new NodeEvent(
                    node.id,
                    node.version,
                    trace.inputHash().hex(),
                    trace.outputHash().hex(),
                    trace.startedEpochNs(),
                    trace.startedEpochNs() + trace.elapsedNs(),
                    attributes));
        }
        if (failure == null) {
            links.add(new EvidenceLink(
                    EvidenceLink.Kind.OUTPUT,
                    "output",
                    outputHash.hex(),
                    EvidenceLink.excerpt(String.valueOf(output)),
                    Map.of("schema", flow.outputSchema().typeName())));
        }
        String traceId = runSpan.isValid() ? runSpan.getTraceId() : "";
        Throwable cause = failure == null ? null : Provenance.unwrap(failure);
        store.append(
                new Evidence(
                        runId,
                        traceId,
                        flow.name(),
                        flow.version(),
                        startedEpochNs,
                        Provenance.epochNowNs(),
                        inputHash.hex(),
                        failure == null ? outputHash.hex() : "",
                        cause == null ? "" : String.valueOf(cause.getMessage()),
                        nodes,
                        links,
                        quality),
                flow.inputSchema().version(),
                input);
    }

    private Map<String, String> adapterConfig(int k, CallNode node) {
        Map<String, String> config = new HashMap<>();
        config.put("node", node.id);
        config.put("node_version", node.version);
        config.put("model", node.adapter.modelIdentity());
        config.put("seed", Long.toString(executors[k].seed().value()));
        config.put(
                "tools", String.join(",", node.adapter.tools().stream().sorted().toList()));
        config.put("settings", node.adapter.settings());
        config.put("state_version", node.adapter.stateVersion());
        return config;
    }

    private static List<QualityEval> evaluations(Node node, GateDecision<?> decision) {
        Map<String, String> meta =
                Map.of("node", node.id, "outcome", decision.outcome().name(), "reason", decision.reason());
        List<QualityEval> evaluations = new ArrayList<>();
        for (Map.Entry<String, Double> score : new TreeMap<>(decision.scores()).entrySet()) {
            evaluations.add(new QualityEval(
                    score.getKey(), score.getValue(), meta, score.getKey().equals(decision.decidedBy())));
        }
        if (evaluations.stream().noneMatch(QualityEval::decided)) {
            evaluations.add(new QualityEval("gate_outcome", decision.outcome().ordinal(), meta, true));
        }
        return evaluations;
    }

    /** @return the recorded evidence of a run, once the store has written what it was handed */
    Optional<Evidence> evidence(UUID runId) {
        EvidenceStore recorded = store("evidence");
        recorded.flush();
        return recorded.evidence(runId);
    }

    /**
     * @param what what the caller wants from the store, for the message when there is none
     * @return the store
     * @throws IllegalStateException if the flow runs without one
     */
    EvidenceStore store(String what) {
        if (store == null) {
            throw new IllegalStateException("flow '" + flow.name() + "' runs without an evidence store, so it has no "
                    + what + "; start it with FlowRuntime.withEvidence(store)");
        }
        return store;
    }
}
