package dev.sluice.pipeline;

import dev.sluice.core.BadInputException;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of a {@link Gate}: what happened, the value that continues down the flow, why, and the quality
 * scores the gate measured. Immutable.
 *
 * @param outcome what the gate decided
 * @param value the value that continues (the original one when it passed)
 * @param reason why, in a few words ("" when it passed)
 * @param scores the metrics the gate measured, by name
 * @param decidedBy the name of the score that decided the outcome ({@code decided = true} in the evidence store's
 *     {@code quality_eval}); "" when none did on its own
 * @param rerun for a {@code REWRITE} that re-runs an earlier node: which node and how (see {@link Rerun}); the
 *     runtime then runs that node again and the gate decides once more, and the decision it records says so
 * @param <T> the type of the value
 */
public record GateDecision<T>(
        Outcome outcome,
        T value,
        String reason,
        Map<String, Double> scores,
        String decidedBy,
        Optional<Rerun<T>> rerun) {
    /** What a gate can decide. */
    public enum Outcome {
        /** The value is good as it is. */
        PASS,
        /** The value was corrected (for example trimmed to a budget). */
        REWRITE,
        /** The value continues, marked as of lower quality. */
        DEGRADE,
        /** The value was replaced by a fallback (for example an extractive answer). */
        FALLBACK
    }

    /** Checks the parts and freezes the scores. */
    public GateDecision {
        if (outcome == null
                || value == null
                || reason == null
                || scores == null
                || decidedBy == null
                || rerun == null) {
            throw new BadInputException("a gate decision needs an outcome, a value, a reason, scores, the deciding"
                    + " score's name and an optional re-run (none null)");
        }
        if (rerun.isPresent() && outcome != Outcome.REWRITE) {
            throw new BadInputException(
                    "only a REWRITE can re-run node '" + rerun.get().nodeId() + "', got " + outcome);
        }
        if (!decidedBy.isEmpty() && !scores.containsKey(decidedBy)) {
            throw new BadInputException(
                    "the deciding score '" + decidedBy + "' is not among the scores " + scores.keySet());
        }
        scores = Map.copyOf(scores);
    }

    /**
     * A decision that re-runs no node.
     *
     * @param outcome what the gate decided
     * @param value the value that continues
     * @param reason why
     * @param scores what was measured
     * @param decidedBy the score that decided, one of {@code scores}, or ""
     */
    public GateDecision(Outcome outcome, T value, String reason, Map<String, Double> scores, String decidedBy) {
        this(outcome, value, reason, scores, decidedBy, Optional.empty());
    }

    /**
     * A decision whose deciding score is the only score, if there is exactly one.
     *
     * @param outcome what the gate decided
     * @param value the value that continues
     * @param reason why
     * @param scores what was measured
     */
    public GateDecision(Outcome outcome, T value, String reason, Map<String, Double> scores) {
        this(
                outcome,
                value,
                reason,
                scores,
                scores != null && scores.size() == 1
                        ? scores.keySet().iterator().next()
                        : "");
    }

    /**
     * @param value the value, unchanged
     * @param scores what was measured
     * @param <T> the value's type
     * @return a pass
     */
    public static <T> GateDecision<T> pass(T value, Map<String, Double> scores) {
        return new GateDecision<>(Outcome.PASS, value, "", scores);
    }

    /**
     * @param outcome {@code REWRITE}, {@code DEGRADE} or {@code FALLBACK}
     * @param value the value that continues
     * @param reason why
     * @param scores what was measured
     * @param <T> the value's type
     * @return the decision
     */
    public static <T> GateDecision<T> of(Outcome outcome, T value, String reason, Map<String, Double> scores) {
        return new GateDecision<>(outcome, value, reason, scores);
    }

    /**
     * @param outcome what the gate decided
     * @param value the value that continues
     * @param reason why
     * @param scores what was measured
     * @param decidedBy the score that decided, one of {@code scores}
     * @param <T> the value's type
     * @return the decision
     */
    public static <T> GateDecision<T> of(
            Outcome outcome, T value, String reason, Map<String, Double> scores, String decidedBy) {
        return new GateDecision<>(outcome, value, reason, scores, decidedBy);
    }

    /**
     * @param failing the value that failed
     * @param reason why
     * @param scores what was measured
     * @param decidedBy the score that decided, one of {@code scores}
     * @param rerun which node to run again and how
     * @param <T> the value's type
     * @return a {@code REWRITE} that re-runs a node
     */
    public static <T> GateDecision<T> rerun(
            T failing, String reason, Map<String, Double> scores, String decidedBy, Rerun<T> rerun) {
        return new GateDecision<>(Outcome.REWRITE, failing, reason, scores, decidedBy, Optional.of(rerun));
    }
}
