package dev.sluice.pipeline;

import dev.sluice.core.BadInputException;
import dev.sluice.core.schema.Schema;

/**
 * An adapter together with the schema of its output edge: what a module that plugs into the engine (retrieval,
 * generation, prompts in {@code sluice-rag}) hands to {@link FlowBuilder#call(String, String, TypedAdapter)}, so
 * that a flow reads {@code .call("retrieve", "1", RagNodes.retrieve(embedder, index, 8, texts))}. Immutable.
 *
 * @param outputSchema the schema of the adapter's output edge
 * @param adapter the adapter
 * @param <T> the input type
 * @param <R> the output type
 */
public record TypedAdapter<T, R>(Schema<R> outputSchema, Adapter<T, R> adapter) {
    /** Checks that neither part is null. */
    public TypedAdapter {
        if (outputSchema == null || adapter == null) {
            throw new BadInputException(
                    "a typed adapter needs an output schema and an adapter, got " + outputSchema + " and " + adapter);
        }
    }
}
