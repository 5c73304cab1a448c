package dev.sluice.vector;

/**
 * Optional facts stored with a row: the document it came from and the hash of the snippet it embeds, so that a
 * search hit can be traced back to its evidence. Either part may be {@code null}. Immutable.
 *
 * @param documentId the source document's id, or {@code null}
 * @param snippetHash the hex content hash of the embedded snippet, or {@code null}
 */
public record Metadata(String documentId, String snippetHash) {
    /** No metadata. */
    public static final Metadata NONE = new Metadata(null, null);
}
