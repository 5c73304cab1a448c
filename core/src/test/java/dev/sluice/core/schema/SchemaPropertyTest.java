package dev.sluice.core.schema;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.BadInputException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random schemas and values: encode then decode gives an equal value, decode then encode gives the same bytes,
 * and two values that are not equal never share bytes. The seed is in every failure message.
 */
class SchemaPropertyTest {
    private static final long BASE_SEED = 20_261_126L;

    @Test
    void everyRandomValueRoundTripsAndReencodesToTheSameBytes() {
        for (int t = 0; t < 300; t++) {
            long seed = BASE_SEED + t;
            SplittableRandom random = new SplittableRandom(seed);
            RandomValues.Typed typed = RandomValues.randomType(random, 3);
            for (int v = 0; v < 40; v++) {
                Object value = typed.values().apply(random);
                byte[] bytes = typed.schema().encode(value);
                Object decoded = typed.schema().decode(bytes);
                assertTrue(
                        RandomValues.canonicalEquals(value, decoded),
                        () -> "seed " + seed + ", " + typed.schema() + ": decoded value differs from " + value);
                assertArrayEquals(
                        bytes,
                        typed.schema().encode(decoded),
                        () -> "seed " + seed + ", " + typed.schema() + ": re-encoding changed the bytes");
            }
        }
    }

    @Test
    void distinctValuesNeverShareBytes() {
        for (int t = 0; t < 300; t++) {
            long seed = BASE_SEED * 31 + t;
            SplittableRandom random = new SplittableRandom(seed);
            RandomValues.Typed typed = RandomValues.randomType(random, 2);
            Map<String, Object> byBytes = new HashMap<>();
            for (int v = 0; v < 200; v++) {
                Object value = typed.values().apply(random);
                String key = Arrays.toString(typed.schema().encode(value));
                Object earlier = byBytes.putIfAbsent(key, value);
                if (earlier != null) {
                    assertTrue(
                            RandomValues.canonicalEquals(earlier, value),
                            () -> "seed " + seed + ", " + typed.schema() + ": " + earlier + " and " + value
                                    + " encode to the same bytes");
                }
            }
        }
    }

    @Test
    void stringsWithUnpairedSurrogatesAreRefusedRatherThanMangled() {
        for (String bad : new String[] {"\uD800", "a\uDC00b", "\uDBFFx"}) {
            try {
                Schemas.string().encode(bad);
                throw new AssertionError("encoded " + bad.codePoints().boxed().toList());
            } catch (BadInputException expected) {
                assertTrue(expected.getMessage().contains("unpaired surrogate"), expected.getMessage());
            }
        }
    }
}
