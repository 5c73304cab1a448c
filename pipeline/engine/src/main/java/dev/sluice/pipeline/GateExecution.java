package dev.sluice.pipeline;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Runs a gate node once: the gate decides on the input value, the decision is kept in the execution's output for
 * the trace (and for a re-run, which {@link GateReruns} carries out), and the value that continues is encoded.
 * Thread-safe.
 */
final class GateExecution implements NodeExecution {
    private final GateNode node;
    private final EdgeCodec codec;

    GateExecution(GateNode node, EdgeCodec codec) {
        this.node = node;
        this.codec = codec;
    }

    /** @param input the input value, or null to decode it from the bytes */
    void execute(
            Object input,
            DirectBuffer in,
            int offset,
            int length,
            MutableDirectBuffer out,
            NodeExecutor.NodeOutput result) {
        GateDecision<Object> decision = decide(codec.decodeInput(input, in, offset, length, result));
        result.decision = decision;
        codec.encodeOutput(decision.value(), out, result);
    }

    private GateDecision<Object> decide(Object input) {
        GateDecision<Object> decision;
        try {
            decision = node.gate.decide(input);
        } catch (RuntimeException e) {
            throw new NodeFailedException(node.id, e.toString(), e);
        }
        if (decision == null) {
            throw new NodeFailedException(node.id, "the gate returned no decision", null);
        }
        return decision;
    }
}
