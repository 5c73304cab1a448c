package dev.sluice.ffi.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The Linux C library calls Sluice makes, as Panama FFM downcalls through {@link Linker#nativeLinker()}.
 *
 * <p>The platform is checked once, when this class loads; every call first refuses an unsupported platform with an
 * {@link UnsupportedOperationException} naming it. The downcall handles are created on first use, after that
 * check, so nothing is linked on a platform that lacks the symbols. The constants below are those of the Linux
 * kernel ABI and glibc on the 64-bit architectures listed in {@link #isSupported()}.
 *
 * <p>Calls that report failure through {@code errno} return 0 on success or the {@code errno} value; the public
 * classes turn it into an exception that says what failed on what. Thread-safe: each call captures {@code errno}
 * into its own memory.
 */
public final class LinuxCalls {
    /** {@code _SC_PAGESIZE} for {@link #sysconf(int)}. */
    public static final int SC_PAGESIZE = 30;
    /** {@code _SC_NPROCESSORS_CONF} for {@link #sysconf(int)}. */
    public static final int SC_NPROCESSORS_CONF = 83;
    /** {@code _SC_NPROCESSORS_ONLN} for {@link #sysconf(int)}. */
    public static final int SC_NPROCESSORS_ONLN = 84;

    private static final String PLATFORM = System.getProperty("os.name") + "/" + System.getProperty("os.arch");
    private static final boolean SUPPORTED = PLATFORM.equals("Linux/amd64") || PLATFORM.equals("Linux/aarch64");

    private LinuxCalls() {}

    /** @return the platform as {@code os.name/os.arch}, for example {@code "Linux/amd64"} */
    public static String platform() {
        return PLATFORM;
    }

    /** @return whether this is Linux on {@code amd64} or {@code aarch64}, the platforms these calls support */
    public static boolean isSupported() {
        return SUPPORTED;
    }

    /**
     * @param function what the caller is about to use, for the message
     * @throws UnsupportedOperationException naming the platform, when it is not supported
     */
    public static void requireSupported(String function) {
        if (!SUPPORTED) {
            throw new UnsupportedOperationException(function + " is not available on " + PLATFORM
                    + ": Sluice's native calls support Linux on amd64 and aarch64");
        }
    }

    /**
     * @param name a {@code _SC_} constant of this class
     * @return {@code sysconf(name)}, or -1 when the value is indeterminate
     */
    public static long sysconf(int name) {
        requireSupported("sysconf");
        try {
            return (long) Handles.SYSCONF.invokeExact(name);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * @param mask a {@code cpu_set_t}-shaped bit mask, a whole number of 64-bit words
     * @return 0, or the {@code errno} of {@code sched_setaffinity(0, size, mask)} for the calling thread
     */
    public static int setThreadAffinity(MemorySegment mask) {
        requireSupported("sched_setaffinity");
        return errnoOf(state -> (int) Handles.SCHED_SETAFFINITY.invokeExact(state, 0, mask.byteSize(), mask));
    }

    /**
     * @param mask where to write the calling thread's {@code cpu_set_t}, a whole number of 64-bit words
     * @return 0, or the {@code errno} of {@code sched_getaffinity(0, size, mask)}
     */
    public static int getThreadAffinity(MemorySegment mask) {
        requireSupported("sched_getaffinity");
        return errnoOf(state -> (int) Handles.SCHED_GETAFFINITY.invokeExact(state, 0, mask.byteSize(), mask));
    }

    /** A downcall whose first argument is the call-state capture segment; -1 means failure with errno set. */
    @FunctionalInterface
    private interface ErrnoCall {
        int invoke(MemorySegment callState) throws Throwable;
    }

    private static int errnoOf(ErrnoCall call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Handles.CALL_STATE);
            return call.invoke(state) == -1 ? (int) Handles.ERRNO.get(state, 0L) : 0;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Downcalls throw no checked exceptions; let runtime exceptions and errors through as they are. */
    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("unexpected exception from a downcall", t);
    }

    /** Created on first use, so only once the platform check has passed. */
    private static final class Handles {
        static final Linker LINKER = Linker.nativeLinker();
        static final SymbolLookup LIBC = LINKER.defaultLookup();
        static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
        static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
        static final VarHandle ERRNO = CALL_STATE.varHandle(PathElement.groupElement("errno"));

        static final MethodHandle SYSCONF = downcall("sysconf", FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
        static final MethodHandle SCHED_SETAFFINITY =
                errnoDowncall("sched_setaffinity", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
        static final MethodHandle SCHED_GETAFFINITY =
                errnoDowncall("sched_getaffinity", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));

        private Handles() {}

        private static MethodHandle errnoDowncall(String name, FunctionDescriptor descriptor) {
            return downcall(name, descriptor, CAPTURE_ERRNO);
        }

        @SuppressWarnings("restricted")
        private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
            MemorySegment symbol = LIBC.find(name)
                    .orElseThrow(() -> new UnsupportedOperationException(
                            name + " is not in the C library of this " + PLATFORM + " process"));
            return LINKER.downcallHandle(symbol, descriptor, options);
        }
    }
}
