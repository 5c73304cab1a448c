package dev.sluice.pipeline;

/**
 * A quality gate: looks at a value on an edge and decides whether it passes, is rewritten, is degraded or is
 * replaced by a fallback. Gates are operators of the flow, so their decisions are recorded with the run. Must be
 * a pure function of the value.
 *
 * @param <T> the type of the value checked
 */
@FunctionalInterface
public interface Gate<T> {
    /**
     * @param value the value to check
     * @return the decision, with the value that continues down the flow
     */
    GateDecision<T> decide(T value);
}
