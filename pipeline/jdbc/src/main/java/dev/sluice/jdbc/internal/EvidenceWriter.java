package dev.sluice.jdbc.internal;

import dev.sluice.core.BadInputException;
import dev.sluice.core.SluiceException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * The write-behind writer of an evidence store. Appenders encode a run once ({@link WireRun#SCHEMA}) into a
 * thread-local buffer and copy it into a many-to-one Agrona ring buffer, waiting while it is full. One writer agent
 * on its own thread drains up to {@value #BATCH_MAX_RUNS} runs at a time and writes them, every row of every run,
 * in one transaction ({@link EvidenceInserts}); only after the commit does it publish the ring position it has
 * reached, which is what {@link #flush()} waits for. A failed transaction is rolled back and retried with the same
 * batch every {@link #RETRY_PAUSE_NS} ns, so nothing accepted is dropped while the database comes back, and each
 * run is all or nothing.
 *
 * <p>{@link #close()} refuses further appends, waits for the appends already under way, flushes, then stops the
 * agent and closes the connection: a run that {@link #append} accepted is committed before close returns.
 * Thread-safe.
 */
final class EvidenceWriter implements AutoCloseable {
    /** The capacity of the ring buffer in bytes (8 MiB), a power of two; one run may take up to an eighth. */
    static final int RING_CAPACITY_BYTES = 8 << 20;

    /** The most runs the agent writes in one transaction. */
    static final int BATCH_MAX_RUNS = 256;

    /** The initial capacity of an appending thread's encoding buffer in bytes; it grows for larger runs. */
    static final int SCRATCH_INITIAL_CAPACITY_BYTES = 4096;

    /** How long the agent waits before retrying a failed transaction, in nanoseconds. */
    static final long RETRY_PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(100);

    /** How long {@link #flush()} waits for the pending runs to commit before it gives up, in nanoseconds. */
    static final long FLUSH_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);

    /** How long {@link #flush()} parks between looks at the committed position, in nanoseconds. */
    static final long FLUSH_POLL_PERIOD_NS = TimeUnit.MICROSECONDS.toNanos(100);

    /** How long {@link #append} parks between tries while the ring buffer is full, in nanoseconds. */
    static final long APPEND_RETRY_PERIOD_NS = TimeUnit.MICROSECONDS.toNanos(50);

    /** How long {@link #close()} parks between looks at the appends still under way, in nanoseconds. */
    static final long CLOSE_POLL_PERIOD_NS = TimeUnit.MICROSECONDS.toNanos(50);

    /** How many times the idle agent spins before it yields ({@link BackoffIdleStrategy}'s maxSpins). */
    static final long WRITER_MAX_SPINS = 1;

    /** How many times the idle agent yields before it parks ({@link BackoffIdleStrategy}'s maxYields). */
    static final long WRITER_MAX_YIELDS = 1;

    /** The idle agent's first park period in nanoseconds; it doubles while idle. */
    static final long WRITER_MIN_PARK_PERIOD_NS = TimeUnit.MICROSECONDS.toNanos(10);

    /** The idle agent's longest park period in nanoseconds: how long a lone run may wait to be seen. */
    static final long WRITER_MAX_PARK_PERIOD_NS = TimeUnit.MILLISECONDS.toNanos(1);

    /** The ring buffer's message type of an encoded {@link WireRun}, its only one. */
    private static final int RUN_MESSAGE_TYPE_ID = 1;

    /** The thread and role name of the writer agent. */
    private static final String ROLE_NAME = "sluice-evidence-writer";

    private final String location;
    private final EvidenceInserts inserts;
    private final ManyToOneRingBuffer ring = new ManyToOneRingBuffer(new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            RING_CAPACITY_BYTES + RingBufferDescriptor.TRAILER_LENGTH, BitUtil.CACHE_LINE_LENGTH)));
    private final ThreadLocal<ExpandableArrayBuffer> scratch =
            ThreadLocal.withInitial(() -> new ExpandableArrayBuffer(SCRATCH_INITIAL_CAPACITY_BYTES));
    private final AtomicLong committedRuns = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger appendsUnderWay = new AtomicInteger();
    private final AgentRunner runner;
    private volatile long committedPosition;
    private volatile Exception lastError;

    /**
     * Starts the writer agent on its own daemon thread.
     *
     * @param location how to name the store in messages
     * @param inserts the prepared inserts on the writer's connection, which the agent then uses alone and closes
     */
    EvidenceWriter(String location, EvidenceInserts inserts) {
        this.location = location;
        this.inserts = inserts;
        this.runner = new AgentRunner(
                new BackoffIdleStrategy(
                        WRITER_MAX_SPINS, WRITER_MAX_YIELDS, WRITER_MIN_PARK_PERIOD_NS, WRITER_MAX_PARK_PERIOD_NS),
                Throwable::printStackTrace,
                null,
                new Drain());
        AgentRunner.startOnThread(runner, task -> {
            Thread thread = new Thread(task, ROLE_NAME);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Copies a run into the ring buffer, waiting while it is full.
     *
     * @param run the run
     * @throws BadInputException if the encoded run is larger than a ring-buffer message
     * @throws IllegalStateException if the store is closed, or closes while the run waits for room
     */
    void append(WireRun run) {
        appendsUnderWay.incrementAndGet();
        try {
            if (closed.get()) {
                throw new IllegalStateException("the evidence store " + location + " is closed");
            }
            ExpandableArrayBuffer buffer = scratch.get();
            int length = WireRun.SCHEMA.encode(run, buffer, 0);
            if (length > ring.maxMsgLength()) {
                throw new BadInputException("the evidence of run " + run.runId() + " takes " + length
                        + " bytes; the store's ring buffer takes at most " + ring.maxMsgLength() + " per run");
            }
            while (!ring.write(RUN_MESSAGE_TYPE_ID, buffer, 0, length)) {
                if (closed.get()) {
                    throw new IllegalStateException(
                            "the evidence store " + location + " closed while run " + run.runId() + " waited for room");
                }
                LockSupport.parkNanos(APPEND_RETRY_PERIOD_NS);
            }
        } finally {
            appendsUnderWay.decrementAndGet();
        }
    }

    /**
     * Waits until every run in the ring buffer when called is committed.
     *
     * @throws SluiceException if they are not committed within {@link #FLUSH_TIMEOUT_NS} (the last database error
     *     is the cause)
     */
    void flush() {
        long target = ring.producerPosition();
        long deadlineNs = System.nanoTime() + FLUSH_TIMEOUT_NS;
        while (committedPosition < target) {
            if (System.nanoTime() - deadlineNs > 0) {
                Exception error = lastError;
                throw new SluiceException(
                        "the evidence store " + location + " has not committed its pending runs in "
                                + TimeUnit.NANOSECONDS.toSeconds(FLUSH_TIMEOUT_NS) + " s"
                                + (error == null ? "" : "; last error: " + error.getMessage()),
                        error);
            }
            LockSupport.parkNanos(FLUSH_POLL_PERIOD_NS);
        }
    }

    /** @return how many runs this writer has committed */
    long committedRuns() {
        return committedRuns.get();
    }

    /**
     * Refuses further appends, waits for those under way, flushes, then stops the agent and closes the connection
     * (the last two even if the flush fails). Idempotent.
     *
     * @throws SluiceException if the flush fails
     */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        try {
            while (appendsUnderWay.get() > 0) {
                LockSupport.parkNanos(CLOSE_POLL_PERIOD_NS);
            }
            flush();
        } finally {
            runner.close();
            inserts.close();
        }
    }

    /** Drains the ring buffer into batched transactions; on the writer's thread only. */
    private final class Drain implements Agent, MessageHandler {
        private final List<WireRun> batch = new ArrayList<>(BATCH_MAX_RUNS);
        private long batchEndPosition;
        private long retryAtNs;

        @Override
        public int doWork() {
            if (batch.isEmpty()) {
                if (ring.read(this, BATCH_MAX_RUNS) == 0) {
                    return 0;
                }
                batchEndPosition = ring.consumerPosition();
            } else if (System.nanoTime() - retryAtNs < 0) {
                return 0;
            }
            try {
                inserts.commit(batch);
            } catch (SQLException | RuntimeException e) {
                lastError = e;
                retryAtNs = System.nanoTime() + RETRY_PAUSE_NS;
                return 0;
            }
            committedRuns.addAndGet(batch.size());
            batch.clear();
            committedPosition = batchEndPosition;
            return 1;
        }

        @Override
        public void onMessage(int msgTypeId, MutableDirectBuffer buffer, int index, int length) {
            batch.add(WireRun.SCHEMA.decode(buffer, index, length));
        }

        @Override
        public String roleName() {
            return ROLE_NAME;
        }
    }
}
