package dev.sluice.core.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Sha256Test {
    @Test
    void streamsPiecesFromArraysAndHeapOrDirectBuffersToTheHashOfTheWhole() {
        byte[] bytes = new byte[10_000];
        new java.util.SplittableRandom(7).nextBytes(bytes);
        ByteBuffer direct =
                ByteBuffer.allocateDirect(6_000).put(bytes, 1_000, 6_000).flip();
        try (Sha256 sha = Sha256.acquire()) {
            sha.update(bytes, 0, 1_000);
            sha.update(direct);
            sha.update(ByteBuffer.wrap(bytes, 7_000, 3_000));
            assertEquals(ContentHash.of(bytes), sha.toContentHash());
        }
        assertEquals(0, direct.remaining());
    }

    @Test
    void nestedAcquiresHashIndependently() {
        byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
        try (Sha256 outer = Sha256.acquire()) {
            outer.update(abc, 0, 1);
            try (Sha256 inner = Sha256.acquire()) {
                inner.update(abc, 0, 3);
                assertEquals(
                        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                        inner.toContentHash().hex());
            }
            outer.update(abc, 1, 2);
            assertEquals(ContentHash.of(abc), outer.toContentHash());
        }
    }
}
