package dev.sluice.rag;

import dev.sluice.core.BadInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prompt with named placeholders, {@code {{question}}}, and an id that the evidence chain records with the
 * variables each run filled in ({@link RagNodes#prompt}). Immutable and thread-safe; rendering allocates the
 * prompt only.
 */
public final class PromptTemplate {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Za-z_][A-Za-z0-9_]*)}}");

    private final String id;
    private final String text;
    private final List<String> names;

    private PromptTemplate(String id, String text, List<String> names) {
        this.id = id;
        this.text = text;
        this.names = names;
    }

    /**
     * @param id the template's id, as the evidence chain records it (such as {@code "faq-answer/v2"})
     * @param text the template, with placeholders {@code {{name}}} (letters, digits, underscores)
     * @return the template
     * @throws BadInputException if the id is blank or the text has no placeholder
     */
    public static PromptTemplate of(String id, String text) {
        if (id == null || id.isBlank()) {
            throw new BadInputException("a prompt template needs an id");
        }
        if (text == null) {
            throw new BadInputException("prompt template '" + id + "' has no text");
        }
        List<String> names = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            if (!names.contains(m.group(1))) {
                names.add(m.group(1));
            }
        }
        if (names.isEmpty()) {
            throw new BadInputException("prompt template '" + id + "' has no {{placeholder}}");
        }
        return new PromptTemplate(id, text, List.copyOf(names));
    }

    /** @return the template's id */
    public String id() {
        return id;
    }

    /** @return the placeholders' names, in order of first appearance */
    public List<String> placeholders() {
        return names;
    }

    /**
     * @param variables a value for every placeholder (extra names are refused too, to catch typos)
     * @return the prompt
     * @throws BadInputException naming a placeholder without a value or a variable without a placeholder
     */
    public String render(Map<String, String> variables) {
        for (String name : names) {
            if (variables.get(name) == null) {
                throw new BadInputException("prompt template '" + id + "' needs a value for {{" + name + "}}");
            }
        }
        for (String name : variables.keySet()) {
            if (!names.contains(name)) {
                throw new BadInputException(
                        "prompt template '" + id + "' has no {{" + name + "}}; its placeholders" + " are " + names);
            }
        }
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder prompt = new StringBuilder(text.length() + 256);
        while (m.find()) {
            m.appendReplacement(prompt, Matcher.quoteReplacement(variables.get(m.group(1))));
        }
        return m.appendTail(prompt).toString();
    }

    @Override
    public String toString() {
        return "PromptTemplate[" + id + ", " + names + "]";
    }
}
