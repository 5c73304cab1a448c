package dev.sluice.ffi;

import dev.sluice.core.BadInputException;
import dev.sluice.core.NativeCallException;
import dev.sluice.ffi.internal.LinuxCalls;
import java.lang.foreign.MemorySegment;

/**
 * Native memory locked into RAM with {@code mlock}, so that it is never paged out, until {@link #close()} unlocks
 * it with {@code munlock}. Locking covers whole pages: the pages the segment touches.
 *
 * <p>Cost: locking faults in every page of the segment before it returns (reading a mapped file from disk), and
 * the locked bytes count against the process's {@code RLIMIT_MEMLOCK} unless it has {@code CAP_IPC_LOCK}.
 * Locks do not nest: unlocking a page unlocks it for every {@code MemoryLock} that covers it.
 *
 * <p>Close the lock before the segment's arena: unmapping memory drops its lock, but memory freed by an arena that
 * allocated it stays locked if it is not unmapped. Thread-safe. Linux only (amd64, aarch64); elsewhere
 * {@link #lock(MemorySegment)} throws {@link UnsupportedOperationException}.
 */
public final class MemoryLock implements AutoCloseable {
    private final MemorySegment segment;
    private boolean locked = true;

    private MemoryLock(MemorySegment segment) {
        this.segment = segment;
    }

    /**
     * Locks the pages of a native segment into RAM.
     *
     * @param segment native memory that is alive and not empty, such as {@link MappedFile#segment()}
     * @return the lock, to close when the memory may be paged out again
     * @throws IllegalStateException when the segment's arena is closed
     * @throws BadInputException when the segment is empty or on the Java heap
     * @throws NativeCallException when {@code mlock} fails; over {@code RLIMIT_MEMLOCK}, the message gives the
     *     limit and how to raise it
     * @throws UnsupportedOperationException on a platform other than Linux (amd64, aarch64)
     */
    public static MemoryLock lock(MemorySegment segment) {
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException("cannot lock " + segment + ": its arena is closed");
        }
        if (segment.byteSize() == 0) {
            throw new BadInputException("cannot lock a zero-length segment: there are no pages to lock");
        }
        if (!segment.isNative()) {
            throw new BadInputException("cannot lock " + segment + ": it is on the Java heap, which the garbage"
                    + " collector moves; lock native memory (an Arena's or a MappedFile's)");
        }
        int errno = LinuxCalls.mlock(segment);
        if (errno == LinuxCalls.ENOMEM || errno == LinuxCalls.EPERM || errno == LinuxCalls.EAGAIN) {
            throw new NativeCallException("mlock", errno,
                    overLimitMessage(segment.byteSize(), LinuxCalls.memlockLimitBytes()));
        }
        if (errno != 0) {
            throw new NativeCallException("mlock", errno, "could not lock " + segment.byteSize() + " bytes");
        }
        return new MemoryLock(segment);
    }

    /**
     * The most memory this process may lock without {@code CAP_IPC_LOCK}: the soft {@code RLIMIT_MEMLOCK}, read
     * with one {@code getrlimit} call. It covers all locked memory of the process, not each lock.
     *
     * @return the limit in bytes, or {@link Long#MAX_VALUE} when unlimited
     * @throws UnsupportedOperationException on a platform other than Linux (amd64, aarch64)
     */
    public static long limitBytes() {
        return LinuxCalls.memlockLimitBytes();
    }

    static String overLimitMessage(long requestedBytes, long limitBytes) {
        if (limitBytes == Long.MAX_VALUE) {
            return "could not lock " + requestedBytes + " bytes although RLIMIT_MEMLOCK is unlimited: the machine"
                    + " is short of memory that can be locked";
        }
        return "could not lock " + requestedBytes + " bytes: the RLIMIT_MEMLOCK soft limit is " + limitBytes
                + " bytes (" + limitBytes / 1024 + " KiB) for all locked memory of this process, which has no"
                + " CAP_IPC_LOCK; raise it before starting the JVM with `ulimit -l <KiB>` or `ulimit -l unlimited`"
                + " (or memlock in /etc/security/limits.conf, LimitMEMLOCK= in a systemd unit, --ulimit memlock="
                + " for docker)";
    }

    /** @return the locked segment */
    public MemorySegment segment() {
        return segment;
    }

    /**
     * Unlocks the pages ({@code munlock}); further calls do nothing, and so does a call after the segment's arena
     * was closed.
     *
     * @throws NativeCallException when {@code munlock} fails
     */
    @Override
    public synchronized void close() {
        boolean wasLocked = locked;
        locked = false;
        if (wasLocked && segment.scope().isAlive()) {
            int errno = LinuxCalls.munlock(segment);
            if (errno != 0) {
                throw new NativeCallException("munlock", errno, "could not unlock " + segment.byteSize() + " bytes");
            }
        }
    }

    @Override
    public synchronized String toString() {
        return "MemoryLock[" + segment.byteSize() + " bytes at 0x" + Long.toHexString(segment.address())
                + (locked ? "" : ", unlocked") + "]";
    }
}
