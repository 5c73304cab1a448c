/**
 * The dataflow engine: build a typed {@link dev.sluice.pipeline.Flow} of pure nodes ({@code map}), adapters
 * with side effects ({@code call}), quality gates and sinks; start it on a {@link dev.sluice.pipeline.FlowRuntime}
 * (inline on the caller's thread, or pipelined on Agrona agents and ring buffers) and submit requests to the
 * running {@link dev.sluice.pipeline.Pipeline}. Adapter outputs are cached by
 * {@code key = hash(inputs, model, seed, tools, version)} in a {@link dev.sluice.pipeline.ResultCache} (memory,
 * and optionally a {@link dev.sluice.pipeline.PersistentTier}); every run returns its
 * {@link dev.sluice.pipeline.RunResult} with a trace per node. Retrieval and generation nodes plug in from
 * {@code sluice-rag}, the SQLite and PostgreSQL stores from {@code sluice-jdbc}.
 *
 * <p><b>A map of the package.</b> The public types are the API: {@code Flow}, {@code FlowBuilder}, {@code Adapter},
 * {@code TypedAdapter}, {@code AdapterContext}, {@code Gate}, {@code GateDecision}, {@code Rerun}, {@code FlowRuntime},
 * {@code Pipeline}, {@code RunResult}, {@code NodeTrace}, {@code ReplayReport}, {@code ResultCache},
 * {@code PersistentTier}, {@code TokenListener} and the exceptions. Everything else is package-private machinery,
 * invisible to users (as in Caffeine, where the cache lives package-private beside its builder), grouped by job:
 * <ul>
 *   <li>nodes: {@code Node} (sealed: {@code MapNode}, {@code CallNode}, {@code GateNode}, {@code SinkNode});</li>
 *   <li>executing a node: {@code NodeExecutor} over {@code NodeExecution} ({@code MapExecution},
 *       {@code CallExecution}, {@code GateExecution}, {@code SinkExecution}), with {@code AdapterKeys} (cache keys),
 *       {@code CachedOutputs}, {@code EdgeCodec} and {@code GateReruns};</li>
 *   <li>runtimes: {@code RunningFlow}, {@code InlinePipeline}, and the pipelined one: {@code PipelinedPipeline}
 *       over {@code RingTopology} (rings, threads, idle strategies), {@code StageAgent} (one node's stage) and
 *       {@code PendingRuns} (submitted runs and backpressure);</li>
 *   <li>provenance: {@code Provenance} over {@code RunSpans} (tracing), {@code EvidenceChain} (evidence) and
 *       {@code JournalReplay} (replay), with {@code RunTraces} and {@code RunIds}.</li>
 * </ul>
 */
package dev.sluice.pipeline;
