package dev.sluice.inference.llama.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.sluice.core.BadInputException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Strict JSON through Gson: what RFC 8259 allows is read, everything else is a {@link BadInputException}. */
class StrictJsonTest {
    private static BadInputException refused(String text) {
        BadInputException e = assertThrows(
                BadInputException.class, () -> StrictJson.parse(text, "the text"), () -> "accepted: " + text);
        assertTrue(e.getMessage().startsWith("the text is not valid JSON: "), e.getMessage());
        assertFalse(e.getMessage().contains("LENIENT"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e;
    }

    @Test
    void readsObjectsArraysStringsNumbersAndLiteralsInOrder() {
        JsonElement value = StrictJson.parse(
                " \t\r\n{\"b\": [1, -0.5e2, 1E+2, 0, -0], \"a\": \"x\\n\\u00e9\\/\\\"\","
                        + " \"t\": true, \"f\": false, \"n\": null, \"o\": {}, \"e\": []}\n",
                "the text");
        JsonObject object = value.getAsJsonObject();
        assertEquals(List.of("b", "a", "t", "f", "n", "o", "e"), List.copyOf(object.keySet()));
        JsonArray numbers = object.getAsJsonArray("b");
        assertEquals(1.0, numbers.get(0).getAsDouble());
        assertEquals(-50.0, numbers.get(1).getAsDouble());
        assertEquals(100.0, numbers.get(2).getAsDouble());
        assertEquals(0.0, numbers.get(3).getAsDouble());
        assertEquals(-0.0, numbers.get(4).getAsDouble());
        assertEquals("x\n\u00e9/\"", object.get("a").getAsString());
        assertTrue(object.get("t").getAsBoolean());
        assertFalse(object.get("f").getAsBoolean());
        assertTrue(object.get("n").isJsonNull());
        assertEquals(0, object.getAsJsonObject("o").size());
        assertEquals(0, object.getAsJsonArray("e").size());
    }

    @Test
    void readsAScalarAtTheTopAndNumbersBeyondDoubleAsInfinity() {
        assertEquals("x", StrictJson.parse("\"x\"", "the text").getAsString());
        assertEquals(3.0, StrictJson.parse("3", "the text").getAsDouble());
        assertTrue(StrictJson.parse("null", "the text").isJsonNull());
        assertEquals(
                Double.POSITIVE_INFINITY, StrictJson.parse("1e400", "the text").getAsDouble());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                // text after the value
                "{} x",
                "{}{}",
                "[1]]",
                "1 2",
                "{} // comment",
                // comments
                "// comment\n{}",
                "{/* comment */}",
                "# comment\n{}",
                // unquoted or single-quoted names and strings
                "{a:1}",
                "{'a':1}",
                "{\"a\":'b'}",
                "{\"a\":abc}",
                // NaN and infinities
                "{\"a\":NaN}",
                "NaN",
                "Infinity",
                "-Infinity",
                // numbers outside the grammar
                "01",
                "{\"a\":-01}",
                "1.",
                ".5",
                "1e",
                "+1",
                "-",
                "0x10",
                // separators only lenient parsers take
                "[1,]",
                "{\"a\":1,}",
                "[1 2]",
                "{\"a\" 1}",
                "{\"a\"=1}",
                "{\"a\"=>1}",
                "{\"a\":1;\"b\":2}",
                "[1;2]",
                "[,1]",
                // strings
                "\"a\u0001b\"",
                "\"\\x\"",
                "\"\\u12\"",
                "\"\\'\"",
                "\"abc",
                // literals and ends
                "tru",
                "nul",
                "True",
                "[1",
                "{\"a\":1",
                "{\"a\":",
                "",
                "   ",
                "\uFEFF{}"
            })
    void refusesWhatIsNotStrictJson(String text) {
        refused(text);
    }

    @Test
    void saysWhatIsWrong() {
        assertTrue(refused("{} x").getMessage().contains("unexpected text after the JSON value"));
        assertTrue(refused("{a:1}").getMessage().contains("unexpected character at line 1 column 3"));
        assertTrue(refused("\uFEFF{}").getMessage().contains("byte order mark"));
        assertTrue(refused("").getMessage().contains("End of input"));
    }

    @Test
    void refusesARepeatedNameAtAnyDepth() {
        assertTrue(refused("{\"a\":1,\"a\":2}").getMessage().contains("duplicate member \"a\""));
        assertTrue(
                refused("[{\"x\":{\"b\":[],\"c\":0,\"b\":null}}]").getMessage().contains("duplicate member \"b\""));
        assertEquals(
                2,
                StrictJson.parse("{\"a\":{\"a\":1},\"b\":{\"a\":2}}", "the text")
                        .getAsJsonObject()
                        .size());
    }

    @Test
    void refusesNestingDeeperThanTheLimit() {
        int limit = StrictJson.MAX_DEPTH;
        String deepest = "[".repeat(limit) + "1" + "]".repeat(limit);
        JsonElement value = StrictJson.parse(deepest, "the text");
        for (int i = 0; i < limit; i++) {
            value = value.getAsJsonArray().get(0);
        }
        assertEquals(1.0, value.getAsDouble());
        String tooDeep = "[".repeat(limit + 1) + "1" + "]".repeat(limit + 1);
        assertTrue(refused(tooDeep).getMessage().contains("nested deeper than " + limit));
        String objects = "{\"a\":".repeat(limit + 1) + "1" + "}".repeat(limit + 1);
        assertTrue(refused(objects).getMessage().contains("nested deeper than " + limit));
    }
}
