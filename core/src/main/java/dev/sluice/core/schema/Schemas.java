package dev.sluice.core.schema;

import static dev.sluice.core.schema.CanonicalFormat.TAG_BOOLEAN;
import static dev.sluice.core.schema.CanonicalFormat.TAG_BYTES;
import static dev.sluice.core.schema.CanonicalFormat.TAG_DOUBLE;
import static dev.sluice.core.schema.CanonicalFormat.TAG_ENUM;
import static dev.sluice.core.schema.CanonicalFormat.TAG_FLOAT;
import static dev.sluice.core.schema.CanonicalFormat.TAG_FLOAT_VECTOR;
import static dev.sluice.core.schema.CanonicalFormat.TAG_INT;
import static dev.sluice.core.schema.CanonicalFormat.TAG_LIST;
import static dev.sluice.core.schema.CanonicalFormat.TAG_LONG;
import static dev.sluice.core.schema.CanonicalFormat.TAG_MAP;
import static dev.sluice.core.schema.CanonicalFormat.TAG_OPTIONAL;
import static dev.sluice.core.schema.CanonicalFormat.TAG_STRING;

import dev.sluice.core.BadInputException;
import dev.sluice.core.CorruptDataException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Factories for the canonical {@link Schema}s: the scalar types, strings, byte arrays, float vectors, lists, maps,
 * optionals, enums and records. Record schemas are derived from the record's components (recursively, nested and
 * self-referencing records included) and cached per class.
 *
 * <p>Every schema is version 1 unless given another with {@link Schema#withVersion(int)} or, for a record, with
 * {@link SchemaVersion} on the record class.
 */
public final class Schemas {
    private static final Schema<Boolean> BOOLEAN = new Schema<>("boolean", 1) {
        @Override
        void write(Boolean value, CanonicalWriter out) {
            out.writeTag(TAG_BOOLEAN);
            out.writeBooleanBody(value);
        }

        @Override
        Boolean read(CanonicalReader in) {
            in.expectTag(TAG_BOOLEAN);
            return in.readBooleanBody();
        }
    };

    private static final Schema<Integer> INT = new Schema<>("int", 1) {
        @Override
        void write(Integer value, CanonicalWriter out) {
            out.writeTag(TAG_INT);
            out.writeIntBody(value);
        }

        @Override
        Integer read(CanonicalReader in) {
            in.expectTag(TAG_INT);
            return in.readIntBody();
        }
    };

    private static final Schema<Long> LONG = new Schema<>("long", 1) {
        @Override
        void write(Long value, CanonicalWriter out) {
            out.writeTag(TAG_LONG);
            out.writeLongBody(value);
        }

        @Override
        Long read(CanonicalReader in) {
            in.expectTag(TAG_LONG);
            return in.readLongBody();
        }
    };

    private static final Schema<Float> FLOAT = new Schema<>("float", 1) {
        @Override
        void write(Float value, CanonicalWriter out) {
            out.writeTag(TAG_FLOAT);
            out.writeFloatBody(value);
        }

        @Override
        Float read(CanonicalReader in) {
            in.expectTag(TAG_FLOAT);
            return in.readFloatBody();
        }
    };

    private static final Schema<Double> DOUBLE = new Schema<>("double", 1) {
        @Override
        void write(Double value, CanonicalWriter out) {
            out.writeTag(TAG_DOUBLE);
            out.writeDoubleBody(value);
        }

        @Override
        Double read(CanonicalReader in) {
            in.expectTag(TAG_DOUBLE);
            return in.readDoubleBody();
        }
    };

    private static final Schema<String> STRING = new Schema<>("string", 1) {
        @Override
        void write(String value, CanonicalWriter out) {
            out.writeTag(TAG_STRING);
            out.writeStringBody(value);
        }

        @Override
        String read(CanonicalReader in) {
            in.expectTag(TAG_STRING);
            return in.readStringBody();
        }
    };

    private static final Schema<byte[]> BYTES = new Schema<>("bytes", 1) {
        @Override
        void write(byte[] value, CanonicalWriter out) {
            out.writeTag(TAG_BYTES);
            out.writeBytesBody(value, 0, value.length);
        }

        @Override
        byte[] read(CanonicalReader in) {
            in.expectTag(TAG_BYTES);
            return in.readBytesBody();
        }
    };

    private static final Schema<float[]> FLOAT_VECTOR = new Schema<>("float vector", 1) {
        @Override
        void write(float[] value, CanonicalWriter out) {
            out.writeTag(TAG_FLOAT_VECTOR);
            out.writeFloatVectorBody(value);
        }

        @Override
        float[] read(CanonicalReader in) {
            in.expectTag(TAG_FLOAT_VECTOR);
            return in.readFloatVectorBody();
        }
    };

    /** The smallest tagged value (a boolean, an empty optional) takes two bytes. */
    private static final int MIN_TAGGED_BYTES = 2;

    private static final Map<Class<?>, RecordSchema<?>> RECORDS = new ConcurrentHashMap<>();

    private Schemas() {}

    /** @return the schema of {@code boolean} */
    public static Schema<Boolean> bool() {
        return BOOLEAN;
    }

    /** @return the schema of {@code int} */
    public static Schema<Integer> int32() {
        return INT;
    }

    /** @return the schema of {@code long} */
    public static Schema<Long> int64() {
        return LONG;
    }

    /** @return the schema of {@code float}; NaN has one form, {@code -0.0f} stays distinct from {@code 0.0f} */
    public static Schema<Float> float32() {
        return FLOAT;
    }

    /** @return the schema of {@code double}; NaN has one form, {@code -0.0} stays distinct from {@code 0.0} */
    public static Schema<Double> float64() {
        return DOUBLE;
    }

    /** @return the schema of {@code String}, as strict UTF-8 */
    public static Schema<String> string() {
        return STRING;
    }

    /** @return the schema of {@code byte[]} */
    public static Schema<byte[]> bytes() {
        return BYTES;
    }

    /** @return the schema of a {@code float[]} vector */
    public static Schema<float[]> floatVector() {
        return FLOAT_VECTOR;
    }

    /**
     * @param element the schema of the elements
     * @param <E> the element type
     * @return the schema of a list; decoded lists are unmodifiable
     */
    public static <E> Schema<List<E>> listOf(Schema<E> element) {
        return new Schema<>("list<" + element.typeName() + ">", 1) {
            @Override
            void write(List<E> value, CanonicalWriter out) {
                out.writeTag(TAG_LIST);
                out.enter("list");
                out.writeCount(value.size());
                for (E e : value) {
                    element.writeValue(e, out);
                }
                out.exit();
            }

            @Override
            List<E> read(CanonicalReader in) {
                in.expectTag(TAG_LIST);
                in.enter("list");
                int count = in.readCount(MIN_TAGGED_BYTES);
                List<E> list = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    list.add(element.read(in));
                }
                in.exit();
                return Collections.unmodifiableList(list);
            }
        };
    }

    /**
     * @param key the schema of the keys
     * @param value the schema of the values
     * @param <K> the key type
     * @param <V> the value type
     * @return the schema of a map; entries are written sorted by the unsigned bytes of their encoded keys, so
     *     the encoding does not depend on the map's iteration order; decoded maps are unmodifiable and iterate
     *     in that order
     */
    public static <K, V> Schema<Map<K, V>> mapOf(Schema<K> key, Schema<V> value) {
        return new Schema<>("map<" + key.typeName() + ", " + value.typeName() + ">", 1) {
            @Override
            void write(Map<K, V> map, CanonicalWriter out) {
                out.enter("map");
                byte[][] keys = new byte[map.size()][];
                Map<ByteArrayKey, V> byKeyBytes = new HashMap<>(map.size() * 2);
                int i = 0;
                for (Map.Entry<K, V> entry : map.entrySet()) {
                    keys[i] = key.encodeNested(entry.getKey(), out.depth());
                    byKeyBytes.put(new ByteArrayKey(keys[i]), entry.getValue());
                    i++;
                }
                Arrays.sort(keys, Arrays::compareUnsigned);
                for (int k = 1; k < keys.length; k++) {
                    if (Arrays.equals(keys[k - 1], keys[k])) {
                        throw new BadInputException(
                                "map has two keys with the same canonical encoding (keys that are"
                                        + " arrays, or records holding arrays, compare by identity in Java); use distinct keys");
                    }
                }
                out.writeTag(TAG_MAP);
                out.writeCount(keys.length);
                for (byte[] k : keys) {
                    out.writeRaw(k);
                    value.writeValue(byKeyBytes.get(new ByteArrayKey(k)), out);
                }
                out.exit();
            }

            @Override
            Map<K, V> read(CanonicalReader in) {
                in.expectTag(TAG_MAP);
                in.enter("map");
                int count = in.readCount(2 * MIN_TAGGED_BYTES);
                Map<K, V> map = new LinkedHashMap<>(count * 2);
                byte[] previousKey = null;
                for (int i = 0; i < count; i++) {
                    int keyAt = in.position();
                    K k = key.read(in);
                    byte[] keyBytes = in.bytesSince(keyAt);
                    if (previousKey != null && Arrays.compareUnsigned(previousKey, keyBytes) >= 0) {
                        throw new CorruptDataException("map key at offset " + keyAt
                                + " is not greater than the one before it; canonical maps are sorted by encoded key");
                    }
                    previousKey = keyBytes;
                    map.put(k, value.read(in));
                }
                in.exit();
                return Collections.unmodifiableMap(map);
            }
        };
    }

    /**
     * @param present the schema of the value when present
     * @param <E> the value type
     * @return the schema of an {@code Optional}
     */
    public static <E> Schema<Optional<E>> optionalOf(Schema<E> present) {
        return new Schema<>("optional<" + present.typeName() + ">", 1) {
            @Override
            void write(Optional<E> value, CanonicalWriter out) {
                out.writeTag(TAG_OPTIONAL);
                out.enter("optional");
                out.writeBooleanBody(value.isPresent());
                if (value.isPresent()) {
                    present.write(value.get(), out);
                }
                out.exit();
            }

            @Override
            Optional<E> read(CanonicalReader in) {
                in.expectTag(TAG_OPTIONAL);
                in.enter("optional");
                Optional<E> value = in.readBooleanBody() ? Optional.of(present.read(in)) : Optional.empty();
                in.exit();
                return value;
            }
        };
    }

    /**
     * @param type the enum class
     * @param <E> the enum type
     * @return the schema of the enum, by constant name (reordering constants keeps the encoding; renaming
     *     changes it)
     */
    public static <E extends Enum<E>> Schema<E> enumOf(Class<E> type) {
        return new Schema<>(type.getSimpleName(), 1) {
            @Override
            void write(E value, CanonicalWriter out) {
                out.writeTag(TAG_ENUM);
                out.writeStringBody(value.name());
            }

            @Override
            E read(CanonicalReader in) {
                in.expectTag(TAG_ENUM);
                int at = in.position();
                String name = in.readStringBody();
                try {
                    return Enum.valueOf(type, name);
                } catch (IllegalArgumentException e) {
                    throw new CorruptDataException(
                            "enum " + type.getName() + " has no constant '" + name + "' (at offset " + at + ")", e);
                }
            }
        };
    }

    /**
     * Derives the schema of a record from its components. Supported component types: the primitives and their
     * boxes ({@code boolean int long float double}), {@code String}, {@code byte[]}, {@code float[]}, enums,
     * records, and {@code List}, {@code Map} and {@code Optional} of supported types.
     *
     * @param type the record class
     * @param <R> the record type
     * @return its schema, at the version given by {@link SchemaVersion} (1 without it)
     * @throws BadInputException if a component has an unsupported type
     */
    public static <R extends Record> Schema<R> recordOf(Class<R> type) {
        @SuppressWarnings("unchecked")
        Schema<R> cached = (Schema<R>) RECORDS.get(type);
        if (cached != null) {
            return cached;
        }
        Map<Class<?>, RecordSchema<?>> building = new HashMap<>();
        RecordSchema<R> schema = RecordSchema.derive(type, building);
        building.forEach(RECORDS::putIfAbsent);
        return schema;
    }

    /**
     * The schema of a non-generic type: a primitive or its box, {@code String}, {@code byte[]}, {@code float[]},
     * an enum or a record. Generic containers need {@link #listOf}, {@link #mapOf} or {@link #optionalOf}.
     *
     * @param type the class
     * @param <T> the type
     * @return its schema
     * @throws BadInputException if the type has no canonical schema
     */
    @SuppressWarnings("unchecked")
    public static <T> Schema<T> of(Class<T> type) {
        return (Schema<T>) forType(type, new HashMap<>(), type.getName());
    }

    /**
     * Resolves the schema of a reflected type, sharing {@code building} so that records that refer to records
     * under construction get the same instance.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Schema<?> forType(Type type, Map<Class<?>, RecordSchema<?>> building, String where) {
        if (type instanceof Class<?> c) {
            if (c == boolean.class || c == Boolean.class) {
                return BOOLEAN;
            } else if (c == int.class || c == Integer.class) {
                return INT;
            } else if (c == long.class || c == Long.class) {
                return LONG;
            } else if (c == float.class || c == Float.class) {
                return FLOAT;
            } else if (c == double.class || c == Double.class) {
                return DOUBLE;
            } else if (c == String.class) {
                return STRING;
            } else if (c == byte[].class) {
                return BYTES;
            } else if (c == float[].class) {
                return FLOAT_VECTOR;
            } else if (c.isEnum()) {
                return enumOf((Class) c);
            } else if (c.isRecord()) {
                RecordSchema<?> cached = RECORDS.get(c);
                return cached != null ? cached : RecordSchema.derive((Class) c, building);
            }
        } else if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (raw == List.class) {
                return listOf(forType(args[0], building, where + "<element>"));
            } else if (raw == Map.class) {
                return mapOf(
                        forType(args[0], building, where + "<key>"), forType(args[1], building, where + "<value>"));
            } else if (raw == Optional.class) {
                return optionalOf(forType(args[0], building, where + "<value>"));
            }
        }
        throw new BadInputException(where + " has type " + type.getTypeName() + ", which has no canonical schema;"
                + " supported: boolean, int, long, float, double (and their boxes), String, byte[], float[], enums,"
                + " records, and List, Map, Optional of those");
    }

    /** A byte array with value equality, to look map values up by their encoded key. */
    private record ByteArrayKey(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ByteArrayKey other && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return Arrays.toString(bytes);
        }
    }
}
