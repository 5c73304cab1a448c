package dev.sluice.inference.llama.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.sluice.core.BadInputException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Accepts only the JSON-schema features that llama.cpp's schema-to-grammar converter handles without failing,
 * because it reports a failure by throwing a C++ exception through JNI, which aborts the JVM. The subset: {@code
 * type} (object, array, string, integer, number, boolean, null, or a list of them), {@code properties},
 * {@code required}, {@code additionalProperties} (boolean), {@code items}, {@code minItems}, {@code maxItems},
 * {@code minLength}, {@code maxLength}, {@code enum}, {@code const}, {@code anyOf}, {@code oneOf}, and the
 * annotations {@code title}, {@code description}, {@code default}, {@code $schema}. References, patterns and formats
 * are refused with a message naming the keyword and where it is. The text is read by {@link StrictJson} first.
 * Stateless and thread-safe.
 */
public final class JsonSchemaSubset {
    private static final Set<String> TYPES =
            Set.of("object", "array", "string", "integer", "number", "boolean", "null");
    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "default", "$schema", "examples");

    private JsonSchemaSubset() {}

    /**
     * @param schemaText the schema
     * @throws BadInputException when it is not JSON or uses anything outside the subset
     */
    public static void check(String schemaText) {
        check(StrictJson.parse(schemaText, "the JSON schema"), "#");
    }

    private static void check(JsonElement schema, String path) {
        if (!(schema instanceof JsonObject node)) {
            throw refuse(path, "a schema must be a JSON object, not " + schema);
        }
        for (Map.Entry<String, JsonElement> e : node.entrySet()) {
            String key = e.getKey();
            JsonElement value = e.getValue();
            String at = path + "/" + key;
            switch (key) {
                case "type" -> {
                    List<JsonElement> types = value instanceof JsonArray list ? list.asList() : List.of(value);
                    if (types.isEmpty() || !types.stream().allMatch(JsonSchemaSubset::isType)) {
                        throw refuse(at, "type " + value + " is not one of " + TYPES);
                    }
                }
                case "properties" -> {
                    if (!(value instanceof JsonObject properties)) {
                        throw refuse(at, "properties must be an object");
                    }
                    for (Map.Entry<String, JsonElement> property : properties.entrySet()) {
                        check(property.getValue(), at + "/" + property.getKey());
                    }
                }
                case "required" -> {
                    JsonElement properties = node.get("properties");
                    if (!(value instanceof JsonArray names)
                            || !(properties instanceof JsonObject defined)
                            || !names.asList().stream().allMatch(n -> isString(n) && defined.has(n.getAsString()))) {
                        throw refuse(at, "required must list names defined in properties");
                    }
                }
                case "additionalProperties" -> {
                    if (!(value instanceof JsonPrimitive flag) || !flag.isBoolean()) {
                        throw refuse(at, "only true or false is supported");
                    }
                }
                case "items" -> check(value, at);
                case "anyOf", "oneOf" -> {
                    if (!(value instanceof JsonArray options) || options.isEmpty()) {
                        throw refuse(at, key + " must be a non-empty array of schemas");
                    }
                    for (int i = 0; i < options.size(); i++) {
                        check(options.get(i), at + "/" + i);
                    }
                }
                case "minItems", "maxItems", "minLength", "maxLength" -> {
                    if (!isCount(value)) {
                        throw refuse(at, key + " must be an integer from 0 to 10000");
                    }
                }
                case "enum" -> {
                    if (!(value instanceof JsonArray values) || values.isEmpty()) {
                        throw refuse(at, "enum must be a non-empty array");
                    }
                }
                case "const" -> {
                    // any JSON value
                }
                default -> {
                    if (!ANNOTATIONS.contains(key)) {
                        throw refuse(at, "keyword '" + key + "' is not supported");
                    }
                }
            }
        }
    }

    private static boolean isString(JsonElement element) {
        return element instanceof JsonPrimitive primitive && primitive.isString();
    }

    private static boolean isType(JsonElement element) {
        return isString(element) && TYPES.contains(element.getAsString());
    }

    /** Whether a value is an integer from 0 to 10000 (written as a JSON number, with or without a fraction part). */
    private static boolean isCount(JsonElement element) {
        if (!(element instanceof JsonPrimitive primitive) || !primitive.isNumber()) {
            return false;
        }
        double n = primitive.getAsDouble();
        return n >= 0 && n <= 10_000 && n == Math.floor(n);
    }

    private static BadInputException refuse(String path, String problem) {
        return new BadInputException("JSON schema at " + path + ": " + problem + " (supported: type, properties, "
                + "required, additionalProperties, items, min/maxItems, min/maxLength, enum, const, anyOf, oneOf)");
    }
}
