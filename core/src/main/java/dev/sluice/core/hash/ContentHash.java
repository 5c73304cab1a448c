package dev.sluice.core.hash;

import dev.sluice.core.schema.Schema;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The SHA-256 of canonical bytes: the identity of an input, an output, a snippet or a model file. Immutable and
 * thread-safe. Computing one allocates only the result (per-thread digests and scratch are reused).
 */
public final class ContentHash extends Sha256Value {
    private ContentHash(long w0, long w1, long w2, long w3) {
        super(w0, w1, w2, w3);
    }

    /**
     * @param bytes the bytes to hash
     * @return their SHA-256
     */
    public static ContentHash of(byte[] bytes) {
        return of(bytes, 0, bytes.length);
    }

    /**
     * @param bytes the array
     * @param offset the first byte hashed
     * @param length how many bytes
     * @return their SHA-256
     */
    public static ContentHash of(byte[] bytes, int offset, int length) {
        try (Sha256 sha = Sha256.acquire()) {
            sha.update(bytes, offset, length);
            return finish(sha);
        }
    }

    /**
     * Hashes a region of a buffer in place, on-heap or off-heap.
     *
     * @param buffer the buffer
     * @param offset the first byte hashed
     * @param length how many bytes
     * @return their SHA-256
     */
    public static ContentHash of(DirectBuffer buffer, int offset, int length) {
        buffer.boundsCheck(offset, length);
        try (Sha256 sha = Sha256.acquire()) {
            sha.update(buffer, offset, length);
            return finish(sha);
        }
    }

    /**
     * Hashes the canonical encoding of a value.
     *
     * @param schema the value's schema
     * @param value the value
     * @param <T> the value's type
     * @return the SHA-256 of {@code schema.encode(value)}
     */
    public static <T> ContentHash of(Schema<T> schema, T value) {
        try (Sha256 sha = Sha256.acquire()) {
            schema.writeValue(value, sha.writer);
            sha.flushWriter();
            return finish(sha);
        }
    }

    /**
     * Hashes a file's contents, streaming it through the digest. Results are cached per absolute path and
     * recomputed only when the file's size or modification time has changed, so that opening the same model file
     * again costs a {@code stat}, not a read of gigabytes.
     *
     * @param file a readable regular file
     * @return the SHA-256 of its bytes
     * @throws dev.sluice.core.BadInputException if the file is missing, not a regular file or unreadable
     */
    public static ContentHash ofFile(java.nio.file.Path file) {
        return FileHashCache.hash(file);
    }

    /**
     * @param hex 64 hex digits, as {@link #hex()} writes them
     * @return the hash they spell
     * @throws dev.sluice.core.BadInputException if the text is not 64 hex digits
     */
    public static ContentHash fromHex(String hex) {
        long[] w = parseHex(hex, "content hash");
        return new ContentHash(w[0], w[1], w[2], w[3]);
    }

    /**
     * @param buffer a buffer holding 32 hash bytes, as {@link #writeTo} wrote them
     * @param offset the first of them
     * @return the hash
     */
    public static ContentHash readFrom(DirectBuffer buffer, int offset) {
        buffer.boundsCheck(offset, Sha256.LENGTH_BYTES);
        return new ContentHash(
                word(buffer, offset, 0), word(buffer, offset, 1), word(buffer, offset, 2), word(buffer, offset, 3));
    }

    /**
     * @param bytes 32 hash bytes
     * @return the hash
     */
    public static ContentHash fromBytes(byte[] bytes) {
        if (bytes.length != Sha256.LENGTH_BYTES) {
            throw new dev.sluice.core.BadInputException("a content hash is 32 bytes, got " + bytes.length);
        }
        return readFrom(new UnsafeBuffer(bytes), 0);
    }

    static ContentHash finish(Sha256 sha) {
        sha.finish();
        return new ContentHash(sha.word(0), sha.word(1), sha.word(2), sha.word(3));
    }
}
