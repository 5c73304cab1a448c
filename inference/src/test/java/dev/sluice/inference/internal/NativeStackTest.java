package dev.sluice.inference.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.BadInputException;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Phaser;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Jobs run on their own thread with a large stack, and their results and failures reach the caller unchanged. */
class NativeStackTest {
    @Test
    void returnsTheJobsResultFromAThreadOfItsOwn() {
        Thread caller = Thread.currentThread();
        Thread worker = NativeStack.call(Thread::currentThread);
        assertNotEquals(caller, worker);
        assertTrue(worker.getName().startsWith("sluice-native-"), worker.getName());
        assertTrue(worker.isDaemon());
        assertFalse(NativeStack.onNativeStack());
    }

    @Test
    void recursionThatNeedsALargeStackSucceeds() {
        // about 100,000 frames: far beyond a 256 KiB or 1 MiB stack, within 16 MiB
        assertEquals(100_000, NativeStack.call(() -> depth(100_000)));
    }

    @Test
    void uncheckedExceptionsAndErrorsKeepTheirTypeAndIdentity() {
        BadInputException bad = new BadInputException("bad file");
        BadInputException thrown = assertThrows(
                BadInputException.class,
                () -> NativeStack.call(() -> {
                    throw bad;
                }));
        assertSame(bad, thrown);
        assertEquals(1, thrown.getSuppressed().length, "the caller's stack is attached");
        assertTrue(
                thrown.getSuppressed()[0].getMessage().contains("called from thread"),
                thrown.getSuppressed()[0].getMessage());

        StackOverflowError error = new StackOverflowError("deep");
        assertSame(
                error,
                assertThrows(
                        StackOverflowError.class,
                        () -> NativeStack.run(() -> {
                            throw error;
                        })));
    }

    @Test
    void checkedExceptionsKeepTheirType() {
        IOException io = new IOException("unreadable");
        IOException thrown = assertThrows(
                IOException.class,
                () -> NativeStack.<String, IOException>call(() -> {
                    throw io;
                }));
        assertSame(io, thrown);
    }

    @Test
    void aJobCalledFromAJobRunsInline() {
        Thread[] threads = NativeStack.call(() -> {
            assertTrue(NativeStack.onNativeStack());
            return new Thread[] {Thread.currentThread(), NativeStack.call(Thread::currentThread)};
        });
        assertSame(threads[0], threads[1]);
    }

    @Test
    void theNamedFormNamesTheThread() {
        assertEquals(
                "llama-load-test",
                NativeStack.call("llama-load-test", () -> Thread.currentThread().getName()));
    }

    @Test
    void anInterruptedCallerWaitsForTheJobAndStaysInterrupted() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Phaser release = new Phaser(1);
        AtomicReference<String> result = new AtomicReference<>();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Thread caller = Thread.ofPlatform().start(() -> {
            result.set(NativeStack.call(() -> {
                started.countDown();
                release.awaitAdvance(0);
                return "done";
            }));
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        });
        started.await();
        caller.interrupt();
        Thread.sleep(50);
        assertTrue(caller.isAlive(), "the caller must wait for the job, not abandon it");
        release.arrive();
        caller.join();
        assertEquals("done", result.get());
        assertTrue(interruptedAfter.get(), "the interrupt status is kept");
    }

    private static int depth(int n) {
        return n == 0 ? 0 : 1 + depth(n - 1);
    }
}
