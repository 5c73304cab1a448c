package dev.sluice.core.schema;

import static dev.sluice.core.schema.CanonicalFormat.TAG_RECORD;

import dev.sluice.core.BadInputException;
import dev.sluice.core.CorruptDataException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.Map;

/**
 * A record's schema derived by reflection: per component, its name and the schema of its generic type. Written as
 * the component count, then each component's name (string body) and tagged value, in declaration order. Reading
 * checks the count and every name, so a record whose shape changed fails loudly instead of mixing fields up.
 */
final class RecordSchema<R extends Record> extends Schema<R> {
    /** A component takes at least its name's count (4 bytes) and the smallest tagged value (2 bytes). */
    private static final int MIN_COMPONENT_BYTES = 6;

    private final Class<R> type;
    private final String[] names;
    private final MethodHandle[] accessors;
    private final Schema<Object>[] components;
    private final MethodHandle constructor;

    @SuppressWarnings({"unchecked", "rawtypes"})
    private RecordSchema(Class<R> type) {
        super(type.getSimpleName(), versionOf(type));
        this.type = type;
        RecordComponent[] declared = type.getRecordComponents();
        this.names = new String[declared.length];
        this.accessors = new MethodHandle[declared.length];
        this.components = new Schema[declared.length];
        Class<?>[] parameterTypes = new Class<?>[declared.length];
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        try {
            for (int i = 0; i < declared.length; i++) {
                names[i] = declared[i].getName();
                parameterTypes[i] = declared[i].getType();
                var accessor = declared[i].getAccessor();
                accessor.setAccessible(true);
                accessors[i] = lookup.unreflect(accessor).asType(MethodType.methodType(Object.class, Object.class));
            }
            Constructor<R> canonical = type.getDeclaredConstructor(parameterTypes);
            canonical.setAccessible(true);
            this.constructor = lookup.unreflectConstructor(canonical)
                    .asSpreader(Object[].class, declared.length)
                    .asType(MethodType.methodType(Object.class, Object[].class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new BadInputException(
                    "cannot derive a schema for record " + type.getName()
                            + ": its components or canonical constructor are not accessible (" + e + ")",
                    e);
        }
    }

    /**
     * Derives the schema of {@code type}, registering it in {@code building} before its components are resolved
     * so that a record that refers to itself gets this instance.
     */
    @SuppressWarnings("unchecked")
    static <R extends Record> RecordSchema<R> derive(Class<R> type, Map<Class<?>, RecordSchema<?>> building) {
        RecordSchema<?> existing = building.get(type);
        if (existing != null) {
            return (RecordSchema<R>) existing;
        }
        RecordSchema<R> schema = new RecordSchema<>(type);
        building.put(type, schema);
        RecordComponent[] declared = type.getRecordComponents();
        for (int i = 0; i < declared.length; i++) {
            schema.components[i] = (Schema<Object>) Schemas.forType(
                    declared[i].getGenericType(),
                    building,
                    "record " + type.getName() + " component '" + declared[i].getName() + "'");
        }
        return schema;
    }

    private static int versionOf(Class<?> type) {
        SchemaVersion version = type.getAnnotation(SchemaVersion.class);
        return version == null ? 1 : version.value();
    }

    @Override
    void write(R value, CanonicalWriter out) {
        out.writeTag(TAG_RECORD);
        out.enter("record " + type.getSimpleName());
        out.writeCount(names.length);
        for (int i = 0; i < names.length; i++) {
            Object component;
            try {
                component = accessors[i].invokeExact((Object) value);
            } catch (Throwable t) {
                throw new BadInputException("accessor " + type.getSimpleName() + "." + names[i] + "() failed: " + t, t);
            }
            if (component == null) {
                throw new BadInputException("record " + type.getName() + " component '" + names[i]
                        + "' is null; use Optional for absent values");
            }
            out.writeStringBody(names[i]);
            components[i].write(component, out);
        }
        out.exit();
    }

    @Override
    R read(CanonicalReader in) {
        in.expectTag(TAG_RECORD);
        in.enter("record " + type.getSimpleName());
        int at = in.position();
        int count = in.readCount(MIN_COMPONENT_BYTES);
        if (count != names.length) {
            throw new CorruptDataException("record " + type.getName() + " has " + names.length
                    + " components but the bytes at offset " + at + " hold " + count);
        }
        Object[] values = new Object[count];
        for (int i = 0; i < count; i++) {
            int nameAt = in.position();
            String name = in.readStringBody();
            if (!name.equals(names[i])) {
                throw new CorruptDataException("record " + type.getName() + " expects component '" + names[i]
                        + "' at offset " + nameAt + " but found '" + name + "'");
            }
            values[i] = components[i].read(in);
        }
        in.exit();
        try {
            return type.cast(constructor.invokeExact(values));
        } catch (Throwable t) {
            throw new CorruptDataException("record " + type.getName() + " rejected the decoded components: " + t, t);
        }
    }
}
