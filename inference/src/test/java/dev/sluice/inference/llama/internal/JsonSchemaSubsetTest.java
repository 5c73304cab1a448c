package dev.sluice.inference.llama.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.BadInputException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The JSON-schema subset that llama.cpp's converter handles, checked in Java before the schema reaches it. */
class JsonSchemaSubsetTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"type\":\"object\",\"properties\":{\"ok\":{\"type\":\"boolean\"}},\"required\":[\"ok\"]}",
                "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"title\":\"t\",\"description\":\"d\","
                        + "\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
                        + "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":40},"
                        + "\"minItems\":0,\"maxItems\":10000},"
                        + "\"kind\":{\"enum\":[\"a\",\"b\",null,1]},"
                        + "\"fixed\":{\"const\":{\"any\":[\"json\"]}},"
                        + "\"either\":{\"anyOf\":[{\"type\":\"integer\"},{\"type\":[\"string\",\"null\"]}]},"
                        + "\"one\":{\"oneOf\":[{\"type\":\"number\",\"default\":2.5,\"examples\":[1]}]},"
                        + "\"count\":{\"type\":\"integer\",\"minLength\":2.0}},\"required\":[\"tags\",\"kind\"]}",
                "{}"
            })
    void acceptsTheSubset(String schema) {
        assertDoesNotThrow(() -> JsonSchemaSubset.check(schema));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "{\"$ref\":\"#/nope\"}                                  | JSON schema at #/$ref: keyword '$ref' is not supported",
                "{\"type\":\"frobnicate\"}                              | JSON schema at #/type: type",
                "\"x\"                                                  | JSON schema at #: a schema must be a JSON object",
                "{\"type\":\"string\",\"pattern\":\"((\"}               | keyword 'pattern' is not supported",
                "{\"properties\":{\"a\":{\"$ref\":\"http://x\"}}}       | JSON schema at #/properties/a/$ref",
                "{\"type\":[]}                                          | JSON schema at #/type",
                "{\"type\":[\"string\",1]}                              | JSON schema at #/type",
                "{\"type\":null}                                        | JSON schema at #/type",
                "{\"required\":[\"a\"]}                                 | required must list names defined in properties",
                "{\"properties\":{\"a\":{}},\"required\":[\"b\"]}       | required must list names defined in properties",
                "{\"properties\":{\"1\":{}},\"required\":[1]}           | required must list names defined in properties",
                "{\"properties\":[]}                                    | properties must be an object",
                "{\"additionalProperties\":{}}                          | only true or false is supported",
                "{\"additionalProperties\":\"false\"}                   | only true or false is supported",
                "{\"items\":\"x\"}                                      | JSON schema at #/items: a schema must be a JSON object",
                "{\"anyOf\":[]}                                         | anyOf must be a non-empty array of schemas",
                "{\"oneOf\":[{\"type\":\"string\"},{\"format\":\"x\"}]} | JSON schema at #/oneOf/1/format",
                "{\"minItems\":-1}                                      | minItems must be an integer from 0 to 10000",
                "{\"maxItems\":10001}                                   | maxItems must be an integer from 0 to 10000",
                "{\"minLength\":1.5}                                    | minLength must be an integer from 0 to 10000",
                "{\"maxLength\":\"3\"}                                  | maxLength must be an integer from 0 to 10000",
                "{\"maxLength\":1e400}                                  | maxLength must be an integer from 0 to 10000",
                "{\"enum\":[]}                                          | enum must be a non-empty array",
                "{\"enum\":\"a\"}                                       | enum must be a non-empty array",
                "{bad json                                              | the JSON schema is not valid JSON",
                "{\"type\":\"string\"} trailing                         | the JSON schema is not valid JSON",
                "{\"type\":\"string\"} // comment                       | the JSON schema is not valid JSON",
                "{type:\"string\"}                                      | the JSON schema is not valid JSON",
                "{\"const\":NaN}                                        | the JSON schema is not valid JSON",
                "{\"type\":\"string\",\"type\":\"integer\"}             | the JSON schema is not valid JSON"
            })
    void refusesWhatIsOutsideTheSubsetOrNotJson(String schema, String expected) {
        BadInputException e = assertThrows(BadInputException.class, () -> JsonSchemaSubset.check(schema));
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' lacks '" + expected + "'");
    }
}
