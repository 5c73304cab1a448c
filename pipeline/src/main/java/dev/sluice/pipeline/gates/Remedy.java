package dev.sluice.pipeline.gates;

import dev.sluice.pipeline.GateDecision;
import java.util.function.UnaryOperator;

/**
 * What a gate does with a value that fails its check: rewrite it (for example trim it to the budget, or call the
 * model again with a changed prompt), degrade it (continue by a cheaper path, or as is but marked), or fall back
 * (for example to an extractive answer built from the top snippets). Immutable; the action must be a pure
 * function of the value (the flow stays replayable).
 *
 * @param outcome {@code REWRITE}, {@code DEGRADE} or {@code FALLBACK}
 * @param action computes the value that continues from the failing one
 * @param <T> the value's type
 */
public record Remedy<T>(GateDecision.Outcome outcome, UnaryOperator<T> action) {
    /** Checks the parts. */
    public Remedy {
        if (outcome == null || outcome == GateDecision.Outcome.PASS || action == null) {
            throw new IllegalArgumentException("a remedy needs an action and an outcome other than PASS, got "
                    + outcome);
        }
    }

    /**
     * @param rewrite corrects the value
     * @param <T> the value's type
     * @return a remedy that rewrites
     */
    public static <T> Remedy<T> rewrite(UnaryOperator<T> rewrite) {
        return new Remedy<>(GateDecision.Outcome.REWRITE, rewrite);
    }

    /**
     * @param cheaperPath computes a cheaper or lesser value
     * @param <T> the value's type
     * @return a remedy that degrades
     */
    public static <T> Remedy<T> degrade(UnaryOperator<T> cheaperPath) {
        return new Remedy<>(GateDecision.Outcome.DEGRADE, cheaperPath);
    }

    /**
     * @param <T> the value's type
     * @return a remedy that lets the value continue unchanged, marked as degraded
     */
    public static <T> Remedy<T> degradeAsIs() {
        return new Remedy<>(GateDecision.Outcome.DEGRADE, UnaryOperator.identity());
    }

    /**
     * @param fallback computes the replacement value
     * @param <T> the value's type
     * @return a remedy that falls back
     */
    public static <T> Remedy<T> fallback(UnaryOperator<T> fallback) {
        return new Remedy<>(GateDecision.Outcome.FALLBACK, fallback);
    }
}
