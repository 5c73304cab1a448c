package dev.sluice.core.hash;

import dev.sluice.core.SluiceException;
import dev.sluice.core.schema.CanonicalWriter;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * Streaming SHA-256: the one digest Sluice hashes with, for {@link ContentHash}, {@link CacheKey} and
 * {@link Seed} here and for any module that hashes bytes that arrive in pieces (a store file as it is written).
 * Feed the bytes in order, then take the result once:
 *
 * <pre>{@code
 * try (Sha256 sha = Sha256.acquire()) {
 *     sha.update(header);
 *     sha.update(body);
 *     return sha.toContentHash();
 * }
 * }</pre>
 *
 * <p>Holds the scratch space to hash without allocating: a digest, an output array, a copy chunk for buffers that
 * are not backed by an array, and an expandable buffer with a writer for canonical encodings. {@link #acquire()}
 * hands out the calling thread's instance, or a fresh one if it is already in use further up the stack, so
 * reentrant use is safe. An acquired instance belongs to the thread that acquired it until {@link #close()}: do not
 * share it, and do not use it after closing it.
 */
public final class Sha256 implements AutoCloseable {
    static final int LENGTH_BYTES = 32;

    private static final ThreadLocal<Sha256> LOCAL = ThreadLocal.withInitial(Sha256::new);

    final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(256);
    final CanonicalWriter writer = new CanonicalWriter();
    private final MessageDigest digest;
    private final byte[] output = new byte[LENGTH_BYTES];
    private final byte[] chunk = new byte[4096];
    private boolean inUse;

    private Sha256() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new SluiceException(
                    "this JVM has no SHA-256 MessageDigest, which every Java SE platform must have", e);
        }
    }

    /** @return a reset instance, to be closed after use (try-with-resources) */
    public static Sha256 acquire() {
        Sha256 local = LOCAL.get();
        Sha256 sha = local.inUse ? new Sha256() : local;
        sha.inUse = true;
        sha.digest.reset();
        sha.writer.wrap(sha.scratch, 0);
        return sha;
    }

    /** Releases this instance for the thread's next {@link #acquire()}. */
    @Override
    public void close() {
        inUse = false;
    }

    /**
     * Feeds bytes of an array.
     *
     * @param bytes the array
     * @param offset the first byte fed
     * @param length how many bytes
     */
    public void update(byte[] bytes, int offset, int length) {
        digest.update(bytes, offset, length);
    }

    /**
     * Feeds the remaining bytes of a buffer, on-heap or direct, and leaves it at its limit.
     *
     * @param bytes the bytes from the buffer's position to its limit
     */
    public void update(ByteBuffer bytes) {
        digest.update(bytes);
    }

    void update(DirectBuffer buffer, int offset, int length) {
        byte[] array = buffer.byteArray();
        if (array != null) {
            digest.update(array, buffer.wrapAdjustment() + offset, length);
            return;
        }
        int at = offset;
        int left = length;
        while (left > 0) {
            int n = Math.min(left, chunk.length);
            buffer.getBytes(at, chunk, 0, n);
            digest.update(chunk, 0, n);
            at += n;
            left -= n;
        }
    }

    /** Feeds what the writer has written into the scratch buffer since the last flush, and rewinds it. */
    void flushWriter() {
        digest.update(scratch.byteArray(), 0, writer.position());
        writer.wrap(scratch, 0);
    }

    /**
     * Completes the digest; feed nothing more afterwards.
     *
     * @return the SHA-256 of the bytes fed since {@link #acquire()}
     */
    public ContentHash toContentHash() {
        return ContentHash.finish(this);
    }

    /** Completes the digest; the result is read with {@link #word(int)}. */
    void finish() {
        try {
            digest.digest(output, 0, LENGTH_BYTES);
        } catch (java.security.DigestException e) {
            throw new SluiceException("SHA-256 could not write its 32-byte result", e);
        }
    }

    /** @return the i-th big-endian 64-bit word (0..3) of the finished digest */
    long word(int i) {
        long w = 0;
        for (int b = i * 8; b < i * 8 + 8; b++) {
            w = (w << 8) | (output[b] & 0xFF);
        }
        return w;
    }
}
