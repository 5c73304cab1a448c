package dev.sluice.inference.gguf;

/**
 * Makes text taken from a model file safe to print: every message that quotes a GGUF file's metadata (a key, a
 * tensor name, {@code general.name}, the architecture, a token) passes it through {@link #printable}, so that a
 * crafted file cannot send terminal escape sequences, bidirectional overrides or fake line breaks to whoever reads
 * the message. Stateless and thread-safe.
 */
public final class GgufText {
    /** Quoted text longer than this many characters is cut, with a note of how much was left out. */
    public static final int MAX_QUOTED_CHARS = 200;

    private GgufText() {}

    /**
     * Escapes what a terminal or log viewer would interpret: C0 and C1 control characters (ESC, CSI, BEL, CR, LF,
     * DEL...), Unicode format characters (bidirectional overrides, zero-width characters), line and paragraph
     * separators and unpaired surrogates become {@code \}{@code uXXXX}; a backslash becomes two, so an escape in the
     * output cannot be mistaken for text of the file. Text longer than {@link #MAX_QUOTED_CHARS} is cut.
     *
     * @param text any text, or {@code null}
     * @return the printable text ({@code null} as {@code "null"})
     */
    public static String printable(String text) {
        if (text == null) {
            return "null";
        }
        int limit = Math.min(text.length(), MAX_QUOTED_CHARS);
        if (limit < text.length() && Character.isHighSurrogate(text.charAt(limit - 1))) {
            limit--; // do not cut a pair in two
        }
        StringBuilder out = null;
        for (int i = 0; i < limit; i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c)
                            && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1))
                    || Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
            boolean escape = c == '\\' || !paired && needsEscape(c);
            if (escape && out == null) {
                out = new StringBuilder(limit + 16).append(text, 0, i);
            }
            if (escape) {
                if (c == '\\') {
                    out.append("\\\\");
                } else {
                    out.append(String.format("\\u%04x", (int) c));
                }
            } else if (out != null) {
                out.append(c);
            }
        }
        if (limit < text.length()) {
            if (out == null) {
                out = new StringBuilder(limit + 32).append(text, 0, limit);
            }
            out.append("...(").append(text.length() - limit).append(" more chars)");
        }
        return out == null ? text : out.toString();
    }

    private static boolean needsEscape(char c) {
        return switch (Character.getType(c)) {
            case Character.CONTROL,
                    Character.FORMAT,
                    Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE,
                    Character.UNASSIGNED,
                    Character.PRIVATE_USE -> true;
            default -> false;
        };
    }
}
