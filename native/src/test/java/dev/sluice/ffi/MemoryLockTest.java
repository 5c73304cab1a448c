package dev.sluice.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.BadInputException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs(value = OS.LINUX, architectures = {"amd64", "aarch64"})
class MemoryLockTest {
    @TempDir
    Path dir;

    @Test
    void locksAndUnlocksPageAlignedRegion() throws IOException {
        long pageSize = SystemInfo.pageSizeBytes();
        long lockedBefore = lockedKib();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pages = arena.allocate(4 * pageSize, pageSize);
            try (MemoryLock lock = MemoryLock.lock(pages)) {
                assertEquals(pages, lock.segment());
                assertEquals(lockedBefore + 4 * pageSize / 1024, lockedKib());
            }
            assertEquals(lockedBefore, lockedKib());
        }
    }

    @Test
    void locksMappedFile() throws IOException {
        Path file = Files.write(dir.resolve("locked.bin"), new byte[10_000]);
        try (MappedFile mapped = MappedFile.openReadOnly(file); MemoryLock lock = MemoryLock.lock(mapped.segment())) {
            assertEquals(10_000, lock.segment().byteSize());
        }
    }

    @Test
    void refusesZeroLengthSegment() {
        BadInputException e = assertThrows(BadInputException.class, () -> MemoryLock.lock(MemorySegment.NULL));
        assertTrue(e.getMessage().contains("zero-length"), e.getMessage());
    }

    @Test
    void refusesSegmentOfClosedArena() {
        MemorySegment freed;
        try (Arena arena = Arena.ofConfined()) {
            freed = arena.allocate(64);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> MemoryLock.lock(freed));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void refusesHeapSegment() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> MemoryLock.lock(MemorySegment.ofArray(new byte[4096])));
        assertTrue(e.getMessage().contains("heap"), e.getMessage());
    }

    @Test
    void closingAfterUnmapOrTwiceDoesNothing() throws IOException {
        long lockedBefore = lockedKib();
        Path file = Files.write(dir.resolve("unmapped.bin"), new byte[8192]);
        MemoryLock lock;
        try (MappedFile mapped = MappedFile.openReadOnly(file)) {
            lock = MemoryLock.lock(mapped.segment());
        }
        assertEquals(lockedBefore, lockedKib(), "unmapping drops the lock");
        lock.close();
        lock.close();
    }

    @Test
    void limitIsPositive() {
        assertTrue(MemoryLock.limitBytes() > 0, "RLIMIT_MEMLOCK " + MemoryLock.limitBytes());
    }

    @Test
    void overLimitMessageGivesLimitAndHowToRaiseIt() {
        String message = MemoryLock.overLimitMessage(1 << 20, 65_536);
        assertTrue(message.contains("1048576 bytes"), message);
        assertTrue(message.contains("RLIMIT_MEMLOCK soft limit is 65536 bytes (64 KiB)"), message);
        assertTrue(message.contains("ulimit -l"), message);
    }

    /** The process's locked memory, from the VmLck line of /proc/self/status. */
    private static long lockedKib() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(line -> line.startsWith("VmLck:"))
                .map(line -> line.replaceAll("[^0-9]", ""))
                .mapToLong(Long::parseLong)
                .findFirst()
                .orElseThrow();
    }
}
