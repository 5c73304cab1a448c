package dev.sluice.core.schema;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.BadInputException;
import dev.sluice.core.CorruptDataException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class SchemaTest {
    record Pair(String first, String second) {}

    record Node(String label, List<Node> children) {}

    @SchemaVersion(3)
    record Versioned(int value) {}

    record Unsupported(java.util.Date when) {}

    record WithNullable(String text) {}

    record Validated(int positive) {
        Validated {
            if (positive <= 0) {
                throw new IllegalArgumentException("must be positive");
            }
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    @Test
    void pinsTheByteLayoutOfEveryScalar() {
        assertEquals("0101", hex(Schemas.bool().encode(true)));
        assertEquals("02ffffffff", hex(Schemas.int32().encode(-1)));
        assertEquals("030000000000000100", hex(Schemas.int64().encode(256L)));
        assertEquals("043f800000", hex(Schemas.float32().encode(1.0f)));
        assertEquals("053ff0000000000000", hex(Schemas.float64().encode(1.0)));
        assertEquals("060000000568c3a96c6c", hex(Schemas.string().encode("h\u00e9ll")));
        assertEquals("0700000002ff00", hex(Schemas.bytes().encode(new byte[] {-1, 0})));
        assertEquals("0800000001bf800000", hex(Schemas.floatVector().encode(new float[] {-1f})));
        assertEquals("0b00", hex(Schemas.optionalOf(Schemas.int32()).encode(Optional.empty())));
        assertEquals(
                "0c00000003524544",
                hex(Schemas.enumOf(RandomValues.Colour.class).encode(RandomValues.Colour.RED)));
    }

    @Test
    void decodesEveryUnicodePlaneFromHeapAndOffHeapBuffers() {
        String text = "a\u00e9\u20ac\uD83D\uDE00\u0000\uFFFD\uD7FF\uE000";
        byte[] bytes = Schemas.string().encode(text);
        assertEquals(text, Schemas.string().decode(bytes));
        UnsafeBuffer offHeap = new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(bytes.length));
        offHeap.putBytes(0, bytes);
        assertEquals(text, Schemas.string().decode(offHeap, 0, bytes.length));
    }

    @Test
    void lengthPrefixesKeepConcatenationsApart() {
        Schema<Pair> pair = Schemas.recordOf(Pair.class);
        assertFalse(Arrays.equals(pair.encode(new Pair("ab", "c")), pair.encode(new Pair("a", "bc"))));
        Schema<List<String>> list = Schemas.listOf(Schemas.string());
        assertFalse(Arrays.equals(list.encode(List.of("ab", "c")), list.encode(List.of("a", "bc"))));
        assertFalse(Arrays.equals(list.encode(List.of("")), list.encode(List.of())));
    }

    @Test
    void negativeZeroIsDistinctAndEveryNanIsOne() {
        assertFalse(
                Arrays.equals(Schemas.float32().encode(0.0f), Schemas.float32().encode(-0.0f)));
        assertEquals(-0.0f, Schemas.float32().decode(Schemas.float32().encode(-0.0f)));
        float otherNan = Float.intBitsToFloat(0x7fc0_1234);
        assertArrayEquals(Schemas.float32().encode(Float.NaN), Schemas.float32().encode(otherNan));
        assertArrayEquals(
                Schemas.float64().encode(Double.NaN),
                Schemas.float64().encode(Double.longBitsToDouble(0xfff8_0000_0000_0001L)));
        assertArrayEquals(
                Schemas.floatVector().encode(new float[] {Float.NaN}),
                Schemas.floatVector().encode(new float[] {otherNan}));
    }

    @Test
    void mapEncodingDoesNotDependOnIterationOrder() {
        Map<String, Integer> forwards = new LinkedHashMap<>();
        forwards.put("b", 2);
        forwards.put("a", 1);
        forwards.put("\u00e9", 3);
        Map<String, Integer> sorted = new TreeMap<>(forwards);
        Schema<Map<String, Integer>> schema = Schemas.mapOf(Schemas.string(), Schemas.int32());
        assertArrayEquals(schema.encode(forwards), schema.encode(sorted));
        assertEquals(sorted, schema.decode(schema.encode(forwards)));
    }

    @Test
    void refusesMapsWhoseKeysShareAnEncoding() {
        Map<byte[], Integer> identityKeys = new java.util.HashMap<>();
        identityKeys.put(new byte[] {1}, 1);
        identityKeys.put(new byte[] {1}, 2);
        BadInputException e = assertThrows(
                BadInputException.class,
                () -> Schemas.mapOf(Schemas.bytes(), Schemas.int32()).encode(identityKeys));
        assertTrue(e.getMessage().contains("same canonical encoding"), e.getMessage());
    }

    @Test
    void derivesNestedAndSelfReferencingRecords() {
        Schema<Node> schema = Schemas.recordOf(Node.class);
        Node tree = new Node(
                "root", List.of(new Node("leaf", List.of()), new Node("inner", List.of(new Node("deep", List.of())))));
        assertEquals(tree, schema.decode(schema.encode(tree)));
        assertEquals(schema, Schemas.recordOf(Node.class), "record schemas are cached per class");
    }

    @Test
    void recordVersionComesFromTheAnnotationAndWithVersionOverridesIt() {
        assertEquals(3, Schemas.recordOf(Versioned.class).version());
        assertEquals(1, Schemas.recordOf(Pair.class).version());
        Schema<Pair> v2 = Schemas.recordOf(Pair.class).withVersion(2);
        assertEquals(2, v2.version());
        assertArrayEquals(Schemas.recordOf(Pair.class).encode(new Pair("x", "y")), v2.encode(new Pair("x", "y")));
        assertThrows(BadInputException.class, () -> Schemas.string().withVersion(0));
    }

    @Test
    void ofResolvesEveryNonGenericSupportedType() {
        assertEquals(42, Schemas.of(int.class).decode(Schemas.of(Integer.class).encode(42)));
        assertEquals("string", Schemas.of(String.class).typeName());
        assertEquals(
                new Pair("a", "b"),
                Schemas.of(Pair.class).decode(Schemas.of(Pair.class).encode(new Pair("a", "b"))));
    }

    @Test
    void rejectsUnsupportedComponentTypesNamingTheComponent() {
        BadInputException e = assertThrows(BadInputException.class, () -> Schemas.recordOf(Unsupported.class));
        assertTrue(e.getMessage().contains("'when'") && e.getMessage().contains("java.util.Date"), e.getMessage());
    }

    @Test
    void rejectsNullsNamingWhere() {
        BadInputException e = assertThrows(
                BadInputException.class,
                () -> Schemas.recordOf(WithNullable.class).encode(new WithNullable(null)));
        assertTrue(e.getMessage().contains("'text'") && e.getMessage().contains("Optional"), e.getMessage());
        assertThrows(BadInputException.class, () -> Schemas.string().encode(null));
        assertThrows(
                BadInputException.class, () -> Schemas.listOf(Schemas.string()).encode(Arrays.asList("a", null)));
    }

    @Test
    void encodesInPlaceIntoAFixedBufferAndRefusesOneTooSmall() {
        UnsafeBuffer fixed = new UnsafeBuffer(new byte[16]);
        int length = Schemas.string().encode("hello", fixed, 3);
        assertEquals(10, length);
        assertEquals("hello", Schemas.string().decode(fixed, 3, length));
        BadInputException e = assertThrows(
                BadInputException.class, () -> Schemas.string().encode("this does not fit in sixteen bytes", fixed, 0));
        assertTrue(e.getMessage().contains("16"), e.getMessage());
        ExpandableArrayBuffer growing = new ExpandableArrayBuffer(4);
        assertEquals(39, Schemas.string().encode("this does not fit in sixteen bytes", growing, 0));
    }

    @Test
    void refusesEveryNonCanonicalOrDamagedForm() {
        Schema<Map<String, Integer>> map = Schemas.mapOf(Schemas.string(), Schemas.int32());
        byte[] sortedMap = map.encode(Map.of("a", 1, "b", 2));
        byte[] swapped = sortedMap.clone();
        // 0b 00000002, then [06 00000001 'a' 02 00000001] and [06 00000001 'b' 02 00000002]: swap the key letters
        swapped[10] = 'b';
        swapped[21] = 'a';
        assertCorrupt(map, swapped, "canonical");

        assertCorrupt(Schemas.int32(), HexFormat.of().parseHex("0100000001"), "int tag");
        assertCorrupt(Schemas.int32(), HexFormat.of().parseHex("020000"), "truncated");
        assertCorrupt(Schemas.int32(), HexFormat.of().parseHex("020000000100"), "unexpected bytes");
        assertCorrupt(Schemas.bool(), HexFormat.of().parseHex("0102"), "only 0 and 1");
        assertCorrupt(Schemas.float32(), HexFormat.of().parseHex("047fc00001"), "non-canonical NaN");
        assertCorrupt(Schemas.string(), HexFormat.of().parseHex("0600000002c328"), "UTF-8");
        assertCorrupt(Schemas.string(), HexFormat.of().parseHex("0600000002c0af"), "UTF-8"); // overlong '/'
        assertCorrupt(Schemas.string(), HexFormat.of().parseHex("0600000003eda080"), "UTF-8"); // a surrogate
        assertCorrupt(Schemas.string(), HexFormat.of().parseHex("0600000004f4908080"), "UTF-8"); // above U+10FFFF
        assertCorrupt(Schemas.string(), HexFormat.of().parseHex("0600000002e282"), "UTF-8"); // truncated
        assertCorrupt(Schemas.string(), HexFormat.of().parseHex("060000000180"), "UTF-8"); // lone continuation
        assertCorrupt(Schemas.string(), HexFormat.of().parseHex("06ffffff00"), "count");
        assertCorrupt(Schemas.listOf(Schemas.int32()), HexFormat.of().parseHex("097fffffff"), "count");
        assertCorrupt(
                Schemas.enumOf(RandomValues.Colour.class),
                HexFormat.of().parseHex("0c00000004504e4b21"),
                "no constant");
        assertCorrupt(
                Schemas.recordOf(Pair.class),
                Schemas.recordOf(Pair.class).encode(new Pair("a", "b")).clone(),
                null);
    }

    @Test
    void recordWhoseShapeChangedFailsToDecode() {
        byte[] pair = Schemas.recordOf(Pair.class).encode(new Pair("a", "b"));
        assertCorrupt(Schemas.recordOf(Node.class), pair, "expects component 'label'");
        byte[] validatedBytes = Schemas.int32().encode(0);
        byte[] record = new byte[5 + 4 + 8 + validatedBytes.length];
        UnsafeBuffer b = new UnsafeBuffer(record);
        CanonicalWriter w = new CanonicalWriter(b, 0);
        w.writeTag(CanonicalFormat.TAG_RECORD);
        w.writeCount(1);
        w.writeStringBody("positive");
        Schemas.int32().writeValue(0, w);
        assertCorrupt(Schemas.recordOf(Validated.class), Arrays.copyOf(record, w.position()), "rejected");
    }

    private static <T> void assertCorrupt(Schema<T> schema, byte[] bytes, String expectedFragment) {
        if (expectedFragment == null) {
            schema.decode(bytes); // the undamaged control decodes
            return;
        }
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> schema.decode(bytes));
        assertTrue(
                e.getMessage().contains(expectedFragment),
                () -> "message '" + e.getMessage() + "' should mention '" + expectedFragment + "'");
    }
}
