package dev.sluice.pipeline;

import dev.sluice.core.BadInputException;
import dev.sluice.core.hash.ContentHash;
import dev.sluice.core.schema.Schema;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.agrona.ExpandableArrayBuffer;

/**
 * Carries out a gate's request to run an earlier node again ({@link Rerun}), on the calling thread: computes the
 * node's new input from its input in this run and the value that failed, runs the nodes from it to the gate (each
 * with its cache key, span and trace), and lets the gate decide again, until the value passes or the re-runs are
 * used up. The gate's trace then holds one decision that tells the whole story: {@code REWRITE} (or the exhausted
 * remedy's outcome), the first check's scores with the deciding metric, and each re-check's scores prefixed
 * {@code rerunN.}. The re-run nodes' traces replace their first ones, so the evidence names the prompt, documents
 * and model call that made the answer. Both runtimes use it, so they give identical bytes. Thread-safe.
 */
final class GateReruns {
    private final NodeExecutor[] executors;
    private final Provenance<?, ?> provenance;
    private final List<Schema<?>> inputSchemas;
    private final boolean[] keepsInput;
    private final boolean any;

    /** What continues after the gate: the value and its canonical bytes. */
    record Result(Object value, ExpandableArrayBuffer bytes, int length, ContentHash hash) {}

    GateReruns(Flow<?, ?> flow, NodeExecutor[] executors, Provenance<?, ?> provenance) {
        this.executors = executors;
        this.provenance = provenance;
        List<Node> nodes = flow.nodes();
        Schema<?>[] schemas = new Schema<?>[nodes.size()];
        this.keepsInput = new boolean[nodes.size()];
        for (int k = 0; k < schemas.length; k++) {
            schemas[k] = k == 0 ? flow.inputSchema() : nodes.get(k - 1).outputSchema;
            if (nodes.get(k) instanceof GateNode gate) {
                for (int target : gate.rerunTargets.values()) {
                    keepsInput[target] = true;
                }
            }
        }
        this.inputSchemas = List.of(schemas);
        boolean anyKept = false;
        for (boolean keeps : keepsInput) {
            anyKept |= keeps;
        }
        this.any = anyKept;
    }

    /** @return whether some gate may re-run node {@code k}, so a run must keep the node's input */
    boolean keepsInput(int k) {
        return keepsInput[k];
    }

    /** @return whether any gate of the flow may re-run a node */
    boolean any() {
        return any;
    }

    /**
     * Runs the re-runs a gate asked for.
     *
     * @param gate the gate's index
     * @param failed the gate's decision, with its re-run
     * @param nodeInputs the inputs of this run's nodes that {@link #keepsInput} names, by index
     * @param traces the run's traces: each re-run node's trace and the gate's final one replace the first ones
     * @return the value that continues after the gate
     */
    @SuppressWarnings("unchecked")
    Result run(
            int gate,
            GateDecision<?> failed,
            Object[] nodeInputs,
            UUID runId,
            TokenListener tokens,
            SpanContext runSpan,
            RunTraces traces) {
        GateNode gateNode = (GateNode) executors[gate].node;
        Rerun<Object> rerun = (Rerun<Object>) failed.rerun().orElseThrow();
        Integer target = gateNode.rerunTargets.get(rerun.nodeId());
        if (target == null) {
            throw new NodeFailedException(
                    gateNode.id,
                    "it asked to re-run node '" + rerun.nodeId() + "', which it"
                            + " does not declare in Gate.rerunTargets() (declared: " + gateNode.rerunTargets.keySet()
                            + ")",
                    null);
        }
        ExpandableArrayBuffer in = new ExpandableArrayBuffer(256);
        ExpandableArrayBuffer out = new ExpandableArrayBuffer(256);
        NodeExecutor.NodeOutput output = new NodeExecutor.NodeOutput();
        Map<String, Double> scores = new LinkedHashMap<>(failed.scores());
        Object input = nodeInputs[target];
        Object failing = failed.value();
        for (int attempt = 1; ; attempt++) {
            input = changedInput(gateNode, rerun, input, failing);
            int length = encode(gateNode, rerun, (Schema<Object>) inputSchemas.get(target), input, in, output);
            ContentHash edgeHash = ContentHash.of(in, 0, length);
            traces.recordChangedInput(target, edgeHash);
            Object value = input;
            for (int k = target; k <= gate; k++) {
                NodeExecutor executor = executors[k];
                long startNs = System.nanoTime();
                Span span = provenance.startNode(k, runSpan);
                try {
                    executor.executeInline(value, in, 0, length, edgeHash, runId, tokens, out, output);
                    if (k == gate) {
                        decideAfter(attempt, failed, rerun, scores, executor, out, output);
                    }
                } catch (RuntimeException e) {
                    Provenance.failNode(span, e);
                    throw e;
                }
                ContentHash outputHash = NodeExecutor.outputHash(output, out, edgeHash, in, 0, length);
                traces.record(k, startNs, System.nanoTime() - startNs, outputHash, output);
                provenance.endNode(span, k, traces, value, in, 0, length, output, out);
                value = output.value;
                length = output.length;
                edgeHash = outputHash;
                ExpandableArrayBuffer swap = in;
                in = out;
                out = swap;
            }
            if (output.decision.rerun().isEmpty()) {
                return new Result(value, in, length, edgeHash);
            }
            failing = value;
        }
    }

