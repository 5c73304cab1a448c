package dev.sluice.pipeline;

import dev.sluice.core.envelope.Envelope;
import dev.sluice.core.envelope.EnvelopeDescriptor;
import dev.sluice.core.hash.CacheKey;
import dev.sluice.core.hash.ContentHash;
import io.opentelemetry.api.trace.Span;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * One node of a pipelined flow as an Agrona agent: reads an envelope from its ring buffer, runs the node and
 * writes the output envelope to the next stage's ring buffer (or completes the run after the last node).
 *
 * <p>Pure nodes, gates and sinks run on the stage thread. An adapter node serves hits of the result cache's
 * <em>memory tier</em> on the stage thread; everything else goes to the bounded adapter pool: the lookup in both
 * tiers (the persistent one may block on disk), the single-flight call on a miss, the write of its output to both
 * tiers, and the hand-off of the result to the next ring buffer (a pool thread waits for room there). The stage
 * stops reading while twice its adapter's slots are busy. A stage whose next ring buffer is full parks that one
 * message and stops reading until it is written; so backpressure travels upstream to {@code submit}. A gate's
 * re-runs run on a virtual thread of their own.
 *
 * <p>Confined to its stage thread, except the adapter and re-run completions, which use only their own scratch.
 */
final class StageAgent implements Agent, ControlledMessageHandler {
    /** The most messages one duty cycle reads from the ring buffer before the thread's other stages get a turn. */
    static final int READ_LIMIT = 64;
    /** An adapter stage stops reading while this many times its adapter's {@link Adapter#maxConcurrency()} are out. */
    static final int OUTSTANDING_CALLS_PER_SLOT = 2;
    /** Initial capacity of a stage's scratch buffers, bytes; they grow to the largest payload seen. */
    static final int INITIAL_SCRATCH_BYTES = 256;
    /** How long an adapter thread parks between tries to claim room in a full ring buffer, nanoseconds. */
    static final long PUBLISH_PARK_PERIOD_NS = 1_000;

    private final int k;
    private final NodeExecutor executor;
    private final RunningFlow<?, ?> flow;
    private final ResultCache cache;
    private final RingTopology topology;
    private final PendingRuns runs;
    private final ExecutorService adapterPool;
    private final RingBuffer in;
    private final RingBuffer out;
    private final Envelope reader = new Envelope();
    private final Envelope writer = new Envelope();
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(INITIAL_SCRATCH_BYTES);
    private final NodeExecutor.NodeOutput output = new NodeExecutor.NodeOutput();
    private PendingRun parkedRun;
    private final ExpandableArrayBuffer parkedPayload = new ExpandableArrayBuffer(INITIAL_SCRATCH_BYTES);
    private int parkedLength;
    private final AtomicInteger outstandingCalls;
    private final int maxOutstandingCalls;

    StageAgent(int k, RunningFlow<?, ?> flow, RingTopology topology, PendingRuns runs) {
        this.k = k;
        this.flow = flow;
        this.executor = flow.executors[k];
        this.cache = flow.cache;
        this.topology = topology;
        this.runs = runs;
        this.adapterPool = topology.adapterPool();
        this.in = topology.ring(k);
        this.out = topology.ring(k + 1);
        boolean adapter = executor.node instanceof CallNode;
        this.outstandingCalls = adapter ? new AtomicInteger() : null;
        this.maxOutstandingCalls =
                executor.node instanceof CallNode call ? OUTSTANDING_CALLS_PER_SLOT * call.adapter.maxConcurrency() : 0;
    }

    @Override
    public String roleName() {
        return "sluice-stage-" + executor.node.id;
    }

