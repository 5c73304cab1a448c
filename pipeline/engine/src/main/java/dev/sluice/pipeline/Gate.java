package dev.sluice.pipeline;

import java.util.Set;

/**
 * A quality gate: looks at a value on an edge and decides whether it passes, is rewritten, is degraded or is
 * replaced by a fallback. Gates are operators of the flow, so their decisions are recorded with the run. Must be
 * a pure function of the value.
 *
 * <p>A gate may ask the runtime to run an earlier node again with a changed input ({@link GateDecision#rerun()});
 * it must then name that node in {@link #rerunTargets()}, so that the flow can check it when it is built and keep
 * the node's input while a run is under way. The built-in gates of {@code Gates} do both.
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

    /**
     * @return the ids of the nodes this gate may ask to run again; none by default
     */
    default Set<String> rerunTargets() {
        return Set.of();
    }
}
