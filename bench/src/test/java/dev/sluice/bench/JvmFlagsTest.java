package dev.sluice.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class JvmFlagsTest {
    @Test
    void forkFlagsAreTheRootPomsJvmFlags() {
        String pomFlags = System.getProperty("sluice.jvm.flags");
        assertNotNull(pomFlags, "surefire passes the root pom's sluice.jvm.flags as a system property");
        // "--add-modules X" and "--add-modules=X" are the same flag; compare the one-word form.
        List<String> expected = Arrays.asList(pomFlags.strip()
                .replaceAll("(--add-modules|--add-exports|--add-opens)\\s+", "$1=")
                .split("\\s+"));
        assertEquals(expected, List.of(JvmFlags.NATIVE_ACCESS, JvmFlags.VECTOR_API, JvmFlags.AGRONA_UNSAFE));
    }
}
