/**
 * The dataflow engine: build a typed {@link dev.sluice.pipeline.Flow} of pure nodes ({@code map}), adapters
 * with side effects ({@code call}), quality gates and sinks; start it on a {@link dev.sluice.pipeline.FlowRuntime}
 * (inline on the caller's thread, or pipelined on Agrona agents and ring buffers) and submit requests to the
 * running {@link dev.sluice.pipeline.Pipeline}. Adapter outputs are cached by
 * {@code key = hash(inputs, model, seed, tools, version)} in a {@link dev.sluice.pipeline.ResultCache} (memory,
 * and optionally a {@link dev.sluice.pipeline.PersistentTier}); every run returns its
 * {@link dev.sluice.pipeline.RunResult} with a trace per node. Retrieval and generation nodes plug in from
 * {@code sluice-rag}, the SQLite and PostgreSQL stores from {@code sluice-jdbc}.
 */
package dev.sluice.pipeline;
