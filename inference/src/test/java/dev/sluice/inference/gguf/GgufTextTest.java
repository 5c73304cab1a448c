package dev.sluice.inference.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.CorruptDataException;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Text from a model file reaches messages only escaped: no terminal escape sequence passes through. */
class GgufTextTest {
    private static final String CLEAR_SCREEN = "\u001b[2J\u001b[31m";

    private static boolean printable(String message) {
        return message.chars().noneMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT);
    }

    @Test
    void escapesControlFormatAndSeparatorCharactersAndBackslashes() {
        assertEquals("plain name", GgufText.printable("plain name"));
        assertEquals("\\u001b[2J\\u001b[31m", GgufText.printable(CLEAR_SCREEN));
        assertEquals("a\\u009b31mb", GgufText.printable("a\u009b31mb")); // C1 CSI
        assertEquals("evil\\u202etxt.exe", GgufText.printable("evil\u202etxt.exe")); // right-to-left override
        assertEquals("line\\u000anext\\u2028", GgufText.printable("line\nnext\u2028"));
        assertEquals("back\\\\u001b", GgufText.printable("back\\u001b")); // not mistaken for an escape
        assertEquals("\\ud800x", GgufText.printable("\ud800x")); // unpaired surrogate
        assertEquals("日本 é 🦙", GgufText.printable("日本 é 🦙"));
        assertEquals("null", GgufText.printable(null));
        String longText = "x".repeat(GgufText.MAX_QUOTED_CHARS + 50);
        assertEquals("x".repeat(GgufText.MAX_QUOTED_CHARS) + "...(50 more chars)", GgufText.printable(longText));
    }

    @Test
    void theArchitectureIsQuotedEscaped() {
        RawGguf g = RawGguf.validLlama();
        g.metadata.removeFirst();
        g.string("general.architecture", "llama" + CLEAR_SCREEN);
        CorruptDataException e = assertThrows(
                CorruptDataException.class, () -> GgufFile.parse(MemorySegment.ofArray(g.build()), "evil.gguf"));
        assertTrue(
                e.getMessage().contains("'llama\\u001b[2J\\u001b[31m', which is not on the allow-list"),
                e.getMessage());
        assertTrue(printable(e.getMessage()), e.getMessage());
    }

    @Test
    void keysTensorNamesAndTokensAreQuotedEscaped() {
        String[] messages = {
            message(CraftedGguf.tinyLlama().u32("general.alignment", 32).kv("x" + CLEAR_SCREEN, 13, RawGguf.le(0))),
            message(CraftedGguf.tinyLlama().tensor("evil" + CLEAR_SCREEN, CraftedGguf.F32, 16)),
            message(CraftedGguf.tinyLlama().string("llama.rope.scaling.type", "yarn" + CLEAR_SCREEN)),
            message(CraftedGguf.tinyLlama().string("tokenizer.ggml.model", CLEAR_SCREEN)),
        };
        for (String message : messages) {
            assertTrue(message.contains("\\u001b[2J"), message);
            assertTrue(printable(message), message);
        }
        java.util.List<String> tokens = CraftedGguf.tinyLlama().tokens();
        tokens.set(300, CLEAR_SCREEN);
        tokens.set(301, CLEAR_SCREEN);
        String duplicate = message(CraftedGguf.tinyLlama().strings("tokenizer.ggml.tokens", tokens));
        assertTrue(duplicate.contains("'\\u001b[2J\\u001b[31m' twice"), duplicate);
        assertTrue(printable(duplicate), duplicate);
    }

    @Test
    void theNameIsPrintedEscaped() {
        GgufFile gguf = GgufFile.parse(
                MemorySegment.ofArray(CraftedGguf.tinyLlama()
                        .string("general.name", "tiny" + CLEAR_SCREEN + "\u202e")
                        .bytes()),
                "named.gguf");
        assertEquals("tiny" + CLEAR_SCREEN + "\u202e", gguf.name()); // the value itself is the file's
        assertTrue(gguf.toString().contains("'tiny\\u001b[2J\\u001b[31m\\u202e'"), gguf.toString());
        assertTrue(printable(gguf.toString()), gguf.toString());
        assertFalse(gguf.toJson().contains("\u001b"), "JSON escapes control characters");
    }

    private static String message(CraftedGguf g) {
        return assertThrows(
                        CorruptDataException.class,
                        () -> GgufFile.parse(MemorySegment.ofArray(g.bytes()), "evil.gguf")
                                .requireLoadable())
                .getMessage();
    }
}
