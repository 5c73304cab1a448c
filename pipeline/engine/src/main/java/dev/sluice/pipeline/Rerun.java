package dev.sluice.pipeline;

import dev.sluice.core.BadInputException;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * A gate's request to run an earlier node of the flow again with a changed input: for example, call the model
 * again with a prompt that asks for a shorter answer. The runtime computes the node's new input from its input in
 * this run and the value that failed, runs the nodes from that node up to the gate again (each with its own cache
 * key, span and trace), and lets the gate decide once more, at most {@code maxReruns} times. When the value still
 * fails after the last re-run, {@code exhaustedOutcome} and {@code exhaustedAction} decide what continues, as a
 * {@code degrade} or {@code fallback} remedy would. Built by {@code Remedy.rerun}; immutable. The function must be
 * pure (the flow stays replayable).
 *
 * @param nodeId the node to run again; it must come before the gate, and no sink may lie between them
 * @param maxReruns how many times at most, 1 to 8
 * @param changedInput computes the node's new input from its previous input and the value that failed
 * @param exhaustedOutcome {@code DEGRADE} or {@code FALLBACK}: the outcome when the re-runs are used up
 * @param exhaustedAction the value that continues when the re-runs are used up
 * @param <T> the type of the value the gate checks
 */
public record Rerun<T>(
        String nodeId,
        int maxReruns,
        BiFunction<Object, ? super T, Object> changedInput,
        GateDecision.Outcome exhaustedOutcome,
        UnaryOperator<T> exhaustedAction) {
    /** The most re-runs one gate may ask for in one run. */
    public static final int MAX_RERUNS = 8;

    /** Checks the parts. */
    public Rerun {
        if (nodeId == null || changedInput == null || exhaustedAction == null) {
            throw new BadInputException("a re-run needs a node id, an input function and what to do when the"
                    + " re-runs are used up (none null)");
        }
        if (maxReruns < 1 || maxReruns > MAX_RERUNS) {
            throw new BadInputException(
                    "a re-run of node '" + nodeId + "' may happen 1 to " + MAX_RERUNS + " times, got " + maxReruns);
        }
        if (exhaustedOutcome != GateDecision.Outcome.DEGRADE && exhaustedOutcome != GateDecision.Outcome.FALLBACK) {
            throw new BadInputException("when the re-runs of node '" + nodeId + "' are used up the value must be"
                    + " degraded or replaced by a fallback, got " + exhaustedOutcome);
        }
    }
}
