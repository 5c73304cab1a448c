package dev.sluice.inference.llama.internal;

import dev.sluice.core.BadInputException;

/**
 * Checks that text is one well-formed JSON value (RFC 8259), so malformed JSON never reaches native code that
 * would abort on it. Cost: one pass, no allocation but the error message. Thread-safe (stateless per call).
 */
public final class JsonSyntax {
    private static final int MAX_DEPTH = 64;
    private final String text;
    private int at;

    private JsonSyntax(String text) {
        this.text = text;
    }

    /**
     * @param text the text to check
     * @param what what it is, for the message
     * @throws BadInputException naming the offset of the first error
     */
    public static void check(String text, String what) {
        JsonSyntax parser = new JsonSyntax(text);
        parser.value(0, what);
        parser.skipSpace();
        if (parser.at != text.length()) {
            throw parser.error(what, "unexpected text after the JSON value");
        }
    }

    private void value(int depth, String what) {
        if (depth > MAX_DEPTH) {
            throw error(what, "nested deeper than " + MAX_DEPTH);
        }
        skipSpace();
        if (at >= text.length()) {
            throw error(what, "unexpected end");
        }
        char c = text.charAt(at);
        switch (c) {
            case '{' -> members(depth, what, '}', true);
            case '[' -> members(depth, what, ']', false);
            case '"' -> string(what);
            case 't' -> literal("true", what);
            case 'f' -> literal("false", what);
            case 'n' -> literal("null", what);
            default -> number(what);
        }
    }

    private void members(int depth, String what, char close, boolean object) {
        at++;
        skipSpace();
        if (at < text.length() && text.charAt(at) == close) {
            at++;
            return;
        }
        while (true) {
            if (object) {
                skipSpace();
                if (at >= text.length() || text.charAt(at) != '"') {
                    throw error(what, "expected a member name");
                }
                string(what);
                skipSpace();
                expect(':', what);
            }
            value(depth + 1, what);
            skipSpace();
            if (at < text.length() && text.charAt(at) == ',') {
                at++;
                continue;
            }
            expect(close, what);
            return;
        }
    }

    private void string(String what) {
        at++;
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == '"') {
                return;
            }
            if (c < 0x20) {
                throw error(what, "control character in a string");
            }
            if (c == '\\') {
                if (at >= text.length()) {
                    break;
                }
                char e = text.charAt(at++);
                if (e == 'u') {
                    if (at + 4 > text.length()
                            || !text.substring(at, at + 4).chars().allMatch(h -> Character.digit(h, 16) >= 0)) {
                        throw error(what, "bad \\u escape");
                    }
                    at += 4;
                } else if ("\"\\/bfnrt".indexOf(e) < 0) {
                    throw error(what, "bad escape \\" + e);
                }
            }
        }
        throw error(what, "unterminated string");
    }

    private void number(String what) {
        int start = at;
        if (at < text.length() && text.charAt(at) == '-') {
            at++;
        }
        int digits = digits();
        if (digits == 0 || (digits > 1 && text.charAt(at - digits) == '0')) {
            at = start;
            throw error(what, "unexpected character");
        }
        if (at < text.length() && text.charAt(at) == '.') {
            at++;
            if (digits() == 0) {
                throw error(what, "digits expected after '.'");
            }
        }
        if (at < text.length() && (text.charAt(at) == 'e' || text.charAt(at) == 'E')) {
            at++;
            if (at < text.length() && (text.charAt(at) == '+' || text.charAt(at) == '-')) {
                at++;
            }
            if (digits() == 0) {
                throw error(what, "digits expected in the exponent");
            }
        }
    }

    private int digits() {
        int start = at;
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
            at++;
        }
        return at - start;
    }

    private void literal(String word, String what) {
        if (!text.startsWith(word, at)) {
            throw error(what, "unexpected character");
        }
        at += word.length();
    }

    private void expect(char c, String what) {
        if (at >= text.length() || text.charAt(at) != c) {
            throw error(what, "expected '" + c + "'");
        }
        at++;
    }

    private void skipSpace() {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
    }

    private BadInputException error(String what, String problem) {
        return new BadInputException(what + " is not valid JSON at character " + at + ": " + problem);
    }
}
