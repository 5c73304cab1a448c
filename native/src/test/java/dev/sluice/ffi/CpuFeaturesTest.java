package dev.sluice.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.SluiceException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class CpuFeaturesTest {
    private static final String X86_CPUINFO = """
            processor\t: 0
            vendor_id\t: GenuineIntel
            model name\t: Intel(R) Xeon(R) CPU
            flags\t\t: fpu sse2 sse4_2 avx avx2 fma f16c
            bugs\t\t: spectre_v1

            processor\t: 1
            flags\t\t: fpu sse2 sse4_2 avx avx2 fma f16c avx512f
            """;

    private static final String AARCH64_CPUINFO = """
            processor\t: 0
            BogoMIPS\t: 50.00
            Features\t: fp asimd evtstrm aes crc32 atomics sve
            CPU implementer\t: 0x41
            """;

    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = "amd64")
    void currentX86CpuHasSse2() {
        CpuFeatures features = CpuFeatures.current();
        assertTrue(features.has("sse2"), features.toString());
        assertEquals("amd64", features.arch());
        assertSame(features, CpuFeatures.current());
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = "aarch64")
    void currentArmCpuHasAsimd() {
        assertTrue(CpuFeatures.current().has("asimd"), CpuFeatures.current().toString());
    }

    @Test
    void parsesFirstCpusX86FlagsLine() {
        CpuFeatures features = CpuFeatures.parse("amd64", X86_CPUINFO.lines());
        assertEquals(Set.of("fpu", "sse2", "sse4_2", "avx", "avx2", "fma", "f16c"), features.all());
        assertFalse(features.has("avx512f"));
        assertTrue(features.has("AVX2"));
    }

    @Test
    void parsesAarch64FeaturesLine() {
        CpuFeatures features = CpuFeatures.parse("aarch64", AARCH64_CPUINFO.lines());
        assertTrue(features.has("asimd"));
        assertTrue(features.has("sve"));
        assertFalse(features.has("sve2"));
    }

    @Test
    void noFeatureLineGivesNoFeatures() {
        assertTrue(CpuFeatures.parse("amd64", "processor\t: 0\n".lines()).all().isEmpty());
    }

    @Test
    void listsMissingFeaturesInOrderGiven() {
        CpuFeatures features = CpuFeatures.parse("amd64", X86_CPUINFO.lines());
        assertEquals(List.of("avx512f", "avx512_vnni"), features.missing("avx2", "avx512f", "avx512_vnni"));
        assertEquals(List.of(), features.missing("sse4_2", "fma"));
    }

    @Test
    void requireAllNamesLibraryAndMissingFeatures() {
        CpuFeatures features = CpuFeatures.parse("amd64", X86_CPUINFO.lines());
        features.requireAll("llama.cpp (AVX2 build)", "avx2", "fma", "f16c");
        SluiceException e = assertThrows(
                SluiceException.class,
                () -> features.requireAll("llama.cpp (AVX-512 build)", "avx2", "avx512f", "avx512bw"));
        assertTrue(
                e.getMessage().startsWith("llama.cpp (AVX-512 build) needs CPU features [avx512f, avx512bw]"),
                e.getMessage());
        assertTrue(e.getMessage().contains("amd64"), e.getMessage());
    }
}
