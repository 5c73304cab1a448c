package dev.sluice.jdbc.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The hashes stored in the {@code row_hash} column of the evidence store's tables, which every read checks.
 *
 * <p>A row's hash is the SHA-256 of its table's name and every column it holds but the generated id, each as a tag
 * and a length-prefixed value: the run id and sequence number bind the row to its place, so a row moved to another
 * run or position does not check. Attribute and meta columns are hashed as their canonical JSON text
 * ({@link JsonAttributes#write} of the map read back), so PostgreSQL's JSONB, which stores the same map in another
 * text, checks the same. The run's own row (sequence 0) hashes, after its columns, the hashes of all the run's
 * other rows in order ({@link #children}): a row removed, added or reordered then fails the run's row. The same
 * bytes go in on every engine, so a hash written by SQLite checks in PostgreSQL and the other way round.
 *
 * <p>Stateless and thread-safe. Everything here is fixed: stores hold these hashes, so changing how they are
 * computed breaks every store written before.
 */
final class RowHash {
    /** The length of a hash, in bytes. */
    static final int LENGTH_BYTES = 32;

    private static final byte NULL_TAG = 0;
    private static final byte BYTES_TAG = 1;
    private static final byte LONG_TAG = 2;

    private RowHash() {}

    /** A SHA-256 digest fed with tagged, length-prefixed fields. */
    private static final class Digest {
        private final MessageDigest sha;
        private final byte[] word = new byte[Long.BYTES];

        Digest(String table) {
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java platform has SHA-256", e);
            }
            text("sluice.evidence.row.v1");
            text(table);
        }

        Digest bytes(byte[] value) {
            if (value == null) {
                sha.update(NULL_TAG);
            } else {
                sha.update(BYTES_TAG);
                number(value.length);
                sha.update(value);
            }
            return this;
        }

        Digest text(String value) {
            return bytes(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        }

        Digest number(long value) {
            sha.update(LONG_TAG);
            for (int i = 0; i < Long.BYTES; i++) {
                word[i] = (byte) (value >>> (Long.SIZE - Byte.SIZE * (i + 1)));
            }
            sha.update(word);
            return this;
        }

        Digest uuid(UUID id) {
            return number(id.getMostSignificantBits()).number(id.getLeastSignificantBits());
        }

        Digest json(Map<String, String> fields) {
            return text(JsonAttributes.write(fields));
        }

        byte[] finish() {
            return sha.digest();
        }
    }

    /**
     * @param childHashes the hashes of a run's other rows: its node envelopes (sequence 1..), then its links, then
     *     its evaluations, each in sequence order
     * @return what the run's own row hashes after its columns
     */
    static byte[] children(List<byte[]> childHashes) {
        Digest digest = new Digest("children");
        digest.number(childHashes.size());
        for (byte[] hash : childHashes) {
            digest.bytes(hash);
        }
        return digest.finish();
    }

    /**
     * @param payload the payload; null hashes as empty (a store may give back an empty one as either)
     * @param children for the run's own row, {@link #children} of its other rows; null for a node's row
     * @return the hash of an {@code event_envelope} row
     */
    static byte[] envelope(
            UUID runId,
            int seq,
            String nodeId,
            String nodeVersion,
            String inputHash,
            String outputHash,
            long startedNs,
            long finishedNs,
            Map<String, String> attributes,
            byte[] payload,
            byte[] children) {
        return new Digest("event_envelope")
                .uuid(runId)
                .number(seq)
                .text(nodeId)
                .text(nodeVersion)
                .text(inputHash)
                .text(outputHash)
                .number(startedNs)
                .number(finishedNs)
                .json(attributes)
                .bytes(payload == null ? new byte[0] : payload)
                .bytes(children)
                .finish();
    }

    /** @return the hash of an {@code evidence_link} row; {@code kind} as stored (lower case) */
    static byte[] link(
            UUID runId, int seq, String kind, String ref, String hash, String snippet, Map<String, String> meta) {
        return new Digest("evidence_link")
                .uuid(runId)
                .number(seq)
                .text(kind)
                .text(ref)
                .text(hash)
                .text(snippet)
                .json(meta)
                .finish();
    }

    /** @return the hash of a {@code quality_eval} row */
    static byte[] eval(UUID runId, int seq, String metric, double value, Map<String, String> meta, boolean decided) {
        return new Digest("quality_eval")
                .uuid(runId)
                .number(seq)
                .text(metric)
                .number(value == 0 ? 0L : Double.doubleToLongBits(value)) // SQLite keeps -0.0 as 0
                .json(meta)
                .number(decided ? 1 : 0)
                .finish();
    }

    /** @return whether a stored hash (maybe null or of another length) is the one computed */
    static boolean matches(byte[] stored, byte[] computed) {
        return stored != null && MessageDigest.isEqual(stored, computed);
    }
}
