package dev.sluice.examples.cli;

import java.util.HexFormat;

/**
 * Text from files (GGUF metadata, passages, stored evidence, a model's output) made safe to print on a terminal:
 * every control character (C0, DEL and C1, where ESC and CSI start the sequences that move the cursor, recolour,
 * retitle the window or worse) and every character that reorders or breaks the displayed text (bidirectional
 * overrides and isolates, the line and paragraph separators) is written as a JSON-style {@code \}{@code uXXXX}
 * escape. Everything else, backslashes included, is left as it is, so that ordinary text prints unchanged and a JSON
 * document stays valid JSON with the same value (these characters can only occur inside its strings).
 *
 * <p>Stateless and thread-safe.
 */
final class TerminalText {
    private static final HexFormat HEX = HexFormat.of();

    private TerminalText() {}

    /**
     * @param text any text, or {@code null}
     * @return it for one line of output: newlines and tabs escaped too ({@code "null"} for {@code null})
     */
    static String line(CharSequence text) {
        return escape(text, false);
    }

    /**
     * @param text any text, or {@code null}
     * @return it for output of several lines: newlines and tabs kept, every other unsafe character escaped
     *     ({@code "null"} for {@code null})
     */
    static String text(CharSequence text) {
        return escape(text, true);
    }

    /**
     * @param c a character
     * @return whether printing it raw could change what the terminal does or shows beyond the character itself
     */
    static boolean unsafe(char c) {
        return Character.getType(c) == Character.CONTROL // C0, DEL, C1
                || c == '\u061c' // Arabic letter mark
                || c == '\u200e'
                || c == '\u200f' // left-to-right and right-to-left marks
                || (c >= '\u202a' && c <= '\u202e') // embeddings and overrides
                || (c >= '\u2066' && c <= '\u2069') // isolates
                || c == '\u2028'
                || c == '\u2029'; // line and paragraph separators
    }

    private static String escape(CharSequence text, boolean keepLayout) {
        if (text == null) {
            return "null";
        }
        int length = text.length();
        int first = 0;
        while (first < length && !needsEscape(text.charAt(first), keepLayout)) {
            first++;
        }
        if (first == length) {
            return text.toString();
        }
        StringBuilder out = new StringBuilder(length + 16).append(text, 0, first);
        for (int i = first; i < length; i++) {
            char c = text.charAt(i);
            if (needsEscape(c, keepLayout)) {
                out.append("\\u").append(HEX.toHexDigits(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean needsEscape(char c, boolean keepLayout) {
        return unsafe(c) && !(keepLayout && (c == '\n' || c == '\t'));
    }
}
