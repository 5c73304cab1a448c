package dev.sluice.core;

import java.util.HexFormat;

/**
 * Writing JSON string literals: the one escaping routine the command line's JSON output, the GGUF inspector and
 * the evidence store share. Escapes quotes, backslashes and control characters; leaves every other character as
 * it is (JSON text is Unicode). Stateless and thread-safe.
 */
public final class JsonText {
    private static final HexFormat HEX = HexFormat.of();

    private JsonText() {}

    /**
     * Appends a text as a JSON string literal, quotes included.
     *
     * @param out where to append
     * @param text the text, any characters
     * @return {@code out}
     */
    public static StringBuilder quote(StringBuilder out, CharSequence text) {
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
                        HEX.toHexDigits(out.append("\\u00"), (byte) c);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    /**
     * @param text the text, any characters
     * @return it as a JSON string literal, quotes included
     */
    public static String quote(CharSequence text) {
        return quote(new StringBuilder(text.length() + 8), text).toString();
    }
}
