package dev.sluice.pipeline;

import dev.sluice.core.hash.ContentHash;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The state of one request accepted by the pipelined runtime, from {@code submit} to completion: its ids, its
 * future, its traces and span, and the trace context the envelope header carries. Held in {@link PendingRuns}
 * under its correlation id; each node's fields of {@link #traces} and {@link #nodeInputs} are written by the
 * thread that runs that node, before it hands its output on.
 */
final class PendingRun {
    final long correlationId;
    final UUID runId;
    final TokenListener tokens;
    final RunTraces traces;
    final CompletableFuture<RunResult<Object>> future = new CompletableFuture<>();
    final long startNs = System.nanoTime();
    final long startEpochNs = Provenance.epochNowNs();
    final Span span;
    /** The run span's W3C context, as the envelope header carries it: zero when the run is not traced. */
    final long traceIdHigh;

    final long traceIdLow;
    final long spanId;
    final byte traceFlags;
    /** The input's canonical bytes for the journal, or null when no evidence is recorded. */
    byte[] journaled;
    /** The inputs of nodes that a gate may re-run, by index; null when no gate of the flow re-runs. */
    final Object[] nodeInputs;

    PendingRun(
            long correlationId,
            UUID runId,
            TokenListener tokens,
            NodeExecutor[] executors,
            ContentHash inputHash,
            boolean keepsInputs,
            Span span) {
        this.correlationId = correlationId;
        this.runId = runId;
        this.tokens = tokens;
        this.traces = new RunTraces(executors, startNs, startEpochNs, inputHash);
        this.nodeInputs = keepsInputs ? new Object[executors.length] : null;
        this.span = span;
        SpanContext context = span.getSpanContext();
        if (context.isValid()) {
            String traceId = context.getTraceId();
            traceIdHigh = Long.parseUnsignedLong(traceId, 0, 16, 16);
            traceIdLow = Long.parseUnsignedLong(traceId, 16, 32, 16);
            spanId = Long.parseUnsignedLong(context.getSpanId(), 0, 16, 16);
            traceFlags = context.getTraceFlags().asByte();
        } else {
            traceIdHigh = 0;
            traceIdLow = 0;
            spanId = 0;
            traceFlags = 0;
        }
    }
}
