package dev.sluice.ffi;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.sluice.core.BadInputException;
import dev.sluice.core.NativeCallException;
import dev.sluice.ffi.internal.LinuxCalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.BitSet;
import java.util.function.IntConsumer;

/**
 * The set of CPUs the calling thread may run on ({@code sched_getaffinity}, {@code sched_setaffinity}). Each call
 * is one or two system calls. Each affects only the operating-system thread that makes it, so there is nothing to
 * share between threads; a virtual thread is refused, as it has no such thread of its own.
 *
 * <p>Linux only (amd64, aarch64); elsewhere the methods throw {@link UnsupportedOperationException} naming the
 * platform.
 */
public final class CpuAffinity {
    /** The bits in glibc's {@code cpu_set_t}; the mask passed to the kernel is never smaller. */
    private static final int MIN_MASK_BITS = 1024;

    private CpuAffinity() {}

    /**
     * @return the CPUs the calling thread may run on
     * @throws IllegalStateException when called from a virtual thread
     * @throws NativeCallException when {@code sched_getaffinity} fails
     */
    public static CpuSet currentThread() {
        LinuxCalls.requireSupported("sched_getaffinity");
        requirePlatformThread("read the CPU affinity");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(JAVA_LONG, maskWords(SystemInfo.configuredCpus()));
            int errno = LinuxCalls.getThreadAffinity(mask);
            if (errno != 0) {
                throw new NativeCallException(
                        "sched_getaffinity",
                        errno,
                        "could not read the CPU affinity of thread "
                                + Thread.currentThread().getName());
            }
            return CpuSet.copyOf(BitSet.valueOf(mask.toArray(JAVA_LONG)));
        }
    }

    /**
     * Restricts the calling thread to the given CPUs; the scheduler moves it there before this returns. To undo,
     * pin it again to the set {@link #currentThread()} returned before.
     *
     * @param cpus the CPUs the thread may run on, not empty, each below {@link SystemInfo#configuredCpus()}
     * @throws BadInputException when the set is empty or holds an id the machine does not have
     * @throws IllegalStateException when called from a virtual thread
     * @throws NativeCallException when {@code sched_setaffinity} fails, for example because none of the CPUs is
     *     online or allowed to this process (a cgroup cpuset, {@code taskset})
     */
    public static void pinCurrentThread(CpuSet cpus) {
        LinuxCalls.requireSupported("sched_setaffinity");
        requirePlatformThread("pin to CPUs " + cpus);
        if (cpus.isEmpty()) {
            throw new BadInputException("cannot pin a thread to an empty CPU set");
        }
        int configured = SystemInfo.configuredCpus();
        int[] missing =
                Arrays.stream(cpus.toArray()).filter(cpu -> cpu >= configured).toArray();
        if (missing.length > 0) {
            throw new BadInputException("cannot pin to CPUs " + cpus + ": CPU ids " + Arrays.toString(missing)
                    + " do not exist; this machine has " + configured + " CPUs, ids 0 to " + (configured - 1));
        }
        try (Arena arena = Arena.ofConfined()) {
            long[] words = Arrays.copyOf(cpus.toBitSet().toLongArray(), maskWords(configured));
            int errno = LinuxCalls.setThreadAffinity(arena.allocateFrom(JAVA_LONG, words));
            if (errno != 0) {
                throw new NativeCallException(
                        "sched_setaffinity",
                        errno,
                        "could not pin thread "
                                + Thread.currentThread().getName() + " to CPUs " + cpus
                                + "; are they online and allowed to this process (cgroup cpuset, taskset)?");
            }
        }
    }

    /**
     * A thread setup that pins thread {@code i} of a group to the {@code i}-th CPU of a set, round robin: give it to
     * a pipelined flow runtime ({@code FlowRuntime.withStageThreadSetup}) to pin its stage threads. The set is
     * checked now, so a CPU the machine lacks fails here rather than on a stage thread.
     *
     * @param cpus the CPUs, not empty, each below {@link SystemInfo#configuredCpus()}
     * @return the setup; each call pins the calling thread
     * @throws UnsupportedOperationException on a platform without CPU affinity
     * @throws BadInputException when the set is null or empty, or names a CPU the machine does not have
     */
    public static IntConsumer roundRobin(CpuSet cpus) {
        if (cpus == null || cpus.isEmpty()) {
            throw new BadInputException("pinning needs at least one CPU");
        }
        LinuxCalls.requireSupported("sched_setaffinity");
        int[] ids = cpus.toArray();
        int configured = SystemInfo.configuredCpus();
        if (ids[ids.length - 1] >= configured) {
            throw new BadInputException("CPU " + ids[ids.length - 1] + " does not exist; this machine has " + configured
                    + " (0 to " + (configured - 1) + ")");
        }
        return threadIndex -> pinCurrentThread(CpuSet.of(ids[threadIndex % ids.length]));
    }

    private static int maskWords(int configuredCpus) {
        return (Math.max(MIN_MASK_BITS, configuredCpus) + Long.SIZE - 1) / Long.SIZE;
    }

    private static void requirePlatformThread(String action) {
        if (Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("cannot " + action + " from virtual thread " + Thread.currentThread()
                    + ": it runs on whichever carrier thread is free; call from a platform thread");
        }
    }
}
