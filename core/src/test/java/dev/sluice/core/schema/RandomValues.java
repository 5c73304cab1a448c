package dev.sluice.core.schema;

import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Random schemas and values for property tests, from a seed. Domains are kept small (short strings, few
 * elements, values near zero) so that random pairs often collide and distinctness is really exercised.
 */
final class RandomValues {
    enum Colour {
        RED,
        GREEN,
        BLUE
    }

    record Point(float x, float y) {}

    record Doc(
            String id,
            List<Integer> tokens,
            Optional<Point> anchor,
            Map<String, Double> scores,
            Colour colour,
            byte[] raw,
            float[] embedding,
            long version,
            boolean live) {}

    /** A schema with the generator of its values. */
    record Typed(Schema<Object> schema, Function<SplittableRandom, Object> values) {}

    private RandomValues() {}

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Typed randomType(SplittableRandom random, int depth) {
        int choice = random.nextInt(depth <= 0 ? 9 : 14);
        return switch (choice) {
            case 0 -> typed(Schemas.bool(), r -> r.nextBoolean());
            case 1 -> typed(Schemas.int32(), r -> r.nextInt(-3, 4));
            case 2 -> typed(Schemas.int64(), r -> r.nextBoolean() ? r.nextLong() : (long) r.nextInt(-3, 4));
            case 3 -> typed(Schemas.float32(), RandomValues::randomFloat);
            case 4 -> typed(Schemas.float64(), r -> (double) randomFloat(r));
            case 5 -> typed(Schemas.string(), RandomValues::randomString);
            case 6 -> typed(Schemas.bytes(), r -> randomBytes(r));
            case 7 -> typed(Schemas.floatVector(), r -> randomVector(r));
            case 8 -> typed(Schemas.enumOf(Colour.class), r -> Colour.values()[r.nextInt(3)]);
            case 9 -> {
                Typed element = randomType(random, depth - 1);
                yield typed((Schema) Schemas.listOf(element.schema()), r -> {
                    List<Object> list = new ArrayList<>();
                    for (int i = r.nextInt(4); i > 0; i--) {
                        list.add(element.values().apply(r));
                    }
                    return list;
                });
            }
            case 10 -> {
                Typed key = randomType(random, depth - 1);
                Typed value = randomType(random, depth - 1);
                yield typed((Schema) Schemas.mapOf(key.schema(), value.schema()), r -> {
                    // keys are unique by encoding: arrays (and records holding them) compare by identity in Java
                    Map<Object, Object> map = new HashMap<>();
                    java.util.Set<String> encodedKeys = new java.util.HashSet<>();
                    for (int i = r.nextInt(4); i > 0; i--) {
                        Object k = key.values().apply(r);
                        if (encodedKeys.add(
                                java.util.Arrays.toString(key.schema().encode(k)))) {
                            map.put(k, value.values().apply(r));
                        }
                    }
                    return map;
                });
            }
            case 11 -> {
                Typed present = randomType(random, depth - 1);
                yield typed(
                        (Schema) Schemas.optionalOf(present.schema()),
                        r -> r.nextBoolean()
                                ? Optional.empty()
                                : Optional.of(present.values().apply(r)));
            }
            case 12 -> typed((Schema) Schemas.recordOf(Point.class), r -> new Point(randomFloat(r), randomFloat(r)));
            default -> typed((Schema) Schemas.recordOf(Doc.class), RandomValues::randomDoc);
        };
    }

    @SuppressWarnings("unchecked")
    private static <T> Typed typed(Schema<T> schema, Function<SplittableRandom, Object> values) {
        return new Typed((Schema<Object>) schema, values);
    }

    static Doc randomDoc(SplittableRandom r) {
        Map<String, Double> scores = new HashMap<>();
        for (int i = r.nextInt(3); i > 0; i--) {
            scores.put(randomString(r), (double) randomFloat(r));
        }
        List<Integer> tokens = new ArrayList<>();
        for (int i = r.nextInt(3); i > 0; i--) {
            tokens.add(r.nextInt(-2, 3));
        }
        return new Doc(
                randomString(r),
                tokens,
                r.nextBoolean() ? Optional.empty() : Optional.of(new Point(randomFloat(r), randomFloat(r))),
                scores,
                Colour.values()[r.nextInt(3)],
                randomBytes(r),
                randomVector(r),
                r.nextInt(2),
                r.nextBoolean());
    }

    static float randomFloat(SplittableRandom r) {
        return switch (r.nextInt(8)) {
            case 0 -> Float.NaN;
            case 1 -> -0.0f;
            case 2 -> 0.0f;
            case 3 -> Float.POSITIVE_INFINITY;
            case 4 -> Float.intBitsToFloat(0x7fc0_0001); // a non-canonical NaN must encode as the canonical one
            default -> r.nextInt(-2, 3) / 2.0f;
        };
    }

    static String randomString(SplittableRandom r) {
        String[] pieces = {"", "a", "b", "ab", "é", "€", "\uD83D\uDE00", "\u0000", "c"};
        StringBuilder s = new StringBuilder();
        for (int i = r.nextInt(3); i > 0; i--) {
            s.append(pieces[r.nextInt(pieces.length)]);
        }
        return s.toString();
    }

    static byte[] randomBytes(SplittableRandom r) {
        byte[] bytes = new byte[r.nextInt(3)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) r.nextInt(-1, 2);
        }
        return bytes;
    }

    static float[] randomVector(SplittableRandom r) {
        float[] vector = new float[r.nextInt(3)];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = randomFloat(r);
        }
        return vector;
    }

    /**
     * Value equality as the encoding defines it: arrays by content, floats by their canonical bits (all NaNs
     * equal, -0.0 not equal to 0.0), records by components, lists in order, maps as sets of entries.
     */
    static boolean canonicalEquals(Object a, Object b) {
        if (a instanceof Float x && b instanceof Float y) {
            return Float.floatToIntBits(x) == Float.floatToIntBits(y);
        }
        if (a instanceof Double x && b instanceof Double y) {
            return Double.doubleToLongBits(x) == Double.doubleToLongBits(y);
        }
        if (a != null && b != null && a.getClass().isArray() && b.getClass() == a.getClass()) {
            int length = Array.getLength(a);
            if (length != Array.getLength(b)) {
                return false;
            }
            for (int i = 0; i < length; i++) {
                if (!canonicalEquals(Array.get(a, i), Array.get(b, i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!canonicalEquals(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            outer:
            for (Map.Entry<?, ?> e : x.entrySet()) {
                for (Map.Entry<?, ?> f : y.entrySet()) {
                    if (canonicalEquals(e.getKey(), f.getKey())) {
                        if (!canonicalEquals(e.getValue(), f.getValue())) {
                            return false;
                        }
                        continue outer;
                    }
                }
                return false;
            }
            return true;
        }
        if (a instanceof Optional<?> x && b instanceof Optional<?> y) {
            return x.isPresent() == y.isPresent() && (x.isEmpty() || canonicalEquals(x.get(), y.get()));
        }
        if (a instanceof Record x && b instanceof Record y && x.getClass() == y.getClass()) {
            try {
                for (RecordComponent c : x.getClass().getRecordComponents()) {
                    c.getAccessor().setAccessible(true);
                    if (!canonicalEquals(
                            c.getAccessor().invoke(x), c.getAccessor().invoke(y))) {
                        return false;
                    }
                }
                return true;
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
        return Objects.equals(a, b);
    }
}
