package dev.sluice.inference.embed.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class RunWorkersTest {
    @Test
    void everyRunIsDoneExactlyOnceAcrossThreads() {
        try (ScratchPool pool = new ScratchPool(4);
                RunWorkers workers = new RunWorkers(3, pool, "test")) {
            AtomicIntegerArray done = new AtomicIntegerArray(500);
            Set<Thread> threads = ConcurrentHashMap.newKeySet();
            Set<Scratch> scratches = ConcurrentHashMap.newKeySet();
            workers.runAll(500, (run, scratch) -> {
                done.incrementAndGet(run);
                threads.add(Thread.currentThread());
                scratches.add(scratch);
                Thread.onSpinWait();
            });
            for (int run = 0; run < 500; run++) {
                assertEquals(1, done.get(run), "run " + run);
            }
            assertTrue(threads.size() <= 3, threads.size() + " threads");
            assertEquals(threads.size(), scratches.size(), "one scratch per thread");
        }
    }

    @Test
    void returnsOnlyAfterAHelperFinishesTheRunItTook() {
        try (ScratchPool pool = new ScratchPool(4);
                RunWorkers workers = new RunWorkers(2, pool, "test")) {
            for (int attempt = 0; attempt < 20; attempt++) {
                AtomicIntegerArray done = new AtomicIntegerArray(2);
                workers.runAll(2, (run, scratch) -> {
                    if (!Thread.currentThread().getName().startsWith("test")) {
                        return; // the caller leaves its run to finish at once
                    }
                    LockSupport.parkNanos(5_000_000L);
                    done.set(run, 1);
                });
                String atReturn = done.toString(); // runs the caller took stay 0; a helper's must be 1 already
                LockSupport.parkNanos(20_000_000L);
                assertEquals(atReturn, done.toString(), "a helper finished a run after runAll returned");
            }
        }
    }

    @Test
    void helpersMayNotWriteAConfinedTarget() {
        try (ScratchPool pool = new ScratchPool(4);
                RunWorkers workers = new RunWorkers(4, pool, "test");
                RunWorkers alone = new RunWorkers(1, pool, "test");
                Arena arena = Arena.ofConfined()) {
            assertFalse(workers.canSpread(arena.allocate(64)));
            assertTrue(workers.canSpread(MemorySegment.ofArray(new float[1])));
            assertFalse(alone.canSpread(MemorySegment.ofArray(new float[1])));
        }
    }

    @Test
    void theFirstFailureReachesTheCallerAfterAllThreadsStop() {
        try (ScratchPool pool = new ScratchPool(4);
                RunWorkers workers = new RunWorkers(2, pool, "test")) {
            IllegalStateException failure = new IllegalStateException("run 7 failed");
            IllegalStateException thrown = assertThrows(
                    IllegalStateException.class,
                    () -> workers.runAll(20, (run, scratch) -> {
                        if (run == 7) {
                            throw failure;
                        }
                    }));
            assertSame(failure, thrown);
            AtomicIntegerArray done = new AtomicIntegerArray(3);
            workers.runAll(3, (run, scratch) -> done.incrementAndGet(run));
            assertEquals("[1, 1, 1]", done.toString(), "usable after a failure");
        }
    }
}
