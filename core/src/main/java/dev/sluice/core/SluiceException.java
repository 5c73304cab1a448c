package dev.sluice.core;

/**
 * The root of Sluice's exceptions. Unchecked: a caller handles the subclasses it can act on
 * ({@link BadInputException} for input it can correct, {@link NativeCallException} for the operating system
 * refusing a request) and lets the rest propagate.
 *
 * <p>Messages say what was wrong and, where it helps, what would be right, with the numbers in them
 * ({@code "dimension 512 does not match the index's 384"}).
 */
public class SluiceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong
     */
    public SluiceException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the underlying failure
     */
    public SluiceException(String message, Throwable cause) {
        super(message, cause);
    }
}
