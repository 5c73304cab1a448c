/**
 * OpenTelemetry instrumentation of pipelines, through the OpenTelemetry API only: the attribute keys Sluice writes
 * ({@link dev.sluice.pipeline.telemetry.SluiceAttributes}, GenAI semantic conventions included) and how an adapter
 * describes its model calls ({@link dev.sluice.pipeline.telemetry.GenAiCall}). A pipeline makes one span per run
 * and one child span per node execution, with the trace context carried in the envelope header across ring
 * buffers and threads; attach an {@code OpenTelemetry} with {@code FlowRuntime.withTelemetry}.
 */
package dev.sluice.pipeline.telemetry;
