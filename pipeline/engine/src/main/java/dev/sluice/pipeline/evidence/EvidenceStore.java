package dev.sluice.pipeline.evidence;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Where runs leave their evidence and journal: the tables {@code event_envelope} (run id, node id, input and
 * output hashes, start and finish, attributes; the row of sequence 0 is the run's input envelope, with its
 * canonical payload), {@code evidence_link} (run id, kind doc|prompt|config|output, ref, hash, snippet, meta) and
 * {@code quality_eval} (run id, metric, value, meta, decided). The library creates the tables and records their
 * version in {@code sluice_evidence_schema}; a store written by a newer library is refused.
 *
 * <p><b>Writing costs the caller one encode and one ring-buffer copy.</b> {@link #append} encodes the run into an
 * Agrona ring buffer and returns; a writer agent on its own thread drains it and writes whole runs in batched
 * transactions. When the ring buffer is full {@code append} waits for room: an accepted run is never dropped.
 * {@link #flush()} waits until everything appended so far is committed; {@link #close()} flushes, then closes.
 * A process killed at any moment keeps every run whose transaction committed, and each run is all or nothing.
 *
 * <p><b>A run that cannot be written does not hold up the others.</b> When the database refuses a run for what it
 * holds (a constraint, a value it cannot store, a damaged page), the writer retries it a bounded number of times,
 * then sets it aside: it is logged with its run id (through {@link System.Logger}), counted in
 * {@link #setAsideRuns()}, and the runs after it are written. Only while the database cannot be reached at all does
 * the writer keep retrying, so that nothing is lost while it comes back.
 *
 * <p><b>Integrity.</b> Each stored row carries a hash of its content, and a run's first row the hashes of all its
 * other rows. Every read checks them: {@link #evidence} throws {@link TamperedEvidenceException} for a run whose
 * rows do not match (a flipped bit in the file, a row changed, added or removed behind the store's back), and
 * {@link #journal} marks such a run ({@link JournalEntry#tampered()}). Runs written before the store kept row
 * hashes have nothing to be checked against and read as before.
 *
 * <p>The engine holds no implementation: {@code sluice-jdbc} opens one in SQLite or PostgreSQL
 * ({@code JdbcEvidence.sqlite(file)}, {@code JdbcEvidence.postgres(url)}).
 *
 * <p>Thread-safe: any thread may append and read.
 */
public interface EvidenceStore extends AutoCloseable {
    /**
     * Hands a finished run to the writer. Returns once the run is in the ring buffer (waiting while it is full).
     *
     * @param evidence the run's evidence chain
     * @param inputSchemaVersion the version of the schema that encoded {@code input}
     * @param input the canonical input bytes, journaled for replay; the array is not kept
     * @throws dev.sluice.core.BadInputException if the encoded run is larger than a ring-buffer message, or holds a
     *     value the database cannot store (PostgreSQL: a NUL character, U+0000, in any text); the message names the
     *     run and the field, and nothing of the run is written
     * @throws IllegalStateException if the store is closed
     */
    void append(Evidence evidence, int inputSchemaVersion, byte[] input);

    /**
     * Waits until every run appended before this call is committed, or set aside because the database refused it
     * ({@link #setAsideRuns()}).
     *
     * @throws dev.sluice.core.SluiceException if the writer cannot reach the database in time (the database's error
     *     is the cause)
     */
    void flush();

    /**
     * Reads one run's evidence as committed. Call {@link #flush()} first to see runs just appended.
     *
     * @param runId the run's id
     * @return its evidence, empty if the store has no such run
     * @throws TamperedEvidenceException if the run's stored rows do not match their recorded hashes
     * @throws dev.sluice.core.SluiceException if the run was set aside (its evidence could not be written), or the
     *     database fails
     */
    Optional<Evidence> evidence(UUID runId);

    /**
     * Reads the journal: runs that started in {@code [from, to)}, oldest first.
     *
     * @param from the earliest start, inclusive
     * @param to the latest start, exclusive
     * @return the journaled runs; a run whose rows do not match their recorded hashes is in the list, marked
     *     {@linkplain JournalEntry#isTampered() tampered}
     */
    List<JournalEntry> journal(Instant from, Instant to);

    /** @return how many runs this instance has committed since it opened */
    long committedRuns();

    /**
     * @return how many runs this instance could not write and set aside since it opened (each one logged with its
     *     run id); 0 for a store that never sets runs aside
     */
    default long setAsideRuns() {
        return 0;
    }

    /** Flushes, stops the writer and closes the connections. Idempotent. */
    @Override
    void close();
}
