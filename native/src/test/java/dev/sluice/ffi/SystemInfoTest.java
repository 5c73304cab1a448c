package dev.sluice.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(
        value = OS.LINUX,
        architectures = {"amd64", "aarch64"})
class SystemInfoTest {

    @Test
    void pageSizeIsPowerOfTwoOfAtLeast4096() {
        long pageSize = SystemInfo.pageSizeBytes();
        assertTrue(pageSize >= 4096, "page size " + pageSize);
        assertEquals(1, Long.bitCount(pageSize), "page size " + pageSize);
    }

    @Test
    void onlineCpusAreAtLeastTheAvailableProcessorsAndAtMostTheConfigured() {
        int online = SystemInfo.onlineCpus();
        assertTrue(online >= 1, "online " + online);
        assertTrue(online >= Runtime.getRuntime().availableProcessors(), "online " + online);
        assertTrue(online <= SystemInfo.configuredCpus(), "online " + online);
    }

    @Test
    void namesPlatformAsOsAndArch() {
        assertEquals(System.getProperty("os.name") + "/" + System.getProperty("os.arch"), SystemInfo.platform());
        assertTrue(SystemInfo.nativeCallsSupported());
    }
}
