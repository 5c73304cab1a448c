package dev.sluice.pipeline;

import dev.sluice.core.hash.ContentHash;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * The pipelined runtime's pending-run table and backpressure: which requests are in flight (a slot table indexed
 * by correlation id, whose size bounds them), how {@code submit} waits for room in the first ring buffer (up to
 * its timeout, or not at all), and how a run's future is completed or failed exactly once, whichever thread gets
 * there first: the last stage, an adapter thread, a re-run thread, or {@link #abandonAll} at close.
 *
 * <p>Thread-safe. Nothing here blocks except {@link #claim} and {@link #awaitEmpty}, which only the submitting
 * and closing threads call.
 */
final class PendingRuns {
    /** The most requests in flight at once: the size of the slot table, a power of two. */
    static final int MAX_IN_FLIGHT = 1 << 16;
    /** The Agrona message type of every envelope. */
    static final int MESSAGE_TYPE = 1;
    /** How many times {@link #claim} retries with {@link Thread#onSpinWait()} before it starts parking. */
    static final int CLAIM_MAX_SPINS = 100;
    /** How long {@link #claim} parks between tries once it stops spinning, nanoseconds. */
    static final long CLAIM_PARK_PERIOD_NS = 1_000;
    /** How long {@link #awaitEmpty} parks between looks at the count in flight, nanoseconds. */
    static final long CLOSE_POLL_PERIOD_NS = 1_000_000;

    private final String flowName;
    private final Provenance<?, ?> provenance;
    private final AtomicReferenceArray<PendingRun> slots = new AtomicReferenceArray<>(MAX_IN_FLIGHT);
    private final AtomicLong nextCorrelationId = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();

    PendingRuns(String flowName, Provenance<?, ?> provenance) {
        this.flowName = flowName;
        this.provenance = provenance;
    }

    /** @return a new correlation id: they increase, so slots are reused in turn */
    long nextCorrelationId() {
        return nextCorrelationId.getAndIncrement();
    }

    private static int slot(long correlationId) {
        return (int) (correlationId & (MAX_IN_FLIGHT - 1));
    }

    /**
     * Takes a run into the table.
     *
     * @return false when its slot is still held by a run {@link #MAX_IN_FLIGHT} ids older (the table is full)
     */
    boolean accept(PendingRun run) {
        if (!slots.compareAndSet(slot(run.correlationId), null, run)) {
            return false;
        }
        inFlight.incrementAndGet();
        return true;
    }

    /** Message of the {@link PipelineFullException} when {@link #accept} refused a run. */
    String tableFullMessage() {
        return "flow '" + flowName + "' has " + MAX_IN_FLIGHT + " requests in flight; none can be accepted until one"
                + " completes";
    }

    /**
     * Claims room for a message in a ring buffer for {@code submit}: the backpressure policy. Spins, then parks,
     * until the ring has room or {@code timeoutNs} has passed.
     *
     * @param timeoutNs how long to wait; 0 tries once (fail fast)
     * @return the claimed index, or -1 when there was no room in time
     */
    static int claim(RingBuffer ring, int length, long timeoutNs) {
        int index = ring.tryClaim(MESSAGE_TYPE, length);
        if (index >= 0 || timeoutNs == 0) {
            return index >= 0 ? index : -1;
        }
        long deadlineNs = System.nanoTime() + timeoutNs;
        for (int spins = 0; ; spins++) {
            index = ring.tryClaim(MESSAGE_TYPE, length);
            if (index >= 0) {
                return index;
            }
            if (System.nanoTime() - deadlineNs >= 0) {
                return -1;
            }
            if (spins < CLAIM_MAX_SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(CLAIM_PARK_PERIOD_NS);
            }
        }
    }

    /** @return the run still waiting under this id, or null; a run its caller cancelled is released here */
    PendingRun runOf(long correlationId) {
        PendingRun run = slots.get(slot(correlationId));
        if (run == null || run.correlationId != correlationId) {
            return null;
        }
        if (run.future.isCancelled()) {
            release(run);
            return null;
        }
        return run;
    }

    /** Completes a run with its output, recording its evidence first, unless it was already completed or failed. */
    void complete(PendingRun run, Object value, ContentHash outputHash) {
        if (release(run)) {
            RunResult<Object> result = new RunResult<>(run.runId, value, outputHash, run.traces);
            RuntimeException notRecorded = record(run, value, outputHash, null);
            if (notRecorded != null) {
                Provenance.endRun(run.span, notRecorded);
                run.future.completeExceptionally(notRecorded);
                return;
            }
            Provenance.endRun(run.span, null);
            run.future.complete(result);
        }
    }

    /** Fails a run at {@code node}, recording its evidence first, unless it was already completed or failed. */
    void fail(PendingRun run, Node node, Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (!(cause instanceof NodeFailedException)) {
            cause = new NodeFailedException(node.id, cause.toString(), cause);
        }
        if (release(run)) {
            RuntimeException notRecorded = record(run, null, null, cause);
            if (notRecorded != null) {
                cause.addSuppressed(notRecorded);
            }
            Provenance.endRun(run.span, cause);
            run.future.completeExceptionally(cause);
        }
    }

    /**
     * Hands a finished run's evidence to the store, if the run is journaled.
     *
     * @return what the store threw, or null when it took the run (or there is no store)
     */
    private RuntimeException record(PendingRun run, Object value, ContentHash outputHash, Throwable failure) {
        if (run.journaled == null) {
            return null;
        }
        try {
            provenance.record(
                    run.runId,
                    run.span.getSpanContext(),
                    run.startEpochNs,
                    run.journaled,
                    run.traces.inputHash(0),
                    run.traces,
                    value,
                    outputHash,
                    failure);
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** Frees the run's slot; returns false if it was already freed (completed, failed or abandoned at close). */
    boolean release(PendingRun run) {
        if (slots.compareAndSet(slot(run.correlationId), run, null)) {
            inFlight.decrementAndGet();
            return true;
        }
        return false;
    }

    /**
     * Waits until no run is in flight or the deadline has passed.
     *
     * @param deadlineNs a {@link System#nanoTime()} instant
     */
    void awaitEmpty(long deadlineNs) {
        while (inFlight.get() > 0 && System.nanoTime() - deadlineNs < 0) {
            LockSupport.parkNanos(CLOSE_POLL_PERIOD_NS);
        }
    }

    /**
     * Fails every run still in the table: the pipeline closed before they finished. A run that a submitter takes
     * into the table after this sweep has passed its slot is not seen here: the submitter, which looks at the closed
     * flag again after {@link #accept}, fails it itself (see {@code PipelinedPipeline.submit}).
     *
     * @return one line per run failed
     */
    List<String> abandonAll() {
        List<String> unfinished = new ArrayList<>();
        for (int slot = 0; slot < MAX_IN_FLIGHT; slot++) {
            PendingRun run = slots.get(slot);
            if (run != null && release(run)) {
                unfinished.add("run " + run.runId);
                IllegalStateException abandoned = new IllegalStateException(
                        "pipeline of flow '" + flowName + "' closed before run " + run.runId + " finished");
                Provenance.endRun(run.span, abandoned);
                run.future.completeExceptionally(abandoned);
            }
        }
        return unfinished;
    }
}
