package dev.sluice.inference.llama.internal;

import dev.sluice.core.BadInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses one JSON value (RFC 8259) strictly, so malformed JSON never reaches native code that would abort on it.
 * Objects become {@link LinkedHashMap}s, arrays {@link ArrayList}s, numbers {@link Double}s. Cost: one pass. Each
 * call uses its own parser; thread-safe.
 */
public final class JsonParser {
    private static final int MAX_DEPTH = 64;
    private final String text;
    private int at;

    private JsonParser(String text) {
        this.text = text;
    }

    /**
     * @param text the text to check
     * @param what what it is, for the message
     * @return the value
     * @throws BadInputException naming the offset of the first error
     */
    public static Object parse(String text, String what) {
        JsonParser parser = new JsonParser(text);
        Object value = parser.value(0, what);
        parser.skipSpace();
        if (parser.at != text.length()) {
            throw parser.error(what, "unexpected text after the JSON value");
        }
        return value;
    }

    private Object value(int depth, String what) {
        if (depth > MAX_DEPTH) {
            throw error(what, "nested deeper than " + MAX_DEPTH);
        }
        skipSpace();
        if (at >= text.length()) {
            throw error(what, "unexpected end");
        }
        char c = text.charAt(at);
        return switch (c) {
            case '{' -> members(depth, what, '}', new LinkedHashMap<String, Object>(), null);
            case '[' -> members(depth, what, ']', null, new ArrayList<>());
            case '"' -> string(what);
            case 't' -> literal("true", Boolean.TRUE, what);
            case 'f' -> literal("false", Boolean.FALSE, what);
            case 'n' -> literal("null", NULL, what);
            default -> number(what);
        };
    }

    /** The JSON {@code null}. */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private Object members(int depth, String what, char close, Map<String, Object> object, List<Object> array) {
        at++;
        skipSpace();
        if (at < text.length() && text.charAt(at) == close) {
            at++;
            return object != null ? object : array;
        }
        while (true) {
            String name = null;
            if (object != null) {
                skipSpace();
                if (at >= text.length() || text.charAt(at) != '"') {
                    throw error(what, "expected a member name");
                }
                name = string(what);
                skipSpace();
                expect(':', what);
            }
            Object element = value(depth + 1, what);
            if (object != null) {
                if (object.putIfAbsent(name, element) != null) {
                    throw error(what, "duplicate member \"" + name + "\"");
                }
            } else {
                array.add(element);
            }
            skipSpace();
            if (at < text.length() && text.charAt(at) == ',') {
                at++;
                continue;
            }
            expect(close, what);
            return object != null ? object : array;
        }
    }

    private String string(String what) {
        int start = ++at;
        boolean escaped = false;
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == '"') {
                String raw = text.substring(start, at - 1);
                return escaped ? unescape(raw) : raw;
            }
            if (c < 0x20) {
                throw error(what, "control character in a string");
            }
            if (c == '\\') {
                escaped = true;
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

    private static String unescape(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = raw.charAt(++i);
            switch (e) {
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    out.append((char) Integer.parseInt(raw.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(e);
            }
        }
        return out.toString();
    }

    private Double number(String what) {
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
        return Double.valueOf(text.substring(start, at));
    }

    private int digits() {
        int start = at;
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
            at++;
        }
        return at - start;
    }

    private Object literal(String word, Object value, String what) {
        if (!text.startsWith(word, at)) {
            throw error(what, "unexpected character");
        }
        at += word.length();
        return value;
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
