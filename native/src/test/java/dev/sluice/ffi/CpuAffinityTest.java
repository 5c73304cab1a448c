package dev.sluice.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.BadInputException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(
        value = OS.LINUX,
        architectures = {"amd64", "aarch64"})
class CpuAffinityTest {

    @Test
    void readsNonEmptyAffinityWithinConfiguredCpus() {
        CpuSet cpus = CpuAffinity.currentThread();
        assertFalse(cpus.isEmpty());
        assertTrue(cpus.toBitSet().length() <= SystemInfo.configuredCpus(), cpus.toString());
        assertTrue(cpus.size() >= Runtime.getRuntime().availableProcessors(), cpus.toString());
    }

    @Test
    void pinsThreadToOneCpuAndReadsItBack() {
        CpuSet original = CpuAffinity.currentThread();
        int cpu = original.toArray()[0];
        try {
            CpuAffinity.pinCurrentThread(CpuSet.of(cpu));
            assertEquals(CpuSet.of(cpu), CpuAffinity.currentThread());
        } finally {
            CpuAffinity.pinCurrentThread(original);
        }
        assertEquals(original, CpuAffinity.currentThread());
    }

    @Test
    void rejectsNegativeCpuId() {
        BadInputException e = assertThrows(BadInputException.class, () -> CpuSet.of(0, -1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }

    @Test
    void rejectsCpuIdBeyondConfiguredCpus() {
        CpuSet original = CpuAffinity.currentThread();
        BadInputException e =
                assertThrows(BadInputException.class, () -> CpuAffinity.pinCurrentThread(CpuSet.of(0, 100_000)));
        assertTrue(e.getMessage().contains("[100000]"), e.getMessage());
        assertTrue(e.getMessage().contains(SystemInfo.configuredCpus() + " CPUs"), e.getMessage());
        assertEquals(original, CpuAffinity.currentThread(), "a refused pin leaves the affinity alone");
    }

    @Test
    void rejectsEmptyCpuSet() {
        assertThrows(BadInputException.class, () -> CpuAffinity.pinCurrentThread(CpuSet.of()));
    }

    @Test
    void refusesVirtualThread() throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread.ofVirtual()
                .start(() -> {
                    try {
                        CpuAffinity.pinCurrentThread(CpuSet.of(0));
                    } catch (Throwable t) {
                        thrown.set(t);
                    }
                })
                .join();
        assertTrue(thrown.get() instanceof IllegalStateException, String.valueOf(thrown.get()));
        assertTrue(
                thrown.get().getMessage().contains("virtual thread"),
                thrown.get().getMessage());
    }
}
