package dev.sluice.jdbc.internal;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.sluice.core.CorruptDataException;
import dev.sluice.core.JsonText;
import java.io.IOException;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON text of the evidence store's attribute and meta columns: one flat object of string values.
 *
 * <p>Writes it keys sorted (by {@link String#compareTo}), without spaces, each string escaped by core's
 * {@link JsonText}: the same map always gives the same text, and that text must not change, since existing stores
 * hold it. Gson's writer escapes {@code \b}, {@code \f}, U+2028 and U+2029 differently, so it does not write here.
 *
 * <p>Reads with Gson's {@link JsonReader} in {@link Strictness#STRICT} mode: the text as written here or as
 * normalised by PostgreSQL's JSONB (other spacing and key order). Anything else (malformed JSON, a value that is
 * not a string, a repeated key, text after the object) is refused with a {@link CorruptDataException} naming the
 * column. Stateless and thread-safe.
 */
final class JsonAttributes {
    /** The longest excerpt of a refused text that a message quotes, in characters. */
    private static final int EXCERPT_CHARS = 80;

    /** How Gson's messages about malformed JSON begin; the rest says what and where. */
    private static final String LENIENT_ADVICE = "Use JsonReader.setStrictness(Strictness.LENIENT) to accept ";

    private JsonAttributes() {}

    /**
     * @param fields the attributes, none null
     * @return their JSON text, keys sorted
     */
    static String write(Map<String, String> fields) {
        StringBuilder json = new StringBuilder().append('{');
        for (Map.Entry<String, String> field : new TreeMap<>(fields).entrySet()) {
            if (json.length() > 1) {
                json.append(',');
            }
            JsonText.quote(json, field.getKey()).append(':');
            JsonText.quote(json, field.getValue());
        }
        return json.append('}').toString();
    }

    /**
     * @param column the column the text comes from ({@code table.column}), for messages
     * @param json the stored text
     * @return the attributes, in the text's order
     * @throws CorruptDataException if the text is not one flat JSON object of string values
     */
    static Map<String, String> read(String column, String json) {
        if (json == null) {
            throw new CorruptDataException("the stored " + column + " is NULL, not a flat JSON object of strings");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        try (JsonReader reader = new JsonReader(new StringReader(json))) {
            reader.setStrictness(Strictness.STRICT);
            reader.beginObject();
            while (reader.hasNext()) {
                String key = reader.nextName();
                if (reader.peek() != JsonToken.STRING) {
                    throw corrupt(
                            column,
                            json,
                            "the value of \"" + key + "\" is a " + reader.peek() + " at " + reader.getPath(),
                            null);
                }
                if (fields.put(key, reader.nextString()) != null) {
                    throw corrupt(column, json, "the key \"" + key + "\" appears twice", null);
                }
            }
            reader.endObject();
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw corrupt(column, json, "text follows the object at " + reader.getPath(), null);
            }
        } catch (IOException | IllegalStateException e) {
            throw corrupt(column, json, gsonProblem(e), e);
        }
        return fields;
    }

    /** @return the first line of Gson's message, without its advice to read leniently (which we must not) */
    private static String gsonProblem(Exception e) {
        String message = String.valueOf(e.getMessage());
        int lineEnd = message.indexOf('\n');
        return (lineEnd < 0 ? message : message.substring(0, lineEnd)).replace(LENIENT_ADVICE, "");
    }

    private static CorruptDataException corrupt(String column, String json, String problem, Exception cause) {
        String excerpt = json.length() > EXCERPT_CHARS ? json.substring(0, EXCERPT_CHARS) + "..." : json;
        return new CorruptDataException(
                "the stored " + column + " is not a flat JSON object of strings (" + problem + "): "
                        + JsonText.quote(excerpt),
                cause);
    }
}
