/**
 * The dataflow pipeline: the fluent flow API, the inline and Agrona ring-buffer runtimes, the result
 * cache, OpenTelemetry instrumentation, the evidence store, quality gates, journal and replay. Filled by the
 * pipeline and provenance issues.
 */
package dev.sluice.pipeline;
