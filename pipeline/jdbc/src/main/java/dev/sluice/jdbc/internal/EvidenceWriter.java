package dev.sluice.jdbc.internal;

import dev.sluice.core.BadInputException;
import dev.sluice.core.SluiceException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * reached, which is what {@link #flush()} waits for. Each run is all or nothing.
 *
 * <p><b>Failures.</b> A failed transaction is rolled back, and what happens next depends on why it failed
 * ({@link Failure}):
 *
 * <ul>
 *   <li>the database cannot be reached or is busy ({@link Failure#UNAVAILABLE}): the same batch is retried every
 *       {@link #RETRY_PAUSE_NS} ns for as long as it takes (a broken connection is opened again first), so nothing
 *       accepted is dropped while the database comes back; {@link #flush()} gives up waiting after
 *       {@link #FLUSH_TIMEOUT_NS} ns;
 *   <li>the database refused what the batch holds (a constraint, a value it cannot store, a damaged page:
 *       {@link Failure#REFUSED}), or failed it {@value #MAX_ATTEMPTS} times for another reason: the batch's runs are
 *       written one by one, each in its own transaction, and a run that fails on its own (for any reason but the
 *       first) is <em>set aside</em>: logged with its run id through {@link System.Logger}, counted
 *       ({@link #setAsideRuns()}) and remembered ({@link #setAsideReason}); the runs after it are written. So a run
 *       that can never be written costs a few transactions, never the others' evidence, and never a hung flush.
 * </ul>
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

    /**
     * How many times a batch that failed for an unclassified reason ({@link Failure#UNKNOWN}) is tried before its
     * runs are written one by one (a run that then fails alone is set aside).
     */
    static final int MAX_ATTEMPTS = 3;

    /** How many set-aside runs' reasons are remembered for {@link #setAsideReason}: the most recent ones. */
    static final int SET_ASIDE_REMEMBERED = 1024;

    /** How long {@link EvidenceInserts#reconnectIfBroken} waits for a connection to prove alive, in seconds. */
    static final int CONNECTION_CHECK_TIMEOUT_S = 2;

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

    /** Where set-aside runs are reported. */
    private static final System.Logger LOG = System.getLogger("dev.sluice.jdbc");

    /** SQLite's primary result codes ({@code sqlite3.h}) that the failure classes below name. */
    private static final int SQLITE_BUSY = 5;

    private static final int SQLITE_LOCKED = 6;
    private static final int SQLITE_NOMEM = 7;
    private static final int SQLITE_IOERR = 10;
    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_FULL = 13;
    private static final int SQLITE_CANTOPEN = 14;
    private static final int SQLITE_PROTOCOL = 15;
    private static final int SQLITE_TOOBIG = 18;
    private static final int SQLITE_CONSTRAINT = 19;
    private static final int SQLITE_MISMATCH = 20;
    private static final int SQLITE_RANGE = 25;
    private static final int SQLITE_NOTADB = 26;

    /** Why a transaction failed, as far as what to do next goes. */
    enum Failure {
        /**
         * The database cannot be reached, is busy or short of room: retry the same batch for as long as it takes.
         * PostgreSQL SQLSTATE classes 08 (connection), 53 (resources), 57P (shutdown), 40001 and 40P01
         * (serialisation, deadlock), 55P03 (lock); SQLite BUSY, LOCKED, NOMEM, IOERR, FULL, CANTOPEN, PROTOCOL.
         */
        UNAVAILABLE,
        /**
         * The database refused what the batch holds, and will again: find and set aside the runs it refuses.
         * PostgreSQL SQLSTATE classes 22 (data: a NUL character, a value out of range), 23 (constraint), 42
         * (a table or column missing), XX001 and XX002 (damaged data or index); SQLite CORRUPT, TOOBIG, CONSTRAINT,
         * MISMATCH, RANGE, NOTADB; and any exception that is not a database's (a run the inserts cannot bind).
         */
        REFUSED,
        /** Anything else: retry a few times ({@link #MAX_ATTEMPTS}), then treat as refused. */
        UNKNOWN;

        /**
         * @param e a failed transaction's exception
         * @param dialect the engine that threw it
         * @return its class: the first decisive one among the exception, the ones chained to it (a batch's) and
         *     their causes; {@link #UNAVAILABLE} wins, since a batch's other errors may follow from a lost connection
         */
        static Failure of(Exception e, SqlDialect dialect) {
            if (!(e instanceof SQLException)) {
                return REFUSED;
            }
            Failure found = UNKNOWN;
            List<Throwable> seen = new ArrayList<>();
            List<Throwable> pending = new ArrayList<>(List.of(e));
            while (!pending.isEmpty() && seen.size() < MAX_CHAINED) {
                Throwable next = pending.removeLast();
                if (next == null || seen.stream().anyMatch(t -> t == next)) {
                    continue;
                }
                seen.add(next);
                if (next instanceof SQLException sql) {
                    Failure one = dialect == SqlDialect.POSTGRES ? ofState(sql.getSQLState()) : ofSqliteCode(sql);
                    if (one == UNAVAILABLE) {
                        return UNAVAILABLE;
                    }
                    if (one == REFUSED) {
                        found = REFUSED;
                    }
                    pending.add(sql.getNextException());
                }
                pending.add(next.getCause());
            }
            return found;
        }

        /** The most exceptions {@link #of} looks at in one chain. */
        private static final int MAX_CHAINED = 16;

        private static Failure ofState(String state) {
            if (state == null) {
                return UNKNOWN;
            }
            if (state.startsWith("08")
                    || state.startsWith("53")
                    || state.startsWith("57P")
                    || state.equals("40001")
                    || state.equals("40P01")
                    || state.equals("55P03")) {
                return UNAVAILABLE;
            }
            if (state.startsWith("22")
                    || state.startsWith("23")
                    || state.startsWith("42")
                    || state.equals("XX001")
                    || state.equals("XX002")) {
                return REFUSED;
            }
            return UNKNOWN;
        }

        private static Failure ofSqliteCode(SQLException e) {
            return switch (e.getErrorCode() & 0xFF) {
                case SQLITE_BUSY,
                        SQLITE_LOCKED,
                        SQLITE_NOMEM,
                        SQLITE_IOERR,
                        SQLITE_FULL,
                        SQLITE_CANTOPEN,
                        SQLITE_PROTOCOL -> UNAVAILABLE;
                case SQLITE_CORRUPT, SQLITE_TOOBIG, SQLITE_CONSTRAINT, SQLITE_MISMATCH, SQLITE_RANGE, SQLITE_NOTADB ->
                    REFUSED;
                default -> UNKNOWN;
            };
        }
    }

    private final String location;
    private final EvidenceInserts inserts;
    private final ManyToOneRingBuffer ring = new ManyToOneRingBuffer(new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            RING_CAPACITY_BYTES + RingBufferDescriptor.TRAILER_LENGTH, BitUtil.CACHE_LINE_LENGTH)));
    private final ThreadLocal<ExpandableArrayBuffer> scratch =
            ThreadLocal.withInitial(() -> new ExpandableArrayBuffer(SCRATCH_INITIAL_CAPACITY_BYTES));
    private final AtomicLong committedRuns = new AtomicLong();
    private final AtomicLong setAsideRuns = new AtomicLong();
    /** The reasons of the most recent set-aside runs, by run id; guarded by itself. */
    private final Map<UUID, String> setAside = new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, String> eldest) {
            return size() > SET_ASIDE_REMEMBERED;
        }
    };

    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger appendsUnderWay = new AtomicInteger();
    private final AgentRunner runner;
    /** The ring position up to which every run is committed or set aside: what {@link #flush()} waits for. */
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
     * Waits until every run in the ring buffer when called is committed or set aside.
     *
     * @throws SluiceException if they are not within {@link #FLUSH_TIMEOUT_NS} (the database cannot be reached;
     *     the last database error is the cause)
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

    /** @return how many runs this writer has set aside: the database refused them, they are not written */
    long setAsideRuns() {
        return setAsideRuns.get();
    }

    /**
     * @param runId a run's id
     * @return why the run was set aside, null if it was not (or so long ago that it is forgotten)
     */
    String setAsideReason(UUID runId) {
        synchronized (setAside) {
            return setAside.get(runId);
        }
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
        /** -1 while the batch is written whole; else the index of the next of its runs to write alone. */
        private int alone = -1;
        /** How many times the current batch has failed for an unclassified reason. */
        private int attempts;

        @Override
        public int doWork() {
            if (batch.isEmpty()) {
                if (ring.read(this, BATCH_MAX_RUNS) == 0) {
                    return 0;
                }
                batchEndPosition = ring.consumerPosition();
                alone = -1;
                attempts = 0;
            } else if (System.nanoTime() - retryAtNs < 0) {
                return 0;
            }
            if (alone < 0) {
                try {
                    inserts.commit(batch);
                } catch (SQLException | RuntimeException e) {
                    if (!refused(e)) {
                        return 0;
                    }
                    alone = 0; // find the runs the database refuses: write them one by one
                    return 1;
                }
                committedRuns.addAndGet(batch.size());
                finishBatch();
                return 1;
            }
            WireRun run = batch.get(alone);
            try {
                inserts.commit(List.of(run));
                committedRuns.incrementAndGet();
            } catch (SQLException | RuntimeException e) {
                lastError = e;
                if (Failure.of(e, inserts.dialect()) == Failure.UNAVAILABLE) {
                    retryLater();
                    return 0;
                }
                setAside(run, e);
            }
            if (++alone == batch.size()) {
                finishBatch();
            }
            return 1;
        }

        /** @return whether the batch's failure is final (refused, or unclassified too often); else retries later */
        private boolean refused(Exception e) {
            lastError = e;
            Failure failure = Failure.of(e, inserts.dialect());
            if (failure == Failure.REFUSED || failure == Failure.UNKNOWN && ++attempts >= MAX_ATTEMPTS) {
                return true;
            }
            retryLater();
            return false;
        }

        private void retryLater() {
            inserts.reconnectIfBroken();
            retryAtNs = System.nanoTime() + RETRY_PAUSE_NS;
        }

        private void finishBatch() {
            batch.clear();
            committedPosition = batchEndPosition;
        }

        private void setAside(WireRun run, Exception e) {
            String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            synchronized (setAside) {
                setAside.put(run.runId(), reason);
            }
            setAsideRuns.incrementAndGet();
            LOG.log(
                    System.Logger.Level.ERROR,
                    "the evidence store " + location + " refused run " + run.runId() + " (flow '" + run.flowName()
                            + "'), which is set aside, not written; the runs after it go on. " + reason,
                    e);
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
