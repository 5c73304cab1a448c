package dev.sluice.pipeline;

import dev.sluice.core.BadInputException;
import dev.sluice.core.envelope.Envelope;
import dev.sluice.core.envelope.EnvelopeDescriptor;
import dev.sluice.core.hash.CacheKey;
import dev.sluice.core.hash.ContentHash;
import dev.sluice.core.schema.CanonicalWriter;
import dev.sluice.core.schema.Schema;
import dev.sluice.pipeline.gates.Gates;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * Runs each node as a stage: an Agrona {@link Agent} that reads envelopes from its ring buffer, runs the node
 * and writes the output envelope to the next stage's ring buffer. Stages are composed onto the runtime's threads.
 *
 * <p><b>Design.</b> Ring buffer {@code k} feeds stage {@code k}; it is many-to-one where several threads write
 * to it (the submitters for the first stage; the adapter pool and the stage itself after an adapter node) and
 * one-to-one elsewhere. An envelope's header names the node that consumes it and carries the hash of its payload
 * (that node's input hash), so no stage hashes bytes twice. Payloads are encoded once into a stage's scratch
 * buffer and copied into the claimed slot. Adapter nodes serve cache hits on the stage thread; misses go to a
 * bounded pool (single flight through the cache) whose threads write the result to the next ring buffer
 * themselves; an adapter stage stops reading while twice its adapter's slots are busy. A stage whose next ring
 * buffer is full parks that one message and stops reading until it is written. So backpressure travels upstream
 * to {@code submit}, memory stays bounded, and nothing accepted is dropped or deadlocks.
 * The last stage completes the request's future on its thread. Per-request state lives in a slot table indexed
 * by correlation id; the table's size bounds the requests in flight.
 */
final class PipelinedPipeline<I, O> extends RunningFlow<I, O> {
    private static final int MESSAGE_TYPE = 1;
    private static final int MAX_IN_FLIGHT = 1 << 16;
    private static final int READ_LIMIT = 64;

    private final long submitTimeoutNs;
    private final RingBuffer[] rings;
    private final AtomicReferenceArray<PendingRun> pending = new AtomicReferenceArray<>(MAX_IN_FLIGHT);
    private final AtomicLong nextCorrelationId = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ExecutorService adapterPool;
    /** Gates' re-runs, one virtual thread each: they wait on adapters, so they must not hold a pool thread. */
    private final ExecutorService rerunThreads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual()
            .name("sluice-rerun-", 0).factory());
    private final AgentRunner[] runners;
    private final ThreadLocal<SubmitScratch> submitScratch = ThreadLocal.withInitial(SubmitScratch::new);
    private volatile boolean closed;

    /** The state of one accepted request, from submit to completion. */
    private static final class PendingRun {
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
        byte[] journaled;
        /** The inputs of nodes that a gate may re-run, by index; null when no gate of the flow re-runs. */
        final Object[] nodeInputs;

        PendingRun(long correlationId, UUID runId, TokenListener tokens, NodeExecutor[] executors,
                ContentHash inputHash, boolean keepsInputs, Span span) {
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

    private static final class SubmitScratch {
        final ExpandableArrayBuffer payload = new ExpandableArrayBuffer(256);
        final Envelope envelope = new Envelope();
        final CanonicalWriter writer = new CanonicalWriter();
    }

    PipelinedPipeline(Flow<I, O> flow, FlowRuntime runtime) {
        super(flow, runtime.seed(), runtime.cache(), runtime.observability());
        this.submitTimeoutNs = runtime.submitTimeoutNs();
        int n = executors.length;
        this.rings = new RingBuffer[n];
        for (int k = 0; k < n; k++) {
            boolean manyWriters = k == 0 || executors[k - 1].node instanceof CallNode;
            UnsafeBuffer memory = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
                    runtime.ringCapacityBytes() + RingBufferDescriptor.TRAILER_LENGTH, 64));
            rings[k] = manyWriters ? new ManyToOneRingBuffer(memory) : new OneToOneRingBuffer(memory);
        }
        AtomicInteger poolThreadNumber = new AtomicInteger();
        this.adapterPool = Executors.newFixedThreadPool(runtime.adapterThreads(), task -> {
            Thread t = new Thread(task, "sluice-" + flow.name() + "-adapter-" + poolThreadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        int threads = Math.min(runtime.threads(), n);
        List<List<Agent>> groups = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            groups.add(new ArrayList<>());
        }
        for (int k = 0; k < n; k++) {
            groups.get(k % threads).add(new Stage(k));
        }
        this.runners = new AgentRunner[threads];
        for (int t = 0; t < threads; t++) {
            List<Agent> group = groups.get(t);
            Agent agent = group.size() == 1 ? group.get(0) : new CompositeAgent(group);
            runners[t] = new AgentRunner(idleStrategy(runtime.idle()), PipelinedPipeline::logStageError, null, agent);
            int threadIndex = t;
            java.util.function.IntConsumer setup = runtime.stageThreadSetup();
            AgentRunner.startOnThread(runners[t], task -> {
                Runnable setUpTask = setup == null ? task : () -> {
                    setup.accept(threadIndex);
                    task.run();
                };
                Thread thread = new Thread(setUpTask, "sluice-" + flow.name() + "-stage-" + threadIndex);
                thread.setDaemon(true);
                return thread;
            });
        }
    }

    /** A stage agent threw outside a request (a request's own failures fail only its future). */
    private static void logStageError(Throwable error) {
        System.getLogger("dev.sluice.pipeline").log(System.Logger.Level.ERROR, "a pipeline stage failed", error);
    }

    private static IdleStrategy idleStrategy(FlowRuntime.Idle idle) {
        return switch (idle) {
            case BUSY_SPIN -> new BusySpinIdleStrategy();
            case BACKOFF -> new BackoffIdleStrategy(10, 20, 1_000, 100_000);
            case SLEEPING -> new SleepingIdleStrategy(100_000);
        };
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public CompletableFuture<RunResult<O>> submit(I input, TokenListener tokens) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("pipeline of flow '" + flow.name()
                    + "' is closed"));
        }
        SubmitScratch s = submitScratch.get();
        int length;
        try {
            length = NodeExecutor.encode(flow.inputSchema(), input, s.payload, s.writer);
        } catch (BadInputException e) {
            return CompletableFuture.failedFuture(new BadInputException("input of flow '" + flow.name()
                    + "' cannot be encoded as " + flow.inputSchema().typeName() + ": " + e.getMessage(), e));
        }
        int messageLength = EnvelopeDescriptor.HEADER_LENGTH + length;
        if (messageLength > rings[0].maxMsgLength()) {
            return CompletableFuture.failedFuture(new BadInputException("input of " + length + " bytes does not fit"
                    + " a ring buffer message of at most " + (rings[0].maxMsgLength() - EnvelopeDescriptor.HEADER_LENGTH)
                    + " payload bytes; raise FlowRuntime.withRingCapacity"));
        }
        long correlationId = nextCorrelationId.getAndIncrement();
        int slot = (int) (correlationId & (MAX_IN_FLIGHT - 1));
        UUID runId = runIds.next();
        ContentHash inputHash = ContentHash.of(s.payload, 0, length);
        PendingRun run = new PendingRun(correlationId, runId, tokens == null ? TokenListener.NONE : tokens,
                executors, inputHash, reruns.any(), provenance.startRun(runId));
        if (!pending.compareAndSet(slot, null, run)) {
            run.span.end();
            return CompletableFuture.failedFuture(new PipelineFullException("flow '" + flow.name() + "' has "
                    + MAX_IN_FLIGHT + " requests in flight; none can be accepted until one completes"));
        }
        if (provenance.recordsEvidence()) {
            run.journaled = new byte[length];
            s.payload.getBytes(0, run.journaled);
        }
        inFlight.incrementAndGet();
        int index = claim(rings[0], messageLength, submitTimeoutNs);
        if (index < 0) {
            pending.set(slot, null);
            inFlight.decrementAndGet();
            run.span.end();
            return CompletableFuture.failedFuture(new PipelineFullException("stage '" + executors[0].node.id
                    + "' of flow '" + flow.name() + "' is full (ring buffer of " + rings[0].capacity() + " bytes)"
                    + (submitTimeoutNs == 0 ? "; fail-fast submission" : " for " + submitTimeoutNs + " ns")));
        }
        writeEnvelope(s.envelope, rings[0], index, messageLength, run, 0, inputHash, s.payload, length);
        rings[0].commit(index);
        return (CompletableFuture) run.future;
    }

    /** Claims room for a message, waiting up to {@code timeoutNs}; returns the index or -1. */
    private int claim(RingBuffer ring, int length, long timeoutNs) {
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
            if (spins < 100) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(1_000);
            }
        }
    }

    private void writeEnvelope(Envelope envelope, RingBuffer ring, int index, int messageLength, PendingRun run,
            int consumer, ContentHash payloadHash, DirectBuffer payload, int payloadLength) {
        Node node = executors[consumer].node;
        Schema<?> schema = consumer == 0 ? flow.inputSchema() : executors[consumer - 1].node.outputSchema;
        envelope.wrap(ring.buffer(), index, messageLength)
                .initHeader()
                .runId(run.runId.getMostSignificantBits(), run.runId.getLeastSignificantBits())
                .correlationId(run.correlationId)
                .nodeId(consumer)
                .nodeVersion(node.version.hashCode())
                .schemaVersion(schema.version())
                .inputHash(payloadHash)
                .traceContext(run.traceIdHigh, run.traceIdLow, run.spanId, run.traceFlags)
                .createdEpochNs(0)
                .sentNanoTime(System.nanoTime())
                .copyPayload(payload, 0, payloadLength);
    }

    /** @return the run still waiting under this id, or null; a run its caller cancelled is released here */
    private PendingRun runOf(long correlationId) {
        PendingRun run = pending.get((int) (correlationId & (MAX_IN_FLIGHT - 1)));
        if (run == null || run.correlationId != correlationId) {
            return null;
        }
        if (run.future.isCancelled()) {
            release(run);
            return null;
        }
        return run;
    }

    private void complete(PendingRun run, Object value, ContentHash outputHash) {
        if (release(run)) {
            RunResult<Object> result = new RunResult<>(run.runId, value, outputHash, run.traces);
            if (run.journaled != null) {
                try {
                    provenance.record(run.runId, run.span.getSpanContext(), run.startEpochNs, run.journaled,
                            run.traces.inputHash(0), run.traces, value, outputHash, null);
                } catch (RuntimeException e) {
                    Provenance.endRun(run.span, e);
                    run.future.completeExceptionally(e);
                    return;
                }
            }
            Provenance.endRun(run.span, null);
            run.future.complete(result);
        }
    }

    private void fail(PendingRun run, Node node, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (!(cause instanceof NodeFailedException)) {
            cause = new NodeFailedException(node.id, cause.toString(), cause);
        }
        if (release(run)) {
            if (run.journaled != null) {
                try {
                    provenance.record(run.runId, run.span.getSpanContext(), run.startEpochNs, run.journaled,
                            run.traces.inputHash(0), run.traces, null, null, cause);
                } catch (RuntimeException e) {
                    cause.addSuppressed(e);
                }
            }
            Provenance.endRun(run.span, cause);
            run.future.completeExceptionally(cause);
        }
    }

    /** Frees the run's slot; returns false if it was already freed (completed, failed or abandoned at close). */
    private boolean release(PendingRun run) {
        if (pending.compareAndSet((int) (run.correlationId & (MAX_IN_FLIGHT - 1)), run, null)) {
            inFlight.decrementAndGet();
            return true;
        }
        return false;
    }

    /** One node as an agent: reads its ring buffer, runs the node, hands the output on. */
    private final class Stage implements Agent, ControlledMessageHandler {
        private final int k;
        private final NodeExecutor executor;
        private final RingBuffer in;
        private final RingBuffer out;
        private final Envelope reader = new Envelope();
        private final Envelope writer = new Envelope();
        private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(256);
        private final NodeExecutor.NodeOutput output = new NodeExecutor.NodeOutput();
        private PendingRun parkedRun;
        private ContentHash parkedHash;
        private final ExpandableArrayBuffer parkedPayload = new ExpandableArrayBuffer(256);
        private int parkedLength;
        private final AtomicInteger outstandingCalls;
        private final int maxOutstandingCalls;

        Stage(int k) {
            this.k = k;
            this.executor = executors[k];
            this.in = rings[k];
            this.out = k + 1 < rings.length ? rings[k + 1] : null;
            boolean adapter = executor.node instanceof CallNode;
            this.outstandingCalls = adapter ? new AtomicInteger() : null;
            this.maxOutstandingCalls = executor.node instanceof CallNode call ? 2 * call.adapter.maxConcurrency() : 0;
        }

        @Override
        public String roleName() {
            return "sluice-stage-" + executor.node.id;
        }

        @Override
        public int doWork() {
            if (parkedRun != null) {
                if (!publishFromStage(parkedRun, parkedHash, parkedPayload, parkedLength)) {
                    return 0;
                }
                parkedRun = null;
                return 1 + in.controlledRead(this, READ_LIMIT);
            }
            return in.controlledRead(this, READ_LIMIT);
        }

        /** Consumes the message; breaks off the batch when its output had to be parked (the next ring is full). */
        @Override
        public Action onMessage(int messageTypeId, MutableDirectBuffer buffer, int index, int length) {
            if (outstandingCalls != null && outstandingCalls.get() >= maxOutstandingCalls) {
                return Action.ABORT; // the adapter is saturated: leave the message in the ring, push back upstream
            }
            reader.wrap(buffer, index, length);
            PendingRun run = runOf(reader.correlationId());
            if (run == null) {
                return Action.CONTINUE; // its request already failed or was abandoned at close
            }
            long startNs = System.nanoTime();
            Span span = provenance.startNode(k, reader.traceIdHigh(), reader.traceIdLow(), reader.spanId(),
                    reader.traceFlags());
            try {
                reader.validate();
                // the header carries this hash too; the run's object is taken so that no stage allocates a copy
                ContentHash inputHash = run.traces.inputHash(k);
                int offset = reader.payloadOffset();
                int payloadLength = reader.payloadLength();
                Object kept = null;
                if (reruns.keepsInput(k)) {
                    kept = executor.decodeInput(null, buffer, offset, payloadLength, output);
                    run.nodeInputs[k] = kept;
                }
                if (executor.node instanceof CallNode) {
                    callAdapter(run, kept, buffer, offset, payloadLength, inputHash, startNs, span);
                } else {
                    executor.executeInline(kept, buffer, offset, payloadLength, inputHash, run.runId, run.tokens,
                            scratch, output);
                    if (output.decision != null && output.decision.rerun().isPresent()) {
                        traceNode(run, inputHash, buffer, offset, payloadLength, startNs, span);
                        rerunOffStage(run, output.decision);
                    } else {
                        deliver(run, inputHash, buffer, offset, payloadLength, startNs, span);
                    }
                }
            } catch (RuntimeException e) {
                Provenance.failNode(span, e);
                fail(run, executor.node, e);
            }
            return parkedRun == null ? Action.CONTINUE : Action.BREAK;
        }

        /** @param kept the input value when the stage decoded it already (for a gate's re-run), else null */
        private void callAdapter(PendingRun run, Object kept, DirectBuffer buffer, int offset, int length,
                ContentHash inputHash, long startNs, Span span) {
            CacheKey cacheKey = null;
            if (executor.isCachedCall()) {
                CacheKey key = executor.key(buffer, offset, length);
                byte[] hit = cache.getIfPresent(key);
                if (hit != null) {
                    output.reset();
                    executor.acceptCached(key, hit, scratch, output);
                    output.cacheHit = true;
                    deliver(run, inputHash, buffer, offset, length, startNs, span);
                    return;
                }
                cacheKey = key;
            }
            Object value = executor.decodeInput(kept, buffer, offset, length, output); // the ring's bytes stay here
            AdapterContext context = executor.newContext(run.runId, run.tokens, run.future::isCancelled);
            CompletableFuture<byte[]> bytes;
            if (cacheKey != null) {
                CacheKey key = cacheKey;
                bytes = cache.computeIfAbsent(key,
                        () -> CompletableFuture.supplyAsync(() -> executor.invoke(value, context, key), adapterPool));
            } else {
                bytes = CompletableFuture.supplyAsync(() -> executor.invoke(value, context, null), adapterPool);
            }
            CacheKey joinedKey = cacheKey;
            outstandingCalls.incrementAndGet();
            bytes.whenComplete((result, failure) -> outstandingCalls.decrementAndGet());
            long timeoutNs = executor.adapterTimeoutNs();
            if (timeoutNs > 0) {
                bytes = bytes.copy().orTimeout(timeoutNs, TimeUnit.NANOSECONDS);
            }
            // Always on the pool: a future that is already complete would otherwise run this on the stage thread,
            // which must never wait for room in a ring buffer that a stage on its own thread drains.
            bytes.whenCompleteAsync((result, failure) -> {
                if (failure instanceof TimeoutException
                        || failure instanceof CompletionException c && c.getCause() instanceof TimeoutException) {
                    context.markTimedOut();
                    NodeFailedException timedOut = executor.timedOut();
                    Provenance.failNode(span, timedOut);
                    fail(run, executor.node, timedOut);
                    return;
                }
                if (failure != null) {
                    Provenance.failNode(span, failure);
                    fail(run, executor.node, failure);
                    return;
                }
                try {
                    NodeExecutor.NodeOutput poolOutput = new NodeExecutor.NodeOutput();
                    ExpandableArrayBuffer poolScratch = new ExpandableArrayBuffer(result.length);
                    poolOutput.countAdapter(context);
                    if (joinedKey != null) { // the links are another run's if it computed the output (single flight)
                        executor.acceptCached(joinedKey, result, poolScratch, poolOutput);
                    } else {
                        executor.acceptBytes(result, poolScratch, poolOutput);
                        poolOutput.hash = ContentHash.of(result);
                    }
                    ContentHash outputHash = poolOutput.hash;
                    run.traces.record(k, startNs, System.nanoTime() - startNs, outputHash, poolOutput);
                    provenance.endNode(span, k, run.traces, value, null, 0, 0, poolOutput, poolScratch);
                    if (out == null) {
                        complete(run, executor.outputValue(poolOutput, poolScratch), outputHash);
                    } else {
                        publishFromPool(run, outputHash, poolScratch, poolOutput.length);
                    }
                } catch (RuntimeException e) {
                    Provenance.failNode(span, e);
                    fail(run, executor.node, e);
                }
            }, adapterPool);
        }

        /** Hands the stage's output ({@link #output}, {@link #scratch}) on; the input bytes are still in the ring. */
        private void deliver(PendingRun run, ContentHash inputHash, DirectBuffer in, int inOffset, int inLength,
                long startNs, Span span) {
            ContentHash outputHash = traceNode(run, inputHash, in, inOffset, inLength, startNs, span);
            if (out == null) {
                complete(run, executor.outputValue(output, scratch), outputHash);
            } else if (!publishFromStage(run, outputHash, scratch, output.length)) {
                parkedRun = run;
                parkedHash = outputHash;
                parkedPayload.putBytes(0, scratch, 0, output.length);
                parkedLength = output.length;
            }
        }

        /** Records the stage's execution in the run's traces and ends its span; returns the output's hash. */
        private ContentHash traceNode(PendingRun run, ContentHash inputHash, DirectBuffer in, int inOffset,
                int inLength, long startNs, Span span) {
            ContentHash outputHash = NodeExecutor.outputHash(output, scratch, inputHash, in, inOffset, inLength);
            run.traces.record(k, startNs, System.nanoTime() - startNs, outputHash, output);
            provenance.endNode(span, k, run.traces, null, in, inOffset, inLength, output, scratch);
            return outputHash;
        }

        /**
         * Runs the re-runs this gate asked for on a thread of their own (they call adapters, which block), then
         * hands the value that continues on from there.
         */
        private void rerunOffStage(PendingRun run, GateDecision<?> failed) {
            rerunThreads.execute(() -> {
                try {
                    GateReruns.Result result = reruns.run(k, failed, run.nodeInputs, run.runId, run.tokens,
                            run.span.getSpanContext(), run.traces);
                    if (out == null) {
                        complete(run, result.value(), result.hash());
                    } else {
                        publishFromPool(run, result.hash(), result.bytes(), result.length());
                    }
                } catch (RuntimeException e) {
                    fail(run, executor.node, e);
                }
            });
        }

        /** Writes to the next ring buffer without waiting; false when it is full. */
        private boolean publishFromStage(PendingRun run, ContentHash hash, DirectBuffer payload, int length) {
            int messageLength = EnvelopeDescriptor.HEADER_LENGTH + length;
            if (messageLength > out.maxMsgLength()) {
                fail(run, executor.node, new NodeFailedException(executor.node.id, "its output of " + length
                        + " bytes does not fit a ring buffer message; raise FlowRuntime.withRingCapacity", null));
                return true;
            }
            int index = out.tryClaim(MESSAGE_TYPE, messageLength);
            if (index < 0) {
                return false;
            }
            writeEnvelope(writer, out, index, messageLength, run, k + 1, hash, payload, length);
            out.commit(index);
            return true;
        }

        /** Writes to the next ring buffer from an adapter thread, waiting for room while the pipeline runs. */
        private void publishFromPool(PendingRun run, ContentHash hash, DirectBuffer payload, int length) {
            int messageLength = EnvelopeDescriptor.HEADER_LENGTH + length;
            if (messageLength > out.maxMsgLength()) {
                fail(run, executor.node, new NodeFailedException(executor.node.id, "its output of " + length
                        + " bytes does not fit a ring buffer message; raise FlowRuntime.withRingCapacity", null));
                return;
            }
            int index;
            while ((index = out.tryClaim(MESSAGE_TYPE, messageLength)) < 0) {
                if (runOf(run.correlationId) == null) {
                    return; // abandoned at close
                }
                LockSupport.parkNanos(1_000);
            }
            writeEnvelope(new Envelope(), out, index, messageLength, run, k + 1, hash, payload, length);
            out.commit(index);
        }
    }




    @Override
    public List<String> close(Duration timeout) {
        closed = true;
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() - deadlineNs < 0) {
            LockSupport.parkNanos(1_000_000);
        }
        for (AgentRunner runner : runners) {
            runner.close();
        }
        adapterPool.shutdownNow();
        rerunThreads.shutdownNow();
        List<String> unfinished = new ArrayList<>();
        for (int slot = 0; slot < MAX_IN_FLIGHT; slot++) {
            PendingRun run = pending.get(slot);
            if (run != null && release(run)) {
                unfinished.add("run " + run.runId);
                run.future.completeExceptionally(new IllegalStateException("pipeline of flow '" + flow.name()
                        + "' closed before run " + run.runId + " finished"));
            }
        }
        return unfinished;
    }
}
