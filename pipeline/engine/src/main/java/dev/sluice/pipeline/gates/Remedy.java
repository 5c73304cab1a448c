package dev.sluice.pipeline.gates;

import dev.sluice.core.BadInputException;
import dev.sluice.pipeline.GateDecision;
import dev.sluice.pipeline.Rerun;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * What a gate does with a value that fails its check: rewrite it (correct the value, for example trim it to the
 * budget; or {@linkplain #rerun run an earlier node again} with a changed input, for example call the model again
 * with a prompt that asks for less), degrade it (continue by a cheaper path, or as is but marked), or fall back
 * (for example to an extractive answer built from the top snippets). Immutable; the functions must be pure (the
 * flow stays replayable).
 *
 * @param outcome {@code REWRITE}, {@code DEGRADE} or {@code FALLBACK}
 * @param action computes the value that continues from the failing one (the identity for a re-run)
 * @param rerun the node to run again, for a re-run
 * @param <T> the value's type
 */
public record Remedy<T>(GateDecision.Outcome outcome, UnaryOperator<T> action, Optional<Rerun<T>> rerun) {
    /** Checks the parts. */
    public Remedy {
        if (outcome == null || outcome == GateDecision.Outcome.PASS || action == null || rerun == null) {
            throw new IllegalArgumentException(
                    "a remedy needs an action and an outcome other than PASS, got " + outcome);
        }
        if (rerun.isPresent() && outcome != GateDecision.Outcome.REWRITE) {
            throw new IllegalArgumentException("a re-run is a REWRITE, got " + outcome);
        }
    }

    /**
     * A remedy that computes the value that continues.
     *
     * @param outcome {@code REWRITE}, {@code DEGRADE} or {@code FALLBACK}
     * @param action computes the value that continues from the failing one
     */
    public Remedy(GateDecision.Outcome outcome, UnaryOperator<T> action) {
        this(outcome, action, Optional.empty());
    }

    /**
     * Runs an earlier node again, once, with a changed input; if the value still fails, it continues as is, marked
     * degraded. For example, ask the model again for a shorter answer:
     * <pre>{@code
     * .gate("concise", "1", Gates.maxLength(Completion::text, 400,
     *         Remedy.rerun("answer", (String prompt, Completion tooLong) -> prompt + "\nAnswer in one sentence.")))
     * }</pre>
     *
     * @param nodeId the node to run again; it must come before the gate
     * @param changedInput the node's new input, from its input in this run and the value that failed
     * @param <P> the node's input type
     * @param <T> the value's type
     * @return a remedy that re-runs
     */
    public static <P, T> Remedy<T> rerun(String nodeId, BiFunction<? super P, ? super T, ? extends P> changedInput) {
        return rerun(nodeId, 1, changedInput, degradeAsIs());
    }

    /**
     * Runs an earlier node again with a changed input, up to {@code maxReruns} times while the value fails; each
     * re-run changes the input of the one before. When the value still fails, {@code whenExhausted} decides.
     *
     * @param nodeId the node to run again; it must come before the gate, with no sink between them
     * @param maxReruns how many times at most, 1 to {@value Rerun#MAX_RERUNS}
     * @param changedInput the node's new input, from its previous input and the value that failed
     * @param whenExhausted a {@link #degrade} or {@link #fallback} remedy for a value that still fails
     * @param <P> the node's input type
     * @param <T> the value's type
     * @return a remedy that re-runs
     */
    @SuppressWarnings("unchecked")
    public static <P, T> Remedy<T> rerun(
            String nodeId,
            int maxReruns,
            BiFunction<? super P, ? super T, ? extends P> changedInput,
            Remedy<T> whenExhausted) {
        if (changedInput == null || whenExhausted == null) {
            throw new BadInputException("a re-run of node '" + nodeId + "' needs an input function and a remedy for"
                    + " when the re-runs are used up (none null)");
        }
        BiFunction<Object, ? super T, Object> erased = (input, failing) -> changedInput.apply((P) input, failing);
        return new Remedy<>(
                GateDecision.Outcome.REWRITE,
                UnaryOperator.identity(),
                Optional.of(new Rerun<>(nodeId, maxReruns, erased, whenExhausted.outcome(), whenExhausted.action())));
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
