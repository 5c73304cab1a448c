package dev.sluice.inference.llama.internal;

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
 * are refused with a message naming the keyword and where it is.
 */
public final class JsonSchemaSubset {
    private static final Set<String> TYPES = Set.of("object", "array", "string", "integer", "number", "boolean",
            "null");
    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "default", "$schema",
            "examples");

    private JsonSchemaSubset() {
    }

    /**
     * @param schemaText the schema
     * @throws BadInputException when it is not JSON or uses anything outside the subset
     */
    public static void check(String schemaText) {
        check(JsonParser.parse(schemaText, "the JSON schema"), "#");
    }

    private static void check(Object schema, String path) {
        if (!(schema instanceof Map<?, ?> node)) {
            throw refuse(path, "a schema must be a JSON object, not " + schema);
        }
        for (Map.Entry<?, ?> e : node.entrySet()) {
            String key = (String) e.getKey();
            Object value = e.getValue();
            String at = path + "/" + key;
            switch (key) {
                case "type" -> {
                    List<?> types = value instanceof List<?> list ? list : List.of(value);
                    if (types.isEmpty() || !types.stream().allMatch(TYPES::contains)) {
                        throw refuse(at, "type " + value + " is not one of " + TYPES);
                    }
                }
                case "properties" -> {
                    if (!(value instanceof Map<?, ?> properties)) {
                        throw refuse(at, "properties must be an object");
                    }
                    properties.forEach((name, sub) -> check(sub, at + "/" + name));
                }
                case "required" -> {
                    Object properties = node.get("properties");
                    if (!(value instanceof List<?> names) || !(properties instanceof Map<?, ?> defined)
                            || !names.stream().allMatch(defined::containsKey)) {
                        throw refuse(at, "required must list names defined in properties");
                    }
                }
                case "additionalProperties" -> {
                    if (!(value instanceof Boolean)) {
                        throw refuse(at, "only true or false is supported");
                    }
                }
                case "items" -> check(value, at);
                case "anyOf", "oneOf" -> {
                    if (!(value instanceof List<?> options) || options.isEmpty()) {
                        throw refuse(at, key + " must be a non-empty array of schemas");
                    }
                    for (int i = 0; i < options.size(); i++) {
                        check(options.get(i), at + "/" + i);
                    }
                }
                case "minItems", "maxItems", "minLength", "maxLength" -> {
                    if (!(value instanceof Double n) || n < 0 || n > 10_000 || n != Math.floor(n)) {
                        throw refuse(at, key + " must be an integer from 0 to 10000");
                    }
                }
                case "enum" -> {
                    if (!(value instanceof List<?> values) || values.isEmpty()) {
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

    private static BadInputException refuse(String path, String problem) {
        return new BadInputException("JSON schema at " + path + ": " + problem + " (supported: type, properties, "
                + "required, additionalProperties, items, min/maxItems, min/maxLength, enum, const, anyOf, oneOf)");
    }
}
