/**
 * Built-in quality gates ({@link dev.sluice.pipeline.gates.Gates}: length, token budget, retrieval score, patterns,
 * any metric) and what a failing gate does ({@link dev.sluice.pipeline.gates.Remedy}: rewrite, degrade, fall
 * back). Use them with {@code FlowBuilder.gate}; every decision is recorded in the evidence store.
 */
package dev.sluice.pipeline.gates;
