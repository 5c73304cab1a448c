package dev.sluice.core;

/**
 * Input that Sluice refuses at its boundary: an argument out of range, a value that cannot be encoded, a file
 * that is not what it claims to be. Nothing was changed when this is thrown; the caller can correct the input
 * and try again. The command line maps it to exit code 2.
 */
public class BadInputException extends SluiceException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was wrong with the input and what would be right
     */
    public BadInputException(String message) {
        super(message);
    }

    /**
     * @param message what was wrong with the input and what would be right
     * @param cause the underlying failure
     */
    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
