package dev.sluice.pipeline.evidence;

import java.util.Map;

/**
 * One link of a run's evidence chain, a row of the {@code evidence_link} table: a document or snippet that went
 * into the answer, the prompt, the model configuration, or the output. Immutable.
 *
 * @param kind what the link points at
 * @param ref its reference: a document id, a prompt template id, a model identity, a node id
 * @param hash the SHA-256 (hex) of the content, so that the content can be checked later; "" when not known
 * @param snippet a short excerpt of the content (at most {@link #MAX_SNIPPET_CHARS} characters), "" for none
 * @param meta anything else worth keeping (a retrieval score, template variables, sampling settings)
 */
public record EvidenceLink(Kind kind, String ref, String hash, String snippet, Map<String, String> meta) {
    /** Snippets longer than this are cut: the store keeps an excerpt and the hash of the whole. */
    public static final int MAX_SNIPPET_CHARS = 512;

    /** What a link points at. */
    public enum Kind {
        /** A retrieved document or snippet. */
        DOC,
        /** The prompt: a template id and its variables, or the text sent to a model. */
        PROMPT,
        /** A model configuration: identity, seed, sampling settings, tools. */
        CONFIG,
        /** The run's output. */
        OUTPUT
    }

    /** Checks the parts, cuts the snippet and freezes the meta. */
    public EvidenceLink {
        if (kind == null || ref == null || hash == null || snippet == null || meta == null) {
            throw new IllegalArgumentException("an evidence link needs a kind, a ref, a hash, a snippet and meta"
                    + " (none null; use \"\" and Map.of())");
        }
        snippet = excerpt(snippet);
        meta = Map.copyOf(meta);
    }

    /**
     * @param text any text
     * @return the text cut to {@link #MAX_SNIPPET_CHARS} characters
     */
    public static String excerpt(String text) {
        return text.length() <= MAX_SNIPPET_CHARS ? text : text.substring(0, MAX_SNIPPET_CHARS);
    }
}
