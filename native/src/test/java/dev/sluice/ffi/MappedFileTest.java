package dev.sluice.ffi;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.BadInputException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs(
        value = OS.LINUX,
        architectures = {"amd64", "aarch64"})
class MappedFileTest {
    @TempDir
    Path dir;

    @Test
    void mapsWholeFileReadOnly() throws IOException {
        Path file = Files.write(dir.resolve("data.bin"), new byte[] {1, 2, 3, 4, 5});
        try (MappedFile mapped = MappedFile.openReadOnly(file)) {
            assertEquals(5, mapped.sizeBytes());
            assertEquals(file, mapped.path());
            assertTrue(mapped.segment().isReadOnly());
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, mapped.segment().toArray(JAVA_BYTE));
            assertThrows(IllegalArgumentException.class, () -> mapped.segment().set(JAVA_BYTE, 0, (byte) 9));
        }
    }

    @Test
    void writesThroughReadWriteMappingAndReadsThemBackViaReadOnlyMappingAndFiles() throws IOException {
        Path file = dir.resolve("written.bin");
        byte[] expected = new byte[8192];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) (i * 31);
        }
        try (MappedFile writable = MappedFile.openReadWrite(file, expected.length)) {
            MemorySegment.copy(expected, 0, writable.segment(), JAVA_BYTE, 0, expected.length);
            writable.force();
            try (MappedFile readable = MappedFile.openReadOnly(file)) {
                assertArrayEquals(expected, readable.segment().toArray(JAVA_BYTE));
            }
        }
        assertArrayEquals(expected, Files.readAllBytes(file));
    }

    @Test
    void readWriteExtendsShorterFileWithZerosAndKeepsItsBytes() throws IOException {
        Path file = Files.write(dir.resolve("short.bin"), new byte[] {7, 7, 7});
        try (MappedFile mapped = MappedFile.openReadWrite(file, 4096)) {
            assertEquals(4096, mapped.sizeBytes());
            assertEquals(7, mapped.segment().get(JAVA_BYTE, 2));
            assertEquals(0, mapped.segment().get(JAVA_BYTE, 3));
        }
        assertEquals(4096, Files.size(file));
    }

    @Test
    void readWriteMapsPrefixOfLongerFileWithoutTruncatingIt() throws IOException {
        Path file = Files.write(dir.resolve("long.bin"), new byte[10_000]);
        try (MappedFile mapped = MappedFile.openReadWrite(file, 100)) {
            assertEquals(100, mapped.sizeBytes());
        }
        assertEquals(10_000, Files.size(file));
    }

    @Test
    void mapsEmptyFileToZeroLengthSegment() throws IOException {
        Path file = Files.createFile(dir.resolve("empty.bin"));
        try (MappedFile mapped = MappedFile.openReadOnly(file)) {
            assertEquals(0, mapped.sizeBytes());
            assertEquals(0, mapped.segment().byteSize());
            mapped.force();
        }
    }

    @Test
    void throwsIllegalStateNamingFileAfterClose() throws IOException {
        Path file = Files.write(dir.resolve("closed.bin"), new byte[64]);
        MappedFile mapped = MappedFile.openReadOnly(file);
        MemorySegment earlier = mapped.segment();
        mapped.close();
        mapped.close();

        for (Runnable use : new Runnable[] {mapped::segment, mapped::force}) {
            IllegalStateException e = assertThrows(IllegalStateException.class, use::run);
            assertTrue(e.getMessage().contains("closed.bin"), e.getMessage());
        }
        assertThrows(IllegalStateException.class, () -> earlier.get(JAVA_BYTE, 0));
        assertEquals(64, mapped.sizeBytes());
    }

    @Test
    void missingFileIsBadInputNamingPath() {
        Path missing = dir.resolve("no-such-file.bin");
        BadInputException e = assertThrows(BadInputException.class, () -> MappedFile.openReadOnly(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void directoryIsBadInputNamingPath() {
        BadInputException e = assertThrows(BadInputException.class, () -> MappedFile.openReadOnly(dir));
        assertTrue(e.getMessage().contains(dir + ": it is a directory"), e.getMessage());
    }

    @Test
    void negativeSizeIsBadInput() {
        BadInputException e =
                assertThrows(BadInputException.class, () -> MappedFile.openReadWrite(dir.resolve("negative.bin"), -1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }
}
