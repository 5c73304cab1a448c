package dev.sluice.inference.llama.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.sluice.core.BadInputException;
import java.io.IOException;
import java.io.StringReader;

/**
 * Reads one JSON value (RFC 8259) with Gson's {@link JsonReader} in {@link Strictness#STRICT} mode, so that malformed
 * JSON never reaches native code that would abort on it. Refused: comments, unquoted or single-quoted names and
 * strings, {@code NaN} and infinities, leading zeros, trailing commas, unescaped control characters, unknown escapes,
 * text after the value, an empty text, a byte order mark, a name repeated within an object, and nesting deeper than
 * {@value #MAX_DEPTH}. Gson's own tree reader ({@code JsonParser}) silently keeps the last of repeated names, so the
 * tree is built here from the strict reader's tokens. Numbers become {@link Double} values, as the schema checks
 * compare them.
 *
 * <p>Cost: one pass over the text and a tree of Gson elements; recursion as deep as the nesting. Stateless and
 * thread-safe.
 */
public final class StrictJson {
    /** The deepest nesting accepted; the value itself is at depth 0. */
    static final int MAX_DEPTH = 64;
    /** Gson's advice on a syntax error, which is not ours to give: the text must be strict JSON. */
    private static final String GSON_LENIENCY_ADVICE =
            "Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON";

    private StrictJson() {}

    /**
     * @param text the text to read
     * @param what what it is, for the message
     * @return the value
     * @throws BadInputException naming the first problem and where it is
     */
    public static JsonElement parse(String text, String what) {
        if (text.startsWith("\uFEFF")) {
            throw invalid(what, "a byte order mark before the value");
        }
        JsonReader reader = new JsonReader(new StringReader(text));
        reader.setStrictness(Strictness.STRICT);
        JsonElement value;
        try {
            value = read(reader, 0, what);
        } catch (IOException e) {
            throw invalid(what, problem(e, "unexpected character"));
        }
        try {
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw invalid(what, "unexpected text after the JSON value at path " + reader.getPath());
            }
        } catch (IOException e) {
            throw invalid(what, problem(e, "unexpected text after the JSON value"));
        }
        return value;
    }

    private static JsonElement read(JsonReader reader, int depth, String what) throws IOException {
        if (depth > MAX_DEPTH) {
            throw invalid(what, "nested deeper than " + MAX_DEPTH + " at path " + reader.getPath());
        }
        JsonToken token = reader.peek();
        switch (token) {
            case BEGIN_OBJECT -> {
                JsonObject object = new JsonObject();
                reader.beginObject();
                while (reader.hasNext()) {
                    String name = reader.nextName();
                    if (object.has(name)) {
                        throw invalid(what, "duplicate member \"" + name + "\" at path " + reader.getPath());
                    }
                    object.add(name, read(reader, depth + 1, what));
                }
                reader.endObject();
                return object;
            }
            case BEGIN_ARRAY -> {
                JsonArray array = new JsonArray();
                reader.beginArray();
                while (reader.hasNext()) {
                    array.add(read(reader, depth + 1, what));
                }
                reader.endArray();
                return array;
            }
            case STRING -> {
                return new JsonPrimitive(reader.nextString());
            }
            case NUMBER -> {
                // the strict reader has checked the JSON number syntax, a subset of Java's
                return new JsonPrimitive(Double.valueOf(reader.nextString()));
            }
            case BOOLEAN -> {
                return new JsonPrimitive(reader.nextBoolean());
            }
            case NULL -> {
                reader.nextNull();
                return JsonNull.INSTANCE;
            }
            default -> throw invalid(what, "unexpected " + token + " at path " + reader.getPath());
        }
    }

    /** Gson's message for a syntax error: its first line, with its advice to be lenient replaced by {@code instead}. */
    private static String problem(IOException e, String instead) {
        String message = String.valueOf(e.getMessage());
        int end = message.indexOf('\n');
        if (end >= 0) {
            message = message.substring(0, end);
        }
        return message.replace(GSON_LENIENCY_ADVICE, instead);
    }

    private static BadInputException invalid(String what, String problem) {
        return new BadInputException(what + " is not valid JSON: " + problem);
    }
}
