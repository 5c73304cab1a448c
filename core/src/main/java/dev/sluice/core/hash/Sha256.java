package dev.sluice.core.hash;

import dev.sluice.core.SluiceException;
import dev.sluice.core.schema.CanonicalWriter;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * Per-thread SHA-256 state with the scratch space to hash without allocating: a digest, an output array, a copy
 * chunk for buffers that are not backed by an array, and an expandable buffer with a writer for canonical
 * encodings. {@link #acquire()} hands out the thread's instance, or a fresh one if it is already in use further
 * up the stack, so reentrant use is safe.
 */
final class Sha256 implements AutoCloseable {
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
            throw new SluiceException("this JVM has no SHA-256 MessageDigest, which every Java SE platform must have", e);
        }
    }

    /** @return a reset instance, to be closed after use (try-with-resources) */
    static Sha256 acquire() {
        Sha256 local = LOCAL.get();
        Sha256 sha = local.inUse ? new Sha256() : local;
        sha.inUse = true;
        sha.digest.reset();
        sha.writer.wrap(sha.scratch, 0);
        return sha;
    }

    @Override
    public void close() {
        inUse = false;
    }

    void update(byte[] bytes, int offset, int length) {
        digest.update(bytes, offset, length);
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
