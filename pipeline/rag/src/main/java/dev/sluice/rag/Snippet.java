package dev.sluice.rag;

/**
 * One retrieved passage: its key in the vector store, its document id and snippet hash (from the store's
 * metadata; "" when the row has none), its text, and its similarity score.
 *
 * @param key the row's key in the store
 * @param documentId the document the passage comes from, "" if unknown
 * @param snippetHash the hash of the passage's text as recorded in the store, "" if unknown
 * @param text the passage's text
 * @param score the similarity score, higher is better
 */
public record Snippet(String key, String documentId, String snippetHash, String text, float score) {}
