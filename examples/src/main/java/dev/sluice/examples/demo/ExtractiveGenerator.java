package dev.sluice.examples.demo;

import dev.sluice.core.hash.ContentHash;
import dev.sluice.examples.demo.AskFlow.Draft;
import dev.sluice.examples.demo.AskFlow.Prompt;
import dev.sluice.inference.ModelIdentity;
import dev.sluice.pipeline.Adapter;
import dev.sluice.pipeline.AdapterContext;
import dev.sluice.rag.Snippet;
import java.nio.charset.StandardCharsets;

/**
 * The generator of the demo when no language model is given: it answers with the best passage, trimmed to at most
 * {@value #MAX_CHARS} characters at a sentence end (or a word end when no sentence ends early enough). It is a real
 * adapter, cached and recorded like a model call, with a fixed identity ({@link #IDENTITY}) in its cache key, and
 * it is exact about what it is: it copies text, it does not compose it. Deterministic, allocation per call only for
 * the answer; thread-safe.
 */
public final class ExtractiveGenerator implements Adapter<Prompt, Draft> {
    /** The name shown as the generator of its answers. */
    public static final String NAME = "extractive (top snippet, trimmed)";
    /** The longest answer, characters. */
    public static final int MAX_CHARS = 400;
    /** Its model identity in cache keys: a hash of its rule, so that changing the rule changes the keys. */
    public static final ModelIdentity IDENTITY = new ModelIdentity(
            "sluice",
            "extractive",
            ContentHash.of(("top snippet, trimmed to " + MAX_CHARS + " chars at a sentence end, v1")
                    .getBytes(StandardCharsets.UTF_8)));

    private static final String IDENTITY_KEY = IDENTITY.key();

    @Override
    public Draft apply(Prompt prompt, AdapterContext context) {
        if (prompt.snippets().isEmpty()) {
            return new Draft("No passage was found for this question.", NAME, prompt.snippets(), 0);
        }
        Snippet top = prompt.snippets().get(0);
        String answer = trim(top.text());
        context.emitToken(answer);
        return new Draft(answer, NAME, prompt.snippets(), 0);
    }

    /**
     * @param text a passage
     * @return the passage if short enough, else its longest prefix of whole sentences (or words) within
     *     {@value #MAX_CHARS} characters, with an ellipsis when cut within a sentence
     */
    static String trim(String text) {
        if (text.length() <= MAX_CHARS) {
            return text;
        }
        int sentenceEnd = -1;
        for (int i = 0; i < MAX_CHARS; i++) {
            char c = text.charAt(i);
            if ((c == '.' || c == '!' || c == '?') && i + 1 < text.length() && text.charAt(i + 1) == ' ') {
                sentenceEnd = i + 1;
            }
        }
        if (sentenceEnd >= MAX_CHARS / 3) {
            return text.substring(0, sentenceEnd);
        }
        int wordEnd = text.lastIndexOf(' ', MAX_CHARS - 1);
        return text.substring(0, wordEnd > 0 ? wordEnd : MAX_CHARS - 1) + "\u2026";
    }

    @Override
    public String modelIdentity() {
        return IDENTITY_KEY;
    }

    @Override
    public int maxConcurrency() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }
}
