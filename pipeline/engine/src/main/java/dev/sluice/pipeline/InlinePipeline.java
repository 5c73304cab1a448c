package dev.sluice.pipeline;

import dev.sluice.core.BadInputException;
import dev.sluice.core.hash.ContentHash;
import dev.sluice.core.hash.Seed;
import io.opentelemetry.api.trace.Span;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.agrona.ExpandableArrayBuffer;

/**
 * Runs the whole flow on the caller's thread: the lowest latency for one request and the reference for
 * correctness. {@code submit} returns a completed future. Per-thread scratch buffers hold the edge bytes.
 */
final class InlinePipeline<I, O> extends RunningFlow<I, O> {
    /** Initial capacity of a thread's edge buffers, bytes; they grow to the largest edge seen. */
    private static final int INITIAL_EDGE_BYTES = 256;

    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger running = new AtomicInteger();
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    /**
     * Two edge buffers (input and output of the current node), the node output holder and the inputs kept for
     * gates' re-runs, of one thread.
     */
    private final class Scratch {
        ExpandableArrayBuffer in = new ExpandableArrayBuffer(INITIAL_EDGE_BYTES);
        ExpandableArrayBuffer out = new ExpandableArrayBuffer(INITIAL_EDGE_BYTES);
        final NodeExecutor.NodeOutput output = new NodeExecutor.NodeOutput();
        final Object[] nodeInputs = new Object[executors.length];
        boolean inUse;

        void swap() {
            ExpandableArrayBuffer t = in;
            in = out;
            out = t;
        }
    }

    InlinePipeline(Flow<I, O> flow, Seed seed, ResultCache cache, Observability observability) {
        super(flow, seed, cache, observability);
    }

    @Override
    public CompletableFuture<RunResult<O>> submit(I input, TokenListener tokens) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("pipeline of flow '" + flow.name() + "' is closed"));
        }
        running.incrementAndGet();
        try {
            return CompletableFuture.completedFuture(run(input, tokens == null ? TokenListener.NONE : tokens));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            running.decrementAndGet();
        }
    }

    @SuppressWarnings("unchecked")
    private RunResult<O> run(I input, TokenListener tokens) {
        Scratch s = scratch.get();
        if (s.inUse) {
            s = new Scratch(); // a node submitted to this pipeline again from inside a run
        }
        s.inUse = true;
        UUID runId = runIds.next();
        long runStartNs = System.nanoTime();
        long runStartEpochNs = Provenance.epochNowNs();
        Span runSpan = provenance.startRun(runId);
        RunTraces traces = null;
        byte[] journaled = null;
        ContentHash inputHash = null;
        try {
            int length;
            try {
                length = NodeExecutor.encode(flow.inputSchema(), input, s.in, s.output.writer);
            } catch (BadInputException e) {
                throw new BadInputException(
                        "input of flow '" + flow.name() + "' cannot be encoded as "
                                + flow.inputSchema().typeName() + ": " + e.getMessage(),
                        e);
            }
            if (provenance.recordsEvidence()) {
                journaled = new byte[length];
                s.in.getBytes(0, journaled);
            }
            ContentHash edgeHash = ContentHash.of(s.in, 0, length);
            inputHash = edgeHash;
            traces = new RunTraces(executors, runStartNs, runStartEpochNs, edgeHash);
            Object value = input;
            for (int k = 0; k < executors.length; k++) {
                NodeExecutor executor = executors[k];
                if (reruns.keepsInput(k)) {
                    value = executor.decodeInput(value, s.in, 0, length, s.output);
                    s.nodeInputs[k] = value;
                }
                long startNs = System.nanoTime();
                Span nodeSpan = provenance.startNode(k, runSpan.getSpanContext());
                try {
                    executor.executeInline(value, s.in, 0, length, edgeHash, runId, tokens, s.out, s.output);
                } catch (RuntimeException e) {
                    Provenance.failNode(nodeSpan, e);
                    throw e;
                }
                ContentHash outputHash = NodeExecutor.outputHash(s.output, s.out, edgeHash, s.in, 0, length);
                traces.record(k, startNs, System.nanoTime() - startNs, outputHash, s.output);
                provenance.endNode(nodeSpan, k, traces, value, s.in, 0, length, s.output, s.out);
                value = s.output.value;
                length = s.output.length;
                edgeHash = outputHash;
                s.swap();
                if (s.output.decision != null && s.output.decision.rerun().isPresent()) {
                    GateReruns.Result rerun = reruns.run(
                            k, s.output.decision, s.nodeInputs, runId, tokens, runSpan.getSpanContext(), traces);
                    value = rerun.value();
                    length = rerun.length();
                    edgeHash = rerun.hash();
                    s.in.putBytes(0, rerun.bytes(), 0, length);
                }
            }
            if (value == null) {
                value = executors[executors.length - 1].outputValue(s.output, s.in); // the output, decoded once
            }
            RunResult<O> result = new RunResult<>(runId, (O) value, edgeHash, traces);
            if (journaled != null) {
                byte[] recorded = journaled;
                journaled = null; // a failure to record is not recorded again as the run's failure
                provenance.record(
                        runId,
                        runSpan.getSpanContext(),
                        runStartEpochNs,
                        recorded,
                        inputHash,
                        traces,
                        value,
                        edgeHash,
                        null);
            }
            Provenance.endRun(runSpan, null);
            return result;
        } catch (RuntimeException e) {
            if (journaled != null) {
                provenance.record(
                        runId,
                        runSpan.getSpanContext(),
                        runStartEpochNs,
                        journaled,
                        inputHash,
                        traces == null ? List.of() : traces,
                        null,
                        null,
                        e);
            }
            Provenance.endRun(runSpan, e);
            throw e;
        } finally {
            s.inUse = false;
            if (reruns.any()) {
                Arrays.fill(s.nodeInputs, null); // do not keep this run's values alive
            }
        }
    }

    @Override
    public List<String> close(Duration timeout) {
        closed.set(true);
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (running.get() > 0 && System.nanoTime() < deadlineNs) {
            Thread.onSpinWait();
        }
        int left = running.get();
        return left == 0 ? List.of() : List.of(left + " inline request(s) still running on caller threads");
    }
}
