package dev.sluice.pipeline;

import dev.sluice.core.envelope.Envelope;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * The pipelined runtime's threads and ring buffers: ring buffer {@code k} feeds stage {@code k} (many-to-one where
 * several threads write to it: the submitters for the first stage, the adapter pool and the stage itself after an
 * adapter node; one-to-one elsewhere); the stage agents, grouped round-robin onto the stage threads (several
 * agents on one thread run as a {@link CompositeAgent}), each thread set up with
 * {@link FlowRuntime#stageThreadSetup()} and idling with the runtime's {@link FlowRuntime.Idle}; the bounded
 * adapter pool; the virtual threads of gates' re-runs; and their shutdown.
 *
 * <p><b>Which threads may block.</b> Stage threads never block on disk or on a model: they read and write ring
 * buffers (never waiting for room: a stage parks a message instead) and the result cache's memory tier only, and
 * run pure nodes, gates and sinks. The one wait left on a stage thread is the evidence store's {@code append} at
 * the end of a run, which waits for room in that store's own ring buffer when its writer falls behind. Adapter
 * pool threads may block: on model calls, on the persistent cache tier (reads, and writes of computed outputs
 * and their evidence links) and on room in a full ring buffer. Re-run threads block on adapters and the cache.
 * Submitting threads wait for room in the first ring buffer up to the submit timeout.
 */
final class RingTopology {
    /** {@link FlowRuntime.Idle#BACKOFF}: how many idle rounds spin before yielding. */
    static final long BACKOFF_MAX_SPINS = 10;
    /** {@link FlowRuntime.Idle#BACKOFF}: how many idle rounds yield before parking. */
    static final long BACKOFF_MAX_YIELDS = 20;
    /** {@link FlowRuntime.Idle#BACKOFF}: the first park, nanoseconds; each further park doubles, up to the max. */
    static final long BACKOFF_MIN_PARK_PERIOD_NS = 1_000;
    /** {@link FlowRuntime.Idle#BACKOFF}: the longest park, nanoseconds (100 µs). */
    static final long BACKOFF_MAX_PARK_PERIOD_NS = 100_000;
    /** {@link FlowRuntime.Idle#SLEEPING}: the park of every idle round, nanoseconds (100 µs). */
    static final long SLEEPING_PARK_PERIOD_NS = 100_000;
    /**
     * The most time {@link #close} gives adapter calls and re-runs still running to return (a timed-out or
     * cancelled adapter sees {@link AdapterContext#isCancelled()} and stops) before it interrupts them,
     * nanoseconds (1 s); never past the close deadline.
     */
    static final long CLOSE_GRACE_PERIOD_NS = 1_000_000_000;
    /** Alignment of each ring buffer's memory, bytes: a cache line. */
    static final int RING_ALIGNMENT_BYTES = 64;

    private final Flow<?, ?> flow;
    private final NodeExecutor[] executors;
    private final RingBuffer[] rings;
    private final ExecutorService adapterPool;
    /** Gates' re-runs, one virtual thread each: they wait on adapters, so they must not hold a pool thread. */
    private final ExecutorService rerunThreads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("sluice-rerun-", 0).factory());

    private final FlowRuntime runtime;
    private AgentRunner[] runners = new AgentRunner[0];

    /** Builds the ring buffers and the adapter pool; {@link #start} starts the stage threads. */
    RingTopology(Flow<?, ?> flow, NodeExecutor[] executors, FlowRuntime runtime) {
        this.flow = flow;
        this.executors = executors;
        this.runtime = runtime;
        int n = executors.length;
        this.rings = new RingBuffer[n];
        for (int k = 0; k < n; k++) {
            boolean manyWriters = k == 0 || executors[k - 1].node instanceof CallNode;
            UnsafeBuffer memory = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
                    runtime.ringCapacityBytes() + RingBufferDescriptor.TRAILER_LENGTH, RING_ALIGNMENT_BYTES));
            rings[k] = manyWriters ? new ManyToOneRingBuffer(memory) : new OneToOneRingBuffer(memory);
        }
        AtomicInteger poolThreadNumber = new AtomicInteger();
        this.adapterPool = Executors.newFixedThreadPool(runtime.adapterThreads(), task -> {
            Thread t = new Thread(task, "sluice-" + flow.name() + "-adapter-" + poolThreadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Builds a stage agent per node and starts the stage threads: at most {@link FlowRuntime#threads()}, stage
     * {@code k} on thread {@code k % threads}.
     *
     * @param stageOf the agent of node {@code k}
     */
    void start(IntFunction<Agent> stageOf) {
        int n = executors.length;
        int threads = Math.min(runtime.threads(), n);
        List<List<Agent>> groups = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            groups.add(new ArrayList<>());
        }
        for (int k = 0; k < n; k++) {
            groups.get(k % threads).add(stageOf.apply(k));
        }
        AgentRunner[] started = new AgentRunner[threads];
        IntConsumer setup = runtime.stageThreadSetup();
        for (int t = 0; t < threads; t++) {
            List<Agent> group = groups.get(t);
            Agent agent = group.size() == 1 ? group.get(0) : new CompositeAgent(group);
            started[t] = new AgentRunner(idleStrategy(runtime.idle()), RingTopology::logStageError, null, agent);
            int threadIndex = t;
            AgentRunner.startOnThread(started[t], task -> {
                Runnable setUpTask = setup == null
                        ? task
                        : () -> {
                            setup.accept(threadIndex);
                            task.run();
                        };
                Thread thread = new Thread(setUpTask, stageThreadName(flow.name(), threadIndex));
                thread.setDaemon(true);
                return thread;
            });
        }
        runners = started;
    }

    /**
     * @return the name a flow's stage thread {@code index} starts with, {@code sluice-<flow>-stage-<index>};
     *     Agrona's runner then names it after its agent's role ({@code sluice-stage-<node>}, or the list of them)
     */
    static String stageThreadName(String flowName, int index) {
        return "sluice-" + flowName + "-stage-" + index;
    }

    /** A stage agent threw outside a request (a request's own failures fail only its future). */
    private static void logStageError(Throwable error) {
        System.getLogger("dev.sluice.pipeline").log(System.Logger.Level.ERROR, "a pipeline stage failed", error);
    }

    static IdleStrategy idleStrategy(FlowRuntime.Idle idle) {
        return switch (idle) {
            case BUSY_SPIN -> new BusySpinIdleStrategy();
            case BACKOFF ->
                new BackoffIdleStrategy(
                        BACKOFF_MAX_SPINS, BACKOFF_MAX_YIELDS, BACKOFF_MIN_PARK_PERIOD_NS, BACKOFF_MAX_PARK_PERIOD_NS);
            case SLEEPING -> new SleepingIdleStrategy(SLEEPING_PARK_PERIOD_NS);
        };
    }

    /** @return the ring buffer that feeds stage {@code k}, or null past the last stage */
    RingBuffer ring(int k) {
        return k < rings.length ? rings[k] : null;
    }

    /** @return the bounded pool that runs adapter calls and the persistent cache tier's reads and writes */
    ExecutorService adapterPool() {
        return adapterPool;
    }

    /** @return the executor of gates' re-runs, a virtual thread each */
    ExecutorService rerunThreads() {
        return rerunThreads;
    }

    /**
     * Writes an envelope for stage {@code consumer} into a claimed slot of its ring buffer (the caller commits it):
     * the run's correlation id and trace context, and the payload.
     */
    void writeEnvelope(
            Envelope envelope,
            int index,
            int messageLength,
            PendingRun run,
            int consumer,
            DirectBuffer payload,
            int payloadLength) {
        envelope.wrap(rings[consumer].buffer(), index, messageLength)
                .initHeader()
                .correlationId(run.correlationId)
                .traceContext(run.traceIdHigh, run.traceIdLow, run.spanId, run.traceFlags)
                .copyPayload(payload, 0, payloadLength);
    }

    /**
     * Stops the stage threads (each finishes its current duty cycle) and takes no more adapter calls or re-runs;
     * {@link #awaitPools} then stops those still running.
     */
    void stopStages() {
        for (AgentRunner runner : runners) {
            runner.close();
        }
        adapterPool.shutdown();
        rerunThreads.shutdown();
    }

    /**
     * Lets adapter calls and re-runs still running return, up to {@link #CLOSE_GRACE_PERIOD_NS} and never past
     * the deadline, then interrupts what is left.
     *
     * @param deadlineNs the close deadline, a {@link System#nanoTime()} instant
     */
    void awaitPools(long deadlineNs) {
        long graceEndNs = System.nanoTime() + Math.min(CLOSE_GRACE_PERIOD_NS, deadlineNs - System.nanoTime());
        try {
            for (ExecutorService pool : List.of(adapterPool, rerunThreads)) {
                long leftNs = graceEndNs - System.nanoTime();
                if (leftNs <= 0 || !pool.awaitTermination(leftNs, TimeUnit.NANOSECONDS)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        adapterPool.shutdownNow();
        rerunThreads.shutdownNow();
    }
}
