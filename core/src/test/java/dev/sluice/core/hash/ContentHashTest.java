package dev.sluice.core.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.core.BadInputException;
import dev.sluice.core.schema.Schemas;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentHashTest {
    @Test
    void matchesTheSha256TestVectors() {
        assertEquals(
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                ContentHash.of("abc".getBytes(StandardCharsets.US_ASCII)).hex());
        assertEquals(
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                ContentHash.of(new byte[0]).hex());
    }

    @Test
    void hashesOffHeapRegionsLikeArrays() {
        byte[] bytes = new byte[10_000];
        new java.util.SplittableRandom(5).nextBytes(bytes);
        UnsafeBuffer offHeap = new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(bytes.length + 3));
        offHeap.putBytes(3, bytes);
        assertEquals(ContentHash.of(bytes), ContentHash.of(offHeap, 3, bytes.length));
        assertEquals(ContentHash.of(bytes, 100, 50), ContentHash.of(new UnsafeBuffer(bytes), 100, 50));
    }

    @Test
    void hashOfAValueIsTheHashOfItsCanonicalBytes() {
        var schema = Schemas.listOf(Schemas.string());
        var value = java.util.List.of("x", "y\u00e9");
        assertEquals(ContentHash.of(schema.encode(value)), ContentHash.of(schema, value));
    }

    @Test
    void roundTripsThroughHexAndBytes() {
        ContentHash hash = ContentHash.of(new byte[] {1, 2, 3});
        assertEquals(hash, ContentHash.fromHex(hash.hex()));
        assertEquals(hash, ContentHash.fromHex(hash.hex().toUpperCase(java.util.Locale.ROOT)));
        assertEquals(hash, ContentHash.fromBytes(hash.toBytes()));
        assertThrows(BadInputException.class, () -> ContentHash.fromBytes(new byte[31]));
    }

    @Test
    void fileHashIsCachedUntilTheFileChanges(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("model.bin");
        Files.write(file, new byte[] {1, 2, 3});
        ContentHash first = ContentHash.ofFile(file);
        assertEquals(ContentHash.of(new byte[] {1, 2, 3}), first);
        Files.write(file, new byte[] {4, 5, 6, 7});
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        ContentHash second = ContentHash.ofFile(file);
        assertEquals(ContentHash.of(new byte[] {4, 5, 6, 7}), second);
        assertNotEquals(first, second);
    }

    @Test
    void fileHashNamesAMissingFileOrADirectory(@TempDir Path dir) {
        BadInputException missing = assertThrows(BadInputException.class, () -> ContentHash.ofFile(dir.resolve("no")));
        assertEquals(true, missing.getMessage().contains("does not exist"), missing.getMessage());
        assertThrows(BadInputException.class, () -> ContentHash.ofFile(dir));
    }
}
