package dev.sluice.core.hash;

import static dev.sluice.core.schema.CanonicalFormat.TAG_LONG;
import static dev.sluice.core.schema.CanonicalFormat.TAG_STRING;

import java.util.SplittableRandom;

/**
 * The seed of a run: one 64-bit value from which every random choice of the run is derived, so that one seed fixes
 * the run. Sub-seeds for a node, a retry or a batch come from {@link #derive(String)} and {@link #derive(long)},
 * which hash the parent seed with the label: stable across JVMs, platforms and library versions (pinned by tests),
 * and independent for different labels.
 *
 * @param value the 64-bit seed
 */
public record Seed(long value) {
    private static final String DOMAIN = "sluice.seed/v1";

    /**
     * @param value the 64-bit seed
     * @return the seed
     */
    public static Seed of(long value) {
        return new Seed(value);
    }

    /**
     * @param purpose what the sub-seed is for, such as a node id ({@code "retrieve"})
     * @return the sub-seed for that purpose
     */
    public Seed derive(String purpose) {
        try (Sha256 sha = Sha256.acquire()) {
            writePrefix(sha);
            sha.writer.writeTag(TAG_STRING);
            sha.writer.writeStringBody(purpose);
            return finish(sha);
        }
    }

    /**
     * @param index a position, such as the index of a request in a run or of a retry
     * @return the sub-seed for that position
     */
    public Seed derive(long index) {
        try (Sha256 sha = Sha256.acquire()) {
            writePrefix(sha);
            sha.writer.writeTag(TAG_LONG);
            sha.writer.writeLongBody(index);
            return finish(sha);
        }
    }

    /** @return a new generator seeded with this value (the same sequence on every JVM) */
    public SplittableRandom random() {
        return new SplittableRandom(value);
    }

    private void writePrefix(Sha256 sha) {
        sha.writer.writeTag(TAG_STRING);
        sha.writer.writeStringBody(DOMAIN);
        sha.writer.writeTag(TAG_LONG);
        sha.writer.writeLongBody(value);
    }

    private static Seed finish(Sha256 sha) {
        sha.flushWriter();
        sha.finish();
        return new Seed(sha.word(0));
    }
}
