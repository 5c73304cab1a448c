package dev.sluice.inference.gguf.internal;

/** Writes JSON string literals. */
public final class JsonText {
    private JsonText() {
    }

    /**
     * Appends a JSON string literal.
     *
     * @param out where to append
     * @param text the text, any characters
     * @return {@code out}
     */
    public static StringBuilder quote(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    /**
     * @param text any text
     * @return it as a JSON string literal
     */
    public static String quote(String text) {
        return quote(new StringBuilder(text.length() + 2), text).toString();
    }
}
