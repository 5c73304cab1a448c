package dev.sluice.rag;

/**
 * Where a retrieve node finds the text of a passage from its key in the vector store (which holds vectors and
 * metadata, not text): a map, a file, a database. Must be thread-safe and return the same text for a key as long
 * as the index version is unchanged.
 */
@FunctionalInterface
public interface SnippetTexts {
    /**
     * @param key the row's key in the store ({@code String.valueOf} of a long key)
     * @return the passage's text
     */
    String textOf(String key);
}
