package dev.sluice.pipeline;

import dev.sluice.core.BadInputException;
import dev.sluice.core.envelope.Envelope;
import dev.sluice.core.envelope.EnvelopeDescriptor;
import dev.sluice.core.hash.ContentHash;
import dev.sluice.core.schema.CanonicalWriter;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * Runs each node as a stage: an Agrona agent ({@link StageAgent}) that reads envelopes from its ring buffer, runs
 * the node and writes the output envelope to the next stage's ring buffer. This class ties the parts together and
 * takes requests in: {@link RingTopology} holds the ring buffers and threads, {@link PendingRuns} the requests in
 * flight and the backpressure on {@code submit}.
 *
 * <p><b>Design.</b> An envelope's header carries the run's correlation id and trace context; the hash of each
 * edge's bytes travels in the run's traces (written before the envelope is committed), so no stage hashes bytes
 * twice. Payloads are encoded once into a scratch buffer and
 * copied into the claimed slot. Stage threads never block on disk or on a model: adapter calls and every read
 * and write of the persistent cache tier run on a bounded pool (see {@link RingTopology} for which threads may
 * block), and a full ring buffer pushes back upstream to {@code submit}, which waits up to its timeout or fails
 * fast. So memory stays bounded, and nothing accepted is
 * dropped or deadlocks. The last stage completes the request's future.
 *
 * <p><b>Close.</b> {@link #close} sets the closed flag, waits for the runs in flight, stops the stages and fails
 * every run left in the table. {@code submit} looks at the flag before it takes a run in, and again after: a run
 * taken in after close's sweep passed its slot is failed by its own submitter, so every future {@code submit}
 * returned is done once close has returned (but for runs that a stage or adapter thread is completing just then).
 */
final class PipelinedPipeline<I, O> extends RunningFlow<I, O> {
    /** Initial capacity of a submitting thread's payload buffer, bytes; it grows to the largest input seen. */
    private static final int INITIAL_SUBMIT_BYTES = 256;

    private final long submitTimeoutNs;
    private final RingTopology topology;
    private final PendingRuns runs;
    private final ThreadLocal<SubmitScratch> submitScratch = ThreadLocal.withInitial(SubmitScratch::new);
    private volatile boolean closed;

    /** A submitting thread's buffers. */
    private static final class SubmitScratch {
        final ExpandableArrayBuffer payload = new ExpandableArrayBuffer(INITIAL_SUBMIT_BYTES);
        final Envelope envelope = new Envelope();
        final CanonicalWriter writer = new CanonicalWriter();
    }

    PipelinedPipeline(Flow<I, O> flow, FlowRuntime runtime) {
        super(flow, runtime.seed(), runtime.cache(), runtime.observability());
        this.submitTimeoutNs = runtime.submitTimeoutNs();
        this.topology = new RingTopology(flow, executors, runtime);
        this.runs = new PendingRuns(flow.name(), provenance);
        topology.start(k -> new StageAgent(k, this, topology, runs));
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public CompletableFuture<RunResult<O>> submit(I input, TokenListener tokens) {
        if (closed) {
            return CompletableFuture.failedFuture(closedException());
        }
        SubmitScratch s = submitScratch.get();
        int length;
        try {
            length = NodeExecutor.encode(flow.inputSchema(), input, s.payload, s.writer);
        } catch (BadInputException e) {
            return CompletableFuture.failedFuture(new BadInputException(
                    "input of flow '" + flow.name() + "' cannot be encoded as "
                            + flow.inputSchema().typeName() + ": " + e.getMessage(),
                    e));
        }
        RingBuffer first = topology.ring(0);
        int messageLength = EnvelopeDescriptor.HEADER_LENGTH + length;
        if (messageLength > first.maxMsgLength()) {
            return CompletableFuture.failedFuture(new BadInputException("input of " + length + " bytes does not fit"
                    + " a ring buffer message of at most " + (first.maxMsgLength() - EnvelopeDescriptor.HEADER_LENGTH)
                    + " payload bytes; raise FlowRuntime.withRingCapacity"));
        }
        UUID runId = runIds.next();
        ContentHash inputHash = ContentHash.of(s.payload, 0, length);
        PendingRun run = new PendingRun(
                runs.nextCorrelationId(),
                runId,
                tokens == null ? TokenListener.NONE : tokens,
                executors,
                inputHash,
                reruns.any(),
                provenance.startRun(runId));
        if (!runs.accept(run)) {
            run.span.end();
            return CompletableFuture.failedFuture(new PipelineFullException(runs.tableFullMessage()));
        }
        if (closed) {
            // close may have swept the table before the run was in it: then nobody else will fail it
            if (runs.release(run)) {
                run.span.end();
                run.future.completeExceptionally(closedException());
            }
            return (CompletableFuture) run.future; // else close's sweep has failed it
        }
        if (provenance.recordsEvidence()) {
            run.journaled = new byte[length];
            s.payload.getBytes(0, run.journaled);
        }
        int index = PendingRuns.claim(first, messageLength, submitTimeoutNs);
        if (index < 0) {
            if (!runs.release(run)) {
                return (CompletableFuture) run.future; // close abandoned it meanwhile: its future is failed
            }
            run.span.end();
            return CompletableFuture.failedFuture(new PipelineFullException("stage '" + executors[0].node.id
                    + "' of flow '" + flow.name() + "' is full (ring buffer of " + first.capacity() + " bytes)"
                    + (submitTimeoutNs == 0 ? "; fail-fast submission" : " for " + submitTimeoutNs + " ns")));
        }
        topology.writeEnvelope(s.envelope, index, messageLength, run, 0, s.payload, length);
        first.commit(index);
        return (CompletableFuture) run.future;
    }

    private IllegalStateException closedException() {
        return new IllegalStateException("pipeline of flow '" + flow.name() + "' is closed");
    }

    @Override
    public List<String> close(Duration timeout) {
        closed = true;
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        runs.awaitEmpty(deadlineNs);
        topology.stopStages();
        List<String> unfinished = runs.abandonAll(); // also frees adapter threads waiting for room in a ring
        topology.awaitPools(deadlineNs);
        return unfinished;
    }
}