    /**
     * Turns the gate's check after re-run {@code attempt} into the decision it records: final when the value
     * passed, failed without asking for a re-run, or used up the re-runs (then the exhausted remedy's value is
     * encoded in place of the failing one).
     */
    private static void decideAfter(
            int attempt,
            GateDecision<?> first,
            Rerun<Object> rerun,
            Map<String, Double> scores,
            NodeExecutor gate,
            ExpandableArrayBuffer out,
            NodeExecutor.NodeOutput output) {
        GateDecision<?> check = output.decision;
        output.hash = null; // the gate's output may change below; the caller hashes what stays
        for (Map.Entry<String, Double> score : check.scores().entrySet()) {
            scores.put("rerun" + attempt + "." + score.getKey(), score.getValue());
        }
        boolean again = check.rerun().isPresent();
        if (again && attempt < rerun.maxReruns()) {
            return; // the value still fails: re-run once more
        }
        String story = "re-ran node '" + rerun.nodeId() + "' " + attempt + (attempt == 1 ? " time" : " times")
                + " because " + first.reason();
        GateDecision.Outcome outcome;
        Object value = check.value();
        if (again) {
            outcome = rerun.exhaustedOutcome();
            value = rerun.exhaustedAction().apply(value);
            story += "; still failing: " + check.reason();
            gate.encode(value, out, output);
        } else if (check.outcome() == GateDecision.Outcome.PASS) {
            outcome = GateDecision.Outcome.REWRITE;
        } else {
            outcome = check.outcome();
            story += "; then: " + check.reason();
        }
        output.decision = new GateDecision<>(outcome, value, story, scores, first.decidedBy());
    }

    private static Object changedInput(GateNode gate, Rerun<Object> rerun, Object input, Object failing) {
        Object changed;
        try {
            changed = rerun.changedInput().apply(input, failing);
        } catch (RuntimeException e) {
            throw new NodeFailedException(
                    gate.id, "its re-run input for node '" + rerun.nodeId() + "' failed: " + e, e);
        }
        if (changed == null) {
            throw new NodeFailedException(gate.id, "its re-run input for node '" + rerun.nodeId() + "' is null", null);
        }
        return changed;
    }

    private static int encode(
            GateNode gate,
            Rerun<Object> rerun,
            Schema<Object> schema,
            Object input,
            ExpandableArrayBuffer in,
            NodeExecutor.NodeOutput codec) {
        try {
            return EdgeCodec.encode(schema, input, in, codec.writer);
        } catch (BadInputException | ClassCastException e) {
            throw new NodeFailedException(
                    gate.id,
                    "its re-run input for node '" + rerun.nodeId() + "' cannot be" + " encoded as " + schema.typeName()
                            + ": " + e.getMessage(),
                    e);
        }
    }
}
