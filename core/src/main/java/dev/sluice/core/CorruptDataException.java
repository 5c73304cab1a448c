package dev.sluice.core;

/**
 * Bytes that fail a structural check before they are used: a wrong magic number, an unsupported format version,
 * a checksum mismatch, a length or offset outside its bounds, a type tag that does not belong. Thrown before any
 * native code or decoder trusts the bytes, so a corrupt file never crashes the JVM.
 */
public class CorruptDataException extends BadInputException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message which check failed, with the expected and the found values
     */
    public CorruptDataException(String message) {
        super(message);
    }

    /**
     * @param message which check failed, with the expected and the found values
     * @param cause the underlying failure
     */
    public CorruptDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
