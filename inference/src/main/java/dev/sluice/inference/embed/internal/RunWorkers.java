package dev.sluice.inference.embed.internal;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Spreads the model runs of one call over the calling thread and a few helper threads, each with its own
 * {@link Scratch}, so that the cores work on different runs instead of meeting at a barrier after every operator of
 * one run. Runs are handed out longest first (the last index first), which balances the threads.
 *
 * <p>Cost: per call, one small object handed to the helpers; the helpers are daemon threads made once and shared by all
 * callers. The caller decides with {@link #canSpread} whether helpers may write its target (not when it is confined
 * to the caller's thread). Thread-safe; {@link #close()} stops the helpers after the tasks in progress.
 */
public final class RunWorkers implements AutoCloseable {
    /** One model run. */
    @FunctionalInterface
    public interface Task {
        /**
         * @param run the run's index
         * @param scratch working memory for the calling thread's exclusive use during the call
         */
        void run(int run, Scratch scratch);
    }

    private final int threads;
    private final ScratchPool scratchPool;
    private final ThreadPoolExecutor helpers;
    private final Thread anyHelper;

    /**
     * @param threads how many threads work on the runs of one call, the caller included; at least 1
     * @param scratchPool where each thread takes its scratch
     * @param name the helper threads' name prefix
     */
    public RunWorkers(int threads, ScratchPool scratchPool, String name) {
        this.threads = threads;
        this.scratchPool = scratchPool;
        if (threads == 1) {
            this.helpers = null;
            this.anyHelper = null;
            return;
        }
        AtomicInteger created = new AtomicInteger();
        Thread[] first = new Thread[1];
        this.helpers = new ThreadPoolExecutor(
                threads - 1, threads - 1, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, name + "-" + created.incrementAndGet());
                    thread.setDaemon(true);
                    if (first[0] == null) {
                        first[0] = thread;
                    }
                    return thread;
                });
        helpers.prestartAllCoreThreads();
        this.anyHelper = first[0];
    }

    /** @return how many threads work on the runs of one call, the caller included */
    public int threads() {
        return threads;
    }

    /**
     * @param target the memory the runs write
     * @return whether helper threads may work on runs that write {@code target}: there are helpers, and the target
     *     is not confined to its owner thread
     */
    public boolean canSpread(MemorySegment target) {
        return helpers != null && target.isAccessibleBy(anyHelper);
    }

    /**
     * Runs {@code task} for runs {@code 0..runs-1}, each exactly once, on the caller and up to {@code threads - 1}
     * helpers, and returns when all are done. A helper still queued behind other calls when the caller runs out of
     * runs is not waited for.
     *
     * @param runs how many runs
     * @param task the work of one run
     * @throws RuntimeException the first failure of a run, after every thread has stopped
     */
    public void runAll(int runs, Task task) {
        Call call = new Call(runs, task);
        int helping = helpers == null ? 0 : Math.min(threads, runs) - 1;
        for (int i = 0; i < helping; i++) {
            helpers.execute(call);
        }
        try {
            call.work();
        } catch (RuntimeException e) {
            call.fail(e);
        }
        call.awaitHelpers();
        if (call.failure != null) {
            throw call.failure;
        }
    }

    /**
     * One call's runs: a counter that hands them out, and the helpers working on them. A helper that starts after
     * the caller has finished its share does nothing; the caller waits only for helpers that started.
     */
    private final class Call implements Runnable {
        private final AtomicInteger next;
        private final Task task;
        private int working;
        private boolean closed;
        private RuntimeException failure;

        Call(int runs, Task task) {
            this.next = new AtomicInteger(runs);
            this.task = task;
        }

        @Override
        public void run() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                working++;
            }
            try {
                work();
            } catch (RuntimeException e) {
                fail(e);
            } finally {
                synchronized (this) {
                    working--;
                    notifyAll();
                }
            }
        }

        void work() {
            Scratch scratch = scratchPool.acquire();
            try {
                for (int run = next.decrementAndGet(); run >= 0; run = next.decrementAndGet()) {
                    task.run(run, scratch);
                }
            } finally {
                scratchPool.release(scratch);
            }
        }

        synchronized void fail(RuntimeException e) {
            next.set(0);
            if (failure == null) {
                failure = e;
            }
        }

        synchronized void awaitHelpers() {
            closed = true;
            boolean interrupted = false;
            while (working > 0) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        if (helpers != null) {
            helpers.shutdown();
        }
    }
}
