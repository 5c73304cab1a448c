package dev.sluice.ffi;

import dev.sluice.ffi.internal.LinuxCalls;

/**
 * The platform, page size and CPU counts, as the operating system reports them. Each count is one {@code sysconf}
 * call and is read afresh, as CPUs can go on and off line. Thread-safe.
 *
 * <p>Linux only (amd64, aarch64) apart from {@link #platform()} and {@link #nativeCallsSupported()}; elsewhere the
 * methods throw {@link UnsupportedOperationException} naming the platform.
 */
public final class SystemInfo {
    private SystemInfo() {}

    /** @return the platform as {@code os.name/os.arch}, for example {@code "Linux/amd64"} */
    public static String platform() {
        return LinuxCalls.platform();
    }

    /** @return whether this package's system calls work here: Linux on amd64 or aarch64 */
    public static boolean nativeCallsSupported() {
        return LinuxCalls.isSupported();
    }

    /** @return the size of a memory page in bytes ({@code sysconf(_SC_PAGESIZE)}), a power of two */
    public static long pageSizeBytes() {
        return LinuxCalls.sysconf(LinuxCalls.SC_PAGESIZE);
    }

    /**
     * @return how many CPUs are online now ({@code sysconf(_SC_NPROCESSORS_ONLN)}); unlike
     *     {@link Runtime#availableProcessors()}, not reduced by this thread's affinity or a container's quota
     */
    public static int onlineCpus() {
        return (int) LinuxCalls.sysconf(LinuxCalls.SC_NPROCESSORS_ONLN);
    }

    /**
     * @return how many CPUs the system has configured, online or not ({@code sysconf(_SC_NPROCESSORS_CONF)}); CPU
     *     ids run from 0 to one less than this
     */
    public static int configuredCpus() {
        return (int) LinuxCalls.sysconf(LinuxCalls.SC_NPROCESSORS_CONF);
    }
}
