package dev.sluice.jdbc.internal;

import dev.sluice.core.CorruptDataException;
import dev.sluice.core.JsonText;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON of the stores' attribute and meta columns (and of span attributes that hold messages): one flat object of string values, keys sorted. Writes it,
 * and reads it back as written by us or normalised by PostgreSQL's JSONB (other spacing and key order).
 */
public final class Json {
    private Json() {
    }

    static String write(Map<String, String> fields) {
        StringBuilder json = new StringBuilder(16 + 32 * fields.size()).append('{');
        for (Map.Entry<String, String> field : new TreeMap<>(fields).entrySet()) {
            if (json.length() > 1) {
                json.append(',');
            }
            JsonText.quote(json, field.getKey()).append(':');
            JsonText.quote(json, field.getValue());
        }
        return json.append('}').toString();
    }

    static Map<String, String> read(String json) {
        Map<String, String> fields = new LinkedHashMap<>();
        int[] at = {skipSpace(json, 0)};
        expect(json, at, '{');
        if (peek(json, at) == '}') {
            at[0]++;
            return fields;
        }
        while (true) {
            String key = string(json, at);
            expect(json, at, ':');
            fields.put(key, string(json, at));
            char next = peek(json, at);
            at[0]++;
            if (next == '}') {
                return fields;
            }
            if (next != ',') {
                throw malformed(json, at[0] - 1, "',' or '}'");
            }
        }
    }

    private static String string(String json, int[] at) {
        expect(json, at, '"');
        StringBuilder text = new StringBuilder();
        for (int i = at[0]; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '"') {
                at[0] = i + 1;
                return text.toString();
            }
            if (c != '\\') {
                text.append(c);
                continue;
            }
            if (++i >= json.length()) {
                break;
            }
            char escaped = json.charAt(i);
            switch (escaped) {
                case 'n' -> text.append('\n');
                case 'r' -> text.append('\r');
                case 't' -> text.append('\t');
                case 'b' -> text.append('\b');
                case 'f' -> text.append('\f');
                case 'u' -> {
                    if (i + 4 >= json.length()) {
                        throw malformed(json, i, "four hex digits");
                    }
                    text.append((char) Integer.parseInt(json, i + 1, i + 5, 16));
                    i += 4;
                }
                default -> text.append(escaped);
            }
        }
        throw malformed(json, json.length(), "a closing quote");
    }

    private static void expect(String json, int[] at, char c) {
        if (peek(json, at) != c) {
            throw malformed(json, at[0], "'" + c + "'");
        }
        at[0] = skipSpace(json, at[0] + 1);
    }

    private static char peek(String json, int[] at) {
        at[0] = skipSpace(json, at[0]);
        return at[0] < json.length() ? json.charAt(at[0]) : '\0';
    }

    private static int skipSpace(String json, int at) {
        while (at < json.length() && Character.isWhitespace(json.charAt(at))) {
            at++;
        }
        return at;
    }

    private static CorruptDataException malformed(String json, int at, String expected) {
        return new CorruptDataException("stored attributes are not a flat JSON object of strings: expected "
                + expected + " at character " + at + " of " + (json.length() > 80 ? json.substring(0, 80) + "..."
                : json));
    }
}
