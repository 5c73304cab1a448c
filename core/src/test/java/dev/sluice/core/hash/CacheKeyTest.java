package dev.sluice.core.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.BadInputException;
import dev.sluice.core.schema.Schemas;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Golden vectors pin the cache-key encoding: if one of these hex strings changes, every cached result and
 * journal in the field stops matching, so a change here must be deliberate (and bump the key-format version).
 * The expected values were computed independently of this code, from the layout in {@link CacheKey}'s javadoc,
 * with Python's hashlib.
 */
class CacheKeyTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void goldenKeysArePinned() {
        assertEquals(
                "c78f0b85ac88f741889b4321f527eb19115c01a765048bcc52eb30c492e9dc7f",
                CacheKey.of(new byte[0], "", Seed.of(0), List.of(), "").hex());
        assertEquals(
                "7a768083069b196845c8beeb511d25d8f76241080d54406f2a279a9ac6ffe3b8",
                CacheKey.of(
                                utf8("What is Sluice?"),
                                "llama.cpp:llama/tiny@sha256:00",
                                Seed.of(42),
                                List.of("calculator", "search"),
                                "node=1;flow=3;schema=1")
                        .hex());
        assertEquals(
                "d70c25fbab0b3217c50e833cae7606e1eaa24b992fbb98062a50580c215146d2",
                CacheKey.of(
                                Schemas.listOf(Schemas.string()),
                                List.of("a", "b"),
                                "onnxruntime:all-minilm-l6-v2",
                                Seed.of(-1),
                                List.of("t"),
                                "1")
                        .hex());
        assertEquals(
                "199db31626e523737e0fc4251df84f7e7e866380c67eb3e2403e19ea6731cd29",
                CacheKey.of(
                                new byte[] {0, 1, 2, (byte) 255},
                                "mod\u00e8le-\uD83D\uDE00",
                                Seed.of(Long.MIN_VALUE),
                                List.of("b", "a", "a"),
                                "v\u00e9")
                        .hex());
    }

    @Test
    void everyPartChangesTheKey() {
        CacheKey base = CacheKey.of(utf8("in"), "m", Seed.of(1), List.of("t"), "v");
        assertNotEquals(base, CacheKey.of(utf8("in!"), "m", Seed.of(1), List.of("t"), "v"));
        assertNotEquals(base, CacheKey.of(utf8("in"), "m2", Seed.of(1), List.of("t"), "v"));
        assertNotEquals(base, CacheKey.of(utf8("in"), "m", Seed.of(2), List.of("t"), "v"));
        assertNotEquals(base, CacheKey.of(utf8("in"), "m", Seed.of(1), List.of("t", "u"), "v"));
        assertNotEquals(base, CacheKey.of(utf8("in"), "m", Seed.of(1), List.of("t"), "v2"));
        assertEquals(base, CacheKey.of(utf8("in"), "m", Seed.of(1), List.of("t"), "v"));
    }

    @Test
    void partsDoNotBleedIntoEachOther() {
        assertNotEquals(
                CacheKey.of(utf8("ab"), "c", Seed.of(0), List.of(), ""),
                CacheKey.of(utf8("a"), "bc", Seed.of(0), List.of(), ""));
        assertNotEquals(
                CacheKey.of(new byte[0], "m", Seed.of(0), List.of("a,b"), ""),
                CacheKey.of(new byte[0], "m", Seed.of(0), List.of("a", "b"), ""));
        assertNotEquals(
                CacheKey.of(new byte[0], "x", Seed.of(0), List.of(), "y"),
                CacheKey.of(new byte[0], "", Seed.of(0), List.of("x"), "y"));
    }

    @Test
    void toolsAreASet() {
        CacheKey sorted = CacheKey.of(utf8("q"), "m", Seed.of(7), List.of("a", "b", "c"), "1");
        assertEquals(sorted, CacheKey.of(utf8("q"), "m", Seed.of(7), List.of("c", "a", "b"), "1"));
        assertEquals(sorted, CacheKey.of(utf8("q"), "m", Seed.of(7), List.of("b", "a", "c", "a"), "1"));
    }

    @Test
    void inputsInAnOffHeapBufferGiveTheSameKeyAsAnArray() {
        byte[] input = utf8("the same bytes, somewhere else");
        UnsafeBuffer offHeap = new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(input.length + 10));
        offHeap.putBytes(7, input);
        assertEquals(
                CacheKey.of(input, "m", Seed.of(3), List.of(), "1"),
                CacheKey.of(offHeap, 7, input.length, "m", Seed.of(3), List.of(), "1"));
    }

    @Test
    void roundTripsThroughHexAndBytes() {
        CacheKey key = CacheKey.of(utf8("x"), "m", Seed.of(3), List.of(), "1");
        assertEquals(key, CacheKey.fromHex(key.hex()));
        UnsafeBuffer buffer = new UnsafeBuffer(new byte[40]);
        key.writeTo(buffer, 8);
        assertEquals(key, CacheKey.readFrom(buffer, 8));
        assertTrue(Arrays.equals(key.toBytes(), Arrays.copyOfRange(buffer.byteArray(), 8, 40)));
        assertNotEquals(ContentHash.fromHex(key.hex()), (Object) key, "a content hash is never equal to a key");
    }

    @Test
    void rejectsMissingPartsAndMalformedHex() {
        assertThrows(BadInputException.class, () -> CacheKey.of(new byte[0], null, Seed.of(0), List.of(), ""));
        assertThrows(BadInputException.class, () -> CacheKey.of(new byte[0], "", Seed.of(0), List.of(), null));
        assertThrows(
                BadInputException.class,
                () -> CacheKey.of(new byte[0], "", Seed.of(0), java.util.Arrays.asList("a", null), ""));
        assertThrows(BadInputException.class, () -> CacheKey.fromHex("abc"));
        assertThrows(BadInputException.class, () -> CacheKey.fromHex("z".repeat(64)));
    }
}
