package dev.sluice.pipeline.evidence;

import dev.sluice.core.CorruptDataException;
import java.util.UUID;

/**
 * A run's stored evidence does not match the hashes recorded with it: a row changed after it was written (a flipped
 * bit in the file, an edit behind the store's back), a row missing or added, or a column that no longer parses. The
 * store refuses to return such evidence as if it were the record: {@link EvidenceStore#evidence} throws this, and
 * {@link EvidenceStore#journal} marks the entry ({@link JournalEntry#tampered()}), whose input then throws it.
 */
public final class TamperedEvidenceException extends CorruptDataException {
    private static final long serialVersionUID = 1L;

    /** The run whose evidence is tampered. */
    private final UUID runId;

    /** What does not match: the table, row and column where known. */
    private final String where;

    /**
     * @param runId the run whose evidence is tampered
     * @param where what does not match: the table and row ({@code event_envelope row 2 (node 'call_model')}), the
     *     column where known
     * @param store how to name the store in the message
     */
    public TamperedEvidenceException(UUID runId, String where, String store) {
        this(runId, where, store, null);
    }

    /**
     * @param runId the run whose evidence is tampered
     * @param where what does not match
     * @param store how to name the store in the message
     * @param cause the failure that revealed it (a column that does not parse), or null
     */
    public TamperedEvidenceException(UUID runId, String where, String store, Throwable cause) {
        super("the evidence of run " + runId + " in " + store + " is tampered: " + where, cause);
        this.runId = runId;
        this.where = where;
    }

    /** @return the run whose evidence is tampered */
    public UUID runId() {
        return runId;
    }

    /** @return what does not match: the table, row and column where known */
    public String where() {
        return where;
    }
}
