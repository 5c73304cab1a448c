package dev.sluice.core;

/**
 * A call into the operating system or a native library failed. Carries the function name and, for system calls,
 * the {@code errno} value so that the caller can tell a refusal of the system ({@code EINVAL} from
 * {@code sched_setaffinity} for CPUs outside the allowed set) from a bug.
 */
public class NativeCallException extends SluiceException {
    private static final long serialVersionUID = 1L;

    private final String function;
    private final int errno;

    /**
     * @param function the native function that failed, for example {@code "sched_setaffinity"}
     * @param errno the {@code errno} it left, or 0 when it does not set one
     * @param message what the failure means for the caller and what would help
     */
    public NativeCallException(String function, int errno, String message) {
        super(function + " failed" + (errno != 0 ? " (errno " + errno + ")" : "") + ": " + message);
        this.function = function;
        this.errno = errno;
    }

    /** @return the native function that failed */
    public String function() {
        return function;
    }

    /** @return the {@code errno} the call left, or 0 when there is none */
    public int errno() {
        return errno;
    }
}
