package dev.sluice.pipeline.gates;

import dev.sluice.core.BadInputException;
import dev.sluice.pipeline.Gate;
import dev.sluice.pipeline.GateDecision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.DoublePredicate;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;

/**
 * The built-in quality gates: thresholds on length, token budget, retrieval score and patterns, and any caller
 * metric. Each measures one metric, passes the value when the metric is acceptable, and otherwise applies its
 * {@link Remedy}; the decision names the metric, so the evidence store marks it {@code decided}. Combine gates
 * with {@link #all}: the first one that fails decides, and every metric measured is recorded.
 *
 * <pre>{@code
 * .gate("quality", "1", Gates.all(
 *         Gates.minLength(Completion::text, 16, Remedy.fallback(c -> extractive(c))),
 *         Gates.forbiddenPattern(Completion::text, Pattern.compile("(?i)as an ai"), Remedy.degradeAsIs())))
 * }</pre>
 *
 * <p>A {@link Remedy#rerun} remedy runs an earlier node again with a changed input; the gate declares that node
 * ({@link Gate#rerunTargets()}), so the flow checks it when it is built.
 *
 * <p>Gates are immutable and thread-safe; a check costs the metric's computation plus one small map.
 */
public final class Gates {
    /** Metric of {@link #minLength} and {@link #maxLength}: the text's length in chars. */
    public static final String LENGTH_CHARS = "length_chars";
    /** Metric of {@link #tokenBudget}: the tokens used. */
    public static final String TOKENS = "tokens";
    /** Metric of {@link #minRetrievalScore}: the best retrieval score. */
    public static final String RETRIEVAL_SCORE = "retrieval_score";
    /** Metric of {@link #requiredPattern}: 1 when the pattern is found, else 0. */
    public static final String REQUIRED_PATTERN = "required_pattern";
    /** Metric of {@link #forbiddenPattern}: 1 when the pattern is found, else 0. */
    public static final String FORBIDDEN_PATTERN = "forbidden_pattern";

    private Gates() {}

    /**
     * A gate on any metric.
     *
     * @param name the metric's name, as recorded in {@code quality_eval}
     * @param metric measures the value
     * @param acceptable whether a measure passes
     * @param remedy what to do when it does not
     * @param <T> the value's type
     * @return the gate
     */
    public static <T> Gate<T> metric(
            String name, ToDoubleFunction<? super T> metric, DoublePredicate acceptable, Remedy<T> remedy) {
        if (name == null || name.isEmpty() || metric == null || acceptable == null || remedy == null) {
            throw new BadInputException("a metric gate needs a name, a metric, a threshold and a remedy (none null)");
        }
        return new MetricGate<>(name, metric, acceptable, remedy);
    }

    /** A gate on one metric; declares the node its remedy may re-run. */
    private record MetricGate<T>(
            String name, ToDoubleFunction<? super T> metric, DoublePredicate acceptable, Remedy<T> remedy)
            implements Gate<T> {
        @Override
        public GateDecision<T> decide(T value) {
            double measured = metric.applyAsDouble(value);
            Map<String, Double> scores = Map.of(name, measured);
            if (acceptable.test(measured)) {
                return GateDecision.of(GateDecision.Outcome.PASS, value, "", scores, name);
            }
            return new GateDecision<>(
                    remedy.outcome(),
                    remedy.action().apply(value),
                    name + " " + measured + " is out of bounds",
                    scores,
                    name,
                    remedy.rerun()); // a re-run's action is the identity
        }

        @Override
        public Set<String> rerunTargets() {
            return remedy.rerun().map(rerun -> Set.of(rerun.nodeId())).orElse(Set.of());
        }
    }

    /**
     * @param text the text to measure
     * @param minChars the fewest characters that pass
     * @param remedy what to do with a shorter text
     * @param <T> the value's type
     * @return the gate
     */
    public static <T> Gate<T> minLength(
            Function<? super T, ? extends CharSequence> text, int minChars, Remedy<T> remedy) {
        requireNonNegative(minChars, "minimum length");
        return metric(LENGTH_CHARS, v -> text.apply(v).length(), n -> n >= minChars, remedy);
    }

    /**
     * @param text the text to measure
     * @param maxChars the most characters that pass
     * @param remedy what to do with a longer text (for example trim it: {@link Remedy#rewrite})
     * @param <T> the value's type
     * @return the gate
     */
    public static <T> Gate<T> maxLength(
            Function<? super T, ? extends CharSequence> text, int maxChars, Remedy<T> remedy) {
        requireNonNegative(maxChars, "maximum length");
        return metric(LENGTH_CHARS, v -> text.apply(v).length(), n -> n <= maxChars, remedy);
    }

