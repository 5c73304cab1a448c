package dev.sluice.rag;

import java.util.List;

/**
 * The output of a retrieve node: the query and the passages found for it, best first.
 *
 * @param query the text that was searched for
 * @param snippets the passages, best first
 */
public record Retrieval(String query, List<Snippet> snippets) {
    /** Freezes the list. */
    public Retrieval {
        snippets = List.copyOf(snippets);
    }
}
