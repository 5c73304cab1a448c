/**
 * Provenance: the evidence chain of every run ({@link dev.sluice.pipeline.evidence.Evidence}: input fragments,
 * prompt, model configuration, output, quality scores and gate decisions, run and trace ids) and the store that
 * keeps it with the journal of run inputs ({@link dev.sluice.pipeline.evidence.EvidenceStore}, an interface: the
 * SQLite and PostgreSQL stores are in {@code sluice-jdbc}). Attach a store with {@code FlowRuntime.withEvidence};
 * read a run back with {@code Pipeline.evidence(runId)}; replay the journal with {@code Pipeline.replay(from, to)}.
 */
package dev.sluice.pipeline.evidence;
