package dev.sluice.pipeline;

import dev.sluice.core.hash.ContentHash;
import dev.sluice.core.hash.Seed;
import dev.sluice.pipeline.evidence.Evidence;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.agrona.DirectBuffer;

/**
 * The provenance side of a running flow, shared by both runtimes, in three parts that it hands each call to: the
 * spans ({@link RunSpans}: one per run, one child per node execution), the evidence chain handed to the store
 * when a run ends ({@link EvidenceChain}), and replay of the journal ({@link JournalReplay}).
 *
 * <p>Costs: with no SDK installed the tracer is the API's no-op one: the run span is the invalid span (or a
 * wrapper of the caller's current span, as the no-op tracer would return), no span builder is made and no node
 * span is even built; attributes that need hex strings are computed only when a span is recording. Without a
 * store nothing is copied or built for evidence. Thread-safe (stateless per run).
 */
final class Provenance<I, O> {
    private final RunSpans spans;
    private final EvidenceChain chain;
    private final JournalReplay<I, O> journal;

    Provenance(Flow<I, O> flow, NodeExecutor[] executors, Observability observability, Seed seed, ResultCache cache) {
        this.spans = new RunSpans(flow, executors, observability);
        this.chain = new EvidenceChain(flow, executors, observability.store());
        this.journal = new JournalReplay<>(flow, seed, cache);
    }

    /** @return whether runs are recorded in an evidence store (then the runtimes keep the input bytes) */
    boolean recordsEvidence() {
        return chain.recordsEvidence();
    }

    /** @return the current time, nanoseconds since the Unix epoch */
    static long epochNowNs() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** @return the failure itself, or the cause a {@link CompletionException} wraps */
    static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    // ---------------------------------------------------------------- tracing

    /** Starts the run's span, a child of the caller's current span if any. */
    Span startRun(UUID runId) {
        return spans.startRun(runId);
    }

    /** Ends the run's span, marking a failure. */
    static void endRun(Span run, Throwable failure) {
        RunSpans.endRun(run, failure);
    }

    /**
     * Starts the span of node {@code k} as a child of the run span described by an envelope's trace context.
     *
     * @return the span, or the invalid span (which costs nothing) when the run is not traced
     */
    Span startNode(int k, long traceIdHigh, long traceIdLow, long runSpanId, byte traceFlags) {
        return spans.startNode(k, traceIdHigh, traceIdLow, runSpanId, traceFlags);
    }

    /** Starts the span of node {@code k} as a child of the run span, or returns the invalid span. */
    Span startNode(int k, SpanContext runSpan) {
        return spans.startNode(k, runSpan);
    }

    /**
     * Sets the node span's attributes (when it records) and ends it. The input and output values are decoded from
     * their bytes only if a recording span needs them.
     *
     * @param input the input value, null if it is only bytes
     * @param in the input bytes
     * @param output the execution's output (its value may still be null)
     * @param out the output bytes
     */
    void endNode(
            Span span,
            int k,
            RunTraces traces,
            Object input,
            DirectBuffer in,
            int inOffset,
            int inLength,
            NodeExecutor.NodeOutput output,
            DirectBuffer out) {
        spans.endNode(span, k, traces, input, in, inOffset, inLength, output, out);
    }

    /** Marks the node span failed and ends it. */
    static void failNode(Span span, Throwable failure) {
        RunSpans.failNode(span, failure);
    }

    // ---------------------------------------------------------------- evidence

    /**
     * Hands a finished run to the store.
     *
     * @param traces the node traces in flow order, null for nodes that did not run
     * @param output the output, null if the run failed
     * @param failure why the run failed, null if it succeeded
     */
    void record(
            UUID runId,
            SpanContext runSpan,
            long startedEpochNs,
            byte[] input,
            ContentHash inputHash,
            List<NodeTrace> traces,
            Object output,
            ContentHash outputHash,
            Throwable failure) {
        chain.record(runId, runSpan, startedEpochNs, input, inputHash, traces, output, outputHash, failure);
    }

    /** @return the recorded evidence of a run (see {@link Pipeline#evidence}) */
    Optional<Evidence> evidence(UUID runId) {
        return chain.evidence(runId);
    }

    // ---------------------------------------------------------------- replay

    /** Re-runs the journaled inputs of this flow through the flow as it is now, inline, recording nothing. */
    ReplayReport replay(Instant from, Instant to) {
        return journal.replay(chain.store("journal to replay"), from, to);
    }
}
