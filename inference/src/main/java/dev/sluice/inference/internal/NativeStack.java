package dev.sluice.inference.internal;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the set-up of a native library (ONNX Runtime's environment and sessions, a tokenizer, a llama.cpp model) on a
 * platform thread with a stack of {@value #STACK_BYTES} bytes that Sluice starts for the job, so that native code that
 * recurses deeply while it starts does not depend on the stack of the caller's thread. ONNX Runtime's environment
 * set-up, for one, recurses about 12,000 frames deep when the JVM's command line holds a long argument, which ends a
 * JVM on the default 1 MiB main-thread stack with a segmentation fault, and one started with {@code -Xss256k} with a
 * shorter argument still.
 *
 * <p>The caller waits for the job. What the job returns is returned, and what it throws is thrown as it is, the same
 * object and type, with a suppressed exception that shows where the job was called from. An interrupt of the waiting
 * caller does not abandon the job (a native set-up cannot be stopped half-way, and what it made would leak): the
 * caller waits on and keeps its interrupt status. A job called from a job runs inline.
 *
 * <p>Cost: one thread start per job, some tens of microseconds, small beside what the jobs do. The stack is reserved
 * address space; only the pages a job touches are committed. Thread-safe.
 */
public final class NativeStack {
    /** The stack size of the threads that run native set-up: 16 MiB, as {@code -Xss16m} would give. */
    public static final long STACK_BYTES = 16L << 20;

    private static final AtomicLong JOBS = new AtomicLong();
    private static final ThreadLocal<Boolean> ON_NATIVE_STACK = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private NativeStack() {}

    /**
     * A native set-up job.
     *
     * @param <T> what it makes
     * @param <E> the checked exception it may throw
     */
    @FunctionalInterface
    public interface Job<T, E extends Exception> {
        /**
         * Does the set-up.
         *
         * @return what it made
         * @throws E when it fails
         */
        T run() throws E;
    }

    /**
     * A native set-up job that makes nothing to return.
     *
     * @param <E> the checked exception it may throw
     */
    @FunctionalInterface
    public interface Action<E extends Exception> {
        /**
         * Does the set-up.
         *
         * @throws E when it fails
         */
        void run() throws E;
    }

    /**
     * Runs an action as {@link #call(Job)} runs a job.
     *
     * @param action the set-up
     * @param <E> the checked exception it may throw
     * @throws E what the action threw, unchanged (unchecked exceptions and errors likewise)
     */
    public static <E extends Exception> void run(Action<E> action) throws E {
        Objects.requireNonNull(action, "action");
        NativeStack.<Void, E>call(() -> {
            action.run();
            return null;
        });
    }

    /**
     * Runs a job on a thread named {@code sluice-native-N} with a stack of {@link #STACK_BYTES} bytes.
     *
     * @param job the set-up
     * @param <T> what it makes
     * @param <E> the checked exception it may throw
     * @return what the job returned
     * @throws E what the job threw, unchanged (unchecked exceptions and errors likewise)
     */
    public static <T, E extends Exception> T call(Job<T, E> job) throws E {
        return call("sluice-native-" + JOBS.incrementAndGet(), job);
    }

    /**
     * Runs a job on a thread with the given name and a stack of {@link #STACK_BYTES} bytes. Native threads that the
     * job starts inherit the name (its first 15 characters on Linux), which is how they can be found again.
     *
     * @param threadName the job thread's name
     * @param job the set-up
     * @param <T> what it makes
     * @param <E> the checked exception it may throw
     * @return what the job returned
     * @throws E what the job threw, unchanged (unchecked exceptions and errors likewise)
     */
    public static <T, E extends Exception> T call(String threadName, Job<T, E> job) throws E {
        Objects.requireNonNull(job, "job");
        if (onNativeStack()) {
            return job.run();
        }
        Outcome<T> outcome = new Outcome<>();
        Thread worker = Thread.ofPlatform()
                .name(threadName)
                .daemon(true)
                .stackSize(STACK_BYTES)
                .unstarted(() -> {
                    ON_NATIVE_STACK.set(Boolean.TRUE);
                    try {
                        outcome.value = job.run();
                    } catch (Throwable t) { // handed to the caller, which rethrows it
                        outcome.failure = t;
                    }
                });
        worker.start();
        boolean interrupted = false;
        while (true) {
            try {
                worker.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (outcome.failure != null) {
            outcome.failure.addSuppressed(new CalledFrom(threadName));
            throw NativeStack.<E>rethrow(outcome.failure);
        }
        return outcome.value;
    }

    /** @return whether the current thread is one that runs native set-up jobs */
    public static boolean onNativeStack() {
        return ON_NATIVE_STACK.get();
    }

    /** Rethrows any throwable as it is; the job's signature allows the checked ones it can throw. */
    private static <E extends Exception> RuntimeException rethrow(Throwable t) throws E {
        if (t instanceof RuntimeException unchecked) {
            throw unchecked;
        }
        if (t instanceof Error error) {
            throw error;
        }
        throw NativeStack.<RuntimeException>sneaky(t);
    }

    /** Throws a checked exception the compiler cannot see; erased to {@code Throwable}, so no cast can fail. */
    @SuppressWarnings("unchecked")
    private static <X extends Throwable> RuntimeException sneaky(Throwable t) throws X {
        throw (X) t;
    }

    /** What a job made or threw; written by the job thread before it ends, read by the caller after the join. */
    private static final class Outcome<T> {
        T value;
        Throwable failure;
    }

    /** Shows, as a suppressed exception, the caller's stack of a job that failed on its own thread. */
    private static final class CalledFrom extends Exception {
        private static final long serialVersionUID = 1L;

        CalledFrom(String threadName) {
            super("the native set-up above ran on thread " + threadName + ", called from thread "
                    + Thread.currentThread().getName() + " here");
        }
    }
}