    @Override
    public int doWork() {
        if (parkedRun != null) {
            if (!publishFromStage(parkedRun, parkedPayload, parkedLength)) {
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
        PendingRun run = runs.runOf(reader.correlationId());
        if (run == null) {
            return Action.CONTINUE; // its request already failed or was abandoned at close
        }
        long startNs = System.nanoTime();
        Span span = flow.provenance.startNode(
                k, reader.traceIdHigh(), reader.traceIdLow(), reader.spanId(), reader.traceFlags());
        try {
            reader.validate();
            // recorded by the node before (or the submitter) before it committed the envelope
            ContentHash inputHash = run.traces.inputHash(k);
            int offset = reader.payloadOffset();
            int payloadLength = reader.payloadLength();
            Object kept = null;
            if (flow.reruns.keepsInput(k)) {
                kept = executor.decodeInput(null, buffer, offset, payloadLength, output);
                run.nodeInputs[k] = kept;
            }
            if (executor.node instanceof CallNode) {
                callAdapter(run, kept, buffer, offset, payloadLength, inputHash, startNs, span);
            } else {
                executor.executeInline(
                        kept, buffer, offset, payloadLength, inputHash, run.runId, run.tokens, scratch, output);
                if (output.decision != null && output.decision.rerun().isPresent()) {
                    traceNode(run, inputHash, buffer, offset, payloadLength, startNs, span);
                    rerunOffStage(run, output.decision);
                } else {
                    deliver(run, inputHash, buffer, offset, payloadLength, startNs, span);
                }
            }
        } catch (RuntimeException e) {
            Provenance.failNode(span, e);
            runs.fail(run, executor.node, e);
        }
        return parkedRun == null ? Action.CONTINUE : Action.BREAK;
    }

    /**
     * Serves a memory-tier hit here; hands anything else to the adapter pool.
     *
     * @param kept the input value when the stage decoded it already (for a gate's re-run), else null
     */
    private void callAdapter(
            PendingRun run,
            Object kept,
            DirectBuffer buffer,
            int offset,
            int length,
            ContentHash inputHash,
            long startNs,
            Span span) {
        CacheKey cacheKey = null;
        if (executor.isCachedCall()) {
            CacheKey key = executor.key(buffer, offset, length);
            byte[] hit = cache.getIfPresentInMemory(key); // never the persistent tier: this thread must not block
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
        /* Set on the pool thread when the bytes came from either tier; read after the future completes. */
        boolean[] fromCache = new boolean[1];
        if (cacheKey != null) {
            CacheKey key = cacheKey;
            bytes = CompletableFuture.supplyAsync(
                            () -> {
                                byte[] hit = cache.getIfPresent(key); // both tiers, on a pool thread
                                if (hit != null) {
                                    fromCache[0] = true;
                                    return CompletableFuture.completedFuture(hit);
                                }
                                // single flight: the first caller runs the adapter on this thread, later ones join its
                                // future
                                return cache.computeIfAbsent(
                                        key,
                                        () -> CompletableFuture.completedFuture(executor.invoke(value, context, key)));
                            },
                            adapterPool)
                    .thenCompose(Function.identity());
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
        bytes.whenCompleteAsync(
                (result, failure) -> {
                    if (failure instanceof TimeoutException
                            || failure instanceof CompletionException c && c.getCause() instanceof TimeoutException) {
                        context.markTimedOut();
                        NodeFailedException timedOut = executor.timedOut();
                        Provenance.failNode(span, timedOut);
                        runs.fail(run, executor.node, timedOut);
                        return;
                    }
                    if (failure != null) {
                        Provenance.failNode(span, failure);
                        runs.fail(run, executor.node, failure);
                        return;
                    }
                    try {
                        NodeExecutor.NodeOutput poolOutput = new NodeExecutor.NodeOutput();
                        ExpandableArrayBuffer poolScratch = new ExpandableArrayBuffer(result.length);
                        poolOutput.countAdapter(context);
                        if (joinedKey
                                != null) { // the links are another run's if it computed the output (single flight)
                            executor.acceptCached(joinedKey, result, poolScratch, poolOutput);
                            poolOutput.cacheHit = fromCache[0];
                        } else {
                            executor.acceptBytes(result, poolScratch, poolOutput);
                            poolOutput.hash = ContentHash.of(result);
                        }
                        ContentHash outputHash = poolOutput.hash;
                        run.traces.record(k, startNs, System.nanoTime() - startNs, outputHash, poolOutput);
                        flow.provenance.endNode(span, k, run.traces, value, null, 0, 0, poolOutput, poolScratch);
                        if (out == null) {
                            runs.complete(run, executor.outputValue(poolOutput, poolScratch), outputHash);
                        } else {
                            publishFromPool(run, poolScratch, poolOutput.length);
                        }
                    } catch (RuntimeException e) {
                        Provenance.failNode(span, e);
                        runs.fail(run, executor.node, e);
                    }
                },
                adapterPool);
    }

    /** Hands the stage's output ({@link #output}, {@link #scratch}) on; the input bytes are still in the ring. */
    private void deliver(
            PendingRun run,
            ContentHash inputHash,
            DirectBuffer in,
            int inOffset,
            int inLength,
            long startNs,
            Span span) {
        ContentHash outputHash = traceNode(run, inputHash, in, inOffset, inLength, startNs, span);
        if (out == null) {
            runs.complete(run, executor.outputValue(output, scratch), outputHash);
        } else if (!publishFromStage(run, scratch, output.length)) {
            parkedRun = run;
            parkedPayload.putBytes(0, scratch, 0, output.length);
            parkedLength = output.length;
        }
    }

    /** Records the stage's execution in the run's traces and ends its span; returns the output's hash. */
    private ContentHash traceNode(
            PendingRun run,
            ContentHash inputHash,
            DirectBuffer in,
            int inOffset,
            int inLength,
            long startNs,
            Span span) {
        ContentHash outputHash = NodeExecutor.outputHash(output, scratch, inputHash, in, inOffset, inLength);
        run.traces.record(k, startNs, System.nanoTime() - startNs, outputHash, output);
        flow.provenance.endNode(span, k, run.traces, null, in, inOffset, inLength, output, scratch);
        return outputHash;
    }

    /**
     * Runs the re-runs this gate asked for on a thread of their own (they call adapters, which block), then
     * hands the value that continues on from there.
     */
    private void rerunOffStage(PendingRun run, GateDecision<?> failed) {
        topology.rerunThreads().execute(() -> {
            try {
                GateReruns.Result result = flow.reruns.run(
                        k, failed, run.nodeInputs, run.runId, run.tokens, run.span.getSpanContext(), run.traces);
                if (out == null) {
                    runs.complete(run, result.value(), result.hash());
                } else {
                    publishFromPool(run, result.bytes(), result.length());
                }
            } catch (RuntimeException e) {
                runs.fail(run, executor.node, e);
            }
        });
    }

    /** Fails the run when its output cannot fit a message of the next ring buffer; returns whether it fits. */
    private boolean fits(PendingRun run, int messageLength, int length) {
        if (messageLength > out.maxMsgLength()) {
            runs.fail(
                    run,
                    executor.node,
                    new NodeFailedException(
                            executor.node.id,
                            "its output of " + length
                                    + " bytes does not fit a ring buffer message; raise FlowRuntime.withRingCapacity",
                            null));
            return false;
        }
        return true;
    }

    /** Writes to the next ring buffer without waiting; false when it is full. */
    private boolean publishFromStage(PendingRun run, DirectBuffer payload, int length) {
        int messageLength = EnvelopeDescriptor.HEADER_LENGTH + length;
        if (!fits(run, messageLength, length)) {
            return true;
        }
        int index = out.tryClaim(PendingRuns.MESSAGE_TYPE, messageLength);
        if (index < 0) {
            return false;
        }
        topology.writeEnvelope(writer, index, messageLength, run, k + 1, payload, length);
        out.commit(index);
        return true;
    }

    /** Writes to the next ring buffer from an adapter or re-run thread, waiting for room while the run waits. */
    private void publishFromPool(PendingRun run, DirectBuffer payload, int length) {
        int messageLength = EnvelopeDescriptor.HEADER_LENGTH + length;
        if (!fits(run, messageLength, length)) {
            return;
        }
        int index;
        while ((index = out.tryClaim(PendingRuns.MESSAGE_TYPE, messageLength)) < 0) {
            if (runs.runOf(run.correlationId) == null) {
                return; // abandoned at close
            }
            LockSupport.parkNanos(PUBLISH_PARK_PERIOD_NS);
        }
        topology.writeEnvelope(new Envelope(), index, messageLength, run, k + 1, payload, length);
        out.commit(index);
    }
}
