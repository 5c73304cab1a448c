package dev.sluice.core.schema;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The contract version of a record's derived {@link Schema}. Raise it when the meaning of the record changes
 * without its shape changing, so that cached results and journals of the old meaning stop matching.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface SchemaVersion {
    /** @return the version, at least 1 */
    int value();
}