    /**
     * @param tokens counts the tokens the value cost (for a completion: prompt plus generated tokens)
     * @param maxTokens the budget
     * @param remedy what to do over budget
     * @param <T> the value's type
     * @return the gate
     */
    public static <T> Gate<T> tokenBudget(ToDoubleFunction<? super T> tokens, long maxTokens, Remedy<T> remedy) {
        requireNonNegative(maxTokens, "token budget");
        return metric(TOKENS, tokens, n -> n <= maxTokens, remedy);
    }

    /**
     * @param bestScore the best retrieval score behind the value
     * @param minScore the lowest score that passes
     * @param remedy what to do when retrieval found nothing good enough
     * @param <T> the value's type
     * @return the gate
     */
    public static <T> Gate<T> minRetrievalScore(
            ToDoubleFunction<? super T> bestScore, double minScore, Remedy<T> remedy) {
        if (Double.isNaN(minScore)) {
            throw new BadInputException("the minimum retrieval score must be a number, got NaN");
        }
        return metric(RETRIEVAL_SCORE, bestScore, s -> s >= minScore, remedy);
    }

    /**
     * @param text the text to search
     * @param pattern what must occur in it
     * @param remedy what to do when it does not
     * @param <T> the value's type
     * @return the gate
     */
    public static <T> Gate<T> requiredPattern(
            Function<? super T, ? extends CharSequence> text, Pattern pattern, Remedy<T> remedy) {
        return metric(REQUIRED_PATTERN, found(text, pattern), f -> f == 1, remedy);
    }

    /**
     * @param text the text to search
     * @param pattern what must not occur in it
     * @param remedy what to do when it does
     * @param <T> the value's type
     * @return the gate
     */
    public static <T> Gate<T> forbiddenPattern(
            Function<? super T, ? extends CharSequence> text, Pattern pattern, Remedy<T> remedy) {
        return metric(FORBIDDEN_PATTERN, found(text, pattern), f -> f == 0, remedy);
    }

    private static <T> ToDoubleFunction<T> found(Function<? super T, ? extends CharSequence> text, Pattern pattern) {
        if (text == null || pattern == null) {
            throw new BadInputException("a pattern gate needs a text and a pattern (none null)");
        }
        return v -> pattern.matcher(text.apply(v)).find() ? 1 : 0;
    }

    /**
     * Runs gates in order on the value that continues: the first that does not pass decides (its remedy's value
     * continues and later gates are not run); all scores measured are kept.
     *
     * @param gates the gates, at least one
     * @param <T> the value's type
     * @return the combined gate
     */
    @SafeVarargs
    public static <T> Gate<T> all(Gate<T>... gates) {
        if (gates == null || gates.length == 0) {
            throw new BadInputException("Gates.all needs at least one gate");
        }
        List<Gate<T>> checked = new ArrayList<>(gates.length);
        for (Gate<T> gate : gates) {
            if (gate == null) {
                throw new BadInputException("Gates.all was given a null gate");
            }
            checked.add(gate);
        }
        return new AllGates<>(List.copyOf(checked));
    }

    /** Gates in order; the first that does not pass decides. Declares every node its gates may re-run. */
    private record AllGates<T>(List<Gate<T>> gates) implements Gate<T> {
        @Override
        public GateDecision<T> decide(T value) {
            Map<String, Double> scores = new LinkedHashMap<>();
            String decidedBy = "";
            for (Gate<T> gate : gates) {
                GateDecision<T> decision = gate.decide(value);
                scores.putAll(decision.scores());
                decidedBy = decision.decidedBy();
                if (decision.outcome() != GateDecision.Outcome.PASS) {
                    return new GateDecision<>(
                            decision.outcome(),
                            decision.value(),
                            decision.reason(),
                            scores,
                            decidedBy,
                            decision.rerun());
                }
            }
            return GateDecision.of(GateDecision.Outcome.PASS, value, "", scores, decidedBy);
        }

        @Override
        public Set<String> rerunTargets() {
            Set<String> targets = new TreeSet<>();
            for (Gate<T> gate : gates) {
                targets.addAll(gate.rerunTargets());
            }
            return Set.copyOf(targets);
        }
    }

    private static void requireNonNegative(long value, String what) {
        if (value < 0) {
            throw new BadInputException("the " + what + " must be 0 or more, got " + value);
        }
    }
}
