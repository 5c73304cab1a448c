package dev.sluice.jdbc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.CorruptDataException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JSON text of the attribute and meta columns: byte-stable writing, strict reading. */
class JsonAttributesTest {
    /** Maps and the exact text that the store has always written for them (keys sorted, JsonText escaping). */
    private static final List<Map<String, String>> MAPS = List.of(
            Map.of(),
            Map.of("score", "0.91"),
            Map.of("seed", "42", "temperature", "0.7"),
            Map.of("model", "llama.cpp:tiny@sha256:ab", "seed", "7", "quote", "say \"hi\"\n\tback\\slash \u0001"),
            Map.of(
                    "ctl",
                    "\b\f\r\u0000\u001f\u007f",
                    "uni",
                    "\u00e9\u2028\u2029\uD83D\uDE00",
                    "html",
                    "<a href='x'>&amp;</a>="),
            Map.of("B", "upper", "a", "lower", "\u00e9", "accent", "", "empty key", "a b", "space"));

    private static final List<String> TEXTS = List.of(
            "{}",
            "{\"score\":\"0.91\"}",
            "{\"seed\":\"42\",\"temperature\":\"0.7\"}",
            "{\"model\":\"llama.cpp:tiny@sha256:ab\",\"quote\":\"say \\\"hi\\\"\\n\\tback\\\\slash \\u0001\","
                    + "\"seed\":\"7\"}",
            "{\"ctl\":\"\\u0008\\u000c\\r\\u0000\\u001f\u007f\",\"html\":\"<a href='x'>&amp;</a>=\","
                    + "\"uni\":\"\u00e9\u2028\u2029\ud83d\ude00\"}",
            "{\"\":\"empty key\",\"B\":\"upper\",\"a\":\"lower\",\"a b\":\"space\",\"\u00e9\":\"accent\"}");

    @Test
    void writesTheSameTextAsEverAndReadsItBack() {
        for (int i = 0; i < MAPS.size(); i++) {
            assertEquals(TEXTS.get(i), JsonAttributes.write(MAPS.get(i)), "map " + i);
            assertEquals(MAPS.get(i), JsonAttributes.read("t.c", TEXTS.get(i)), "map " + i);
        }
    }

    @Test
    void readsPostgresJsonbNormalisedText() {
        assertEquals(
                Map.of("seed", "42", "temperature", "0.7", "q", "a\bb\fc\u00e9"),
                JsonAttributes.read(
                        "t.c", " {\"q\": \"a\\bb\\fc\\u00E9\", \"seed\": \"42\",\n \"temperature\": \"0.7\"} "));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "[]",
                "\"text\"",
                "{",
                "{\"a\":\"b\"",
                "{\"a\":\"b\",}",
                "{'a':'b'}",
                "{a:\"b\"}",
                "{\"a\":1}",
                "{\"a\":true}",
                "{\"a\":null}",
                "{\"a\":{}}",
                "{\"a\":[\"b\"]}",
                "{\"a\":\"b\",\"a\":\"c\"}",
                "{\"a\":\"b\"} {}",
                "{\"a\":\"b\"}x",
                "{\"a\":\"\\x\"}",
                "{\"a\":\"\\u12\"}",
                "{\"a\":\"b\u0001\"}",
                "{\"a\":\"b\"} // comment"
            })
    void refusesAnythingButOneFlatObjectOfStringsNamingTheColumn(String text) {
        CorruptDataException e =
                assertThrows(CorruptDataException.class, () -> JsonAttributes.read("quality_eval.meta", text));
        assertTrue(e.getMessage().contains("quality_eval.meta"), e.getMessage());
    }

    @Test
    void refusesNull() {
        CorruptDataException e =
                assertThrows(CorruptDataException.class, () -> JsonAttributes.read("evidence_link.meta", null));
        assertTrue(e.getMessage().contains("evidence_link.meta"), e.getMessage());
    }
}
