package dev.sluice.vector;

/** The type of the external keys of a {@link VectorStore}, chosen once at creation. */
public enum KeyKind {
    /** Keys are strings (any non-null {@link String}). */
    STRING(0),
    /** Keys are {@code long} values. */
    LONG(1);

    private final int fileCode;

    KeyKind(int fileCode) {
        this.fileCode = fileCode;
    }

    /** @return the code written in store files; stable across releases */
    public int fileCode() {
        return fileCode;
    }

    /**
     * @param code a code read from a store file
     * @return the kind, or {@code null} when the code is unknown
     */
    public static KeyKind ofFileCode(int code) {
        for (KeyKind kind : values()) {
            if (kind.fileCode == code) {
                return kind;
            }
        }
        return null;
    }
}
