package dev.sluice.examples.cli;

import dev.sluice.pipeline.FlowRuntime;
import dev.sluice.pipeline.Pipeline;

/**
 * A flow that {@code sluice replay} can rebuild by name to replay its journaled runs. Implementations are found
 * with {@link java.util.ServiceLoader} (a {@code META-INF/services/dev.sluice.examples.cli.ReplayableFlow} entry
 * on the class path); runs of flows no implementation names are reported as skipped.
 */
public interface ReplayableFlow {
    /** @return the flow's name, as the journal records it */
    String flowName();

    /**
     * Starts the flow as it is now.
     *
     * @param runtime an inline runtime with the store attached
     * @return the running pipeline; the command closes it
     */
    Pipeline<?, ?> start(FlowRuntime runtime);

    /**
     * Starts the flow as it is now, for replaying the runs of a given store: flows whose state lives beside the
     * store (such as the demo's index, in the store's folder) find it from there. By default the store is ignored.
     *
     * @param runtime an inline runtime with the store attached
     * @param storeLocation the store as given to {@code sluice replay --store}: a file path or a JDBC URL
     * @return the running pipeline; the command closes it
     */
    default Pipeline<?, ?> start(FlowRuntime runtime, String storeLocation) {
        return start(runtime);
    }
}
