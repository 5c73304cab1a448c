package dev.sluice.inference.gguf.internal;

import static dev.sluice.inference.gguf.internal.GgufModelChecks.corrupt;
import static dev.sluice.inference.gguf.internal.GgufModelChecks.q;

import dev.sluice.core.CorruptDataException;
import java.util.Map;
import java.util.Set;

/**
 * Bounds on the Jinja chat templates a file carries ({@code tokenizer.chat_template} and its named variants). When
 * java-llama.cpp loads a model it parses them with llama.cpp's template engine (minja), which recurses once per
 * nesting level and per operator without a limit: a template nesting parentheses about 600 deep, chaining about 2,000
 * operators in one expression or nesting about 3,000 blocks overflows the native stack and the JVM dies with SIGSEGV
 * (deep block nesting is also slow: quadratic). Real templates nest a few levels and stay under a few hundred
 * operators per tag, so the caps here sit far below what crashes even on a thread with a small stack.
 *
 * <p>The scan is lexical: it tells tags ({@code {{ }}}, {@code {% %}}), comments and string literals apart, counts
 * bracket depth and operators inside each tag, and block depth from the statement keywords. Linear in the template.
 */
final class ChatTemplateChecks {
    /** Deepest bracket nesting inside one tag. */
    static final int MAX_BRACKET_DEPTH = 32;
    /** Most operators (and filters and attribute accesses) in one tag. */
    static final int MAX_OPERATORS_PER_TAG = 512;
    /** Deepest nesting of blocks ({@code if}, {@code for}, {@code macro}...). */
    static final int MAX_BLOCK_DEPTH = 64;
    /** Longest template. */
    static final int MAX_TEMPLATE_CHARS = 1 << 20;

    private static final Set<String> BLOCKS = Set.of("if", "for", "macro", "call", "filter", "generation");
    private static final Set<String> WORD_OPERATORS = Set.of("and", "or", "not", "in", "is");

    private ChatTemplateChecks() {}

    /**
     * Checks every chat template in the metadata.
     *
     * @param metadata the metadata
     * @param source the file's name for messages
     */
    static void check(Map<String, Object> metadata, String source) {
        for (Map.Entry<String, Object> e : metadata.entrySet()) {
            if (e.getKey().startsWith("tokenizer.chat_template") && e.getValue() instanceof String template) {
                check(q(e.getKey()), template, source);
            }
        }
    }

    private static void check(String key, String template, String source) {
        if (template.length() > MAX_TEMPLATE_CHARS) {
            throw refuse(
                    source,
                    key,
                    "is " + template.length() + " characters long (the limit is " + MAX_TEMPLATE_CHARS + ")");
        }
        int blockDepth = 0;
        int i = 0;
        int n = template.length();
        while (i < n) {
            int open = template.indexOf('{', i);
            if (open < 0 || open + 1 >= n) {
                break;
            }
            char kind = template.charAt(open + 1);
            if (kind == '#') {
                int end = template.indexOf("#}", open + 2);
                i = end < 0 ? n : end + 2;
                continue;
            }
            if (kind != '{' && kind != '%') {
                i = open + 1;
                continue;
            }
            String close = kind == '{' ? "}}" : "%}";
            int end = tagEnd(template, open + 2, close);
            String tag = template.substring(open + 2, end);
            i = Math.min(n, end + 2);
            scanExpression(tag, key, source);
            if (kind == '%') {
                String word = firstWord(tag);
                if (word.equals("raw")) { // literal text up to the endraw tag
                    int endRaw = template.indexOf("endraw", i);
                    int after = endRaw < 0 ? -1 : template.indexOf("%}", endRaw);
                    i = after < 0 ? n : after + 2;
                } else if (BLOCKS.contains(word) || word.equals("set") && !hasAssignment(tag)) {
                    blockDepth++;
                    if (blockDepth > MAX_BLOCK_DEPTH) {
                        throw refuse(source, key, "nests blocks more than " + MAX_BLOCK_DEPTH + " deep");
                    }
                } else if (word.startsWith("end") && blockDepth > 0) {
                    blockDepth--;
                }
            }
        }
    }

    /** Where a tag closes, skipping string literals; the template's end when it does not. */
    private static int tagEnd(String template, int from, String close) {
        char quote = 0;
        for (int i = from; i < template.length(); i++) {
            char c = template.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (template.startsWith(close, i)) {
                return i;
            }
        }
        return template.length();
    }

    private static void scanExpression(String tag, String key, String source) {
        int depth = 0;
        int operators = 0;
        char quote = 0;
        for (int i = 0; i < tag.length(); i++) {
            char c = tag.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            switch (c) {
                case '\'', '"' -> quote = c;
                case '(', '[', '{' -> {
                    depth++;
                    if (depth > MAX_BRACKET_DEPTH) {
                        throw refuse(source, key, "nests brackets more than " + MAX_BRACKET_DEPTH + " deep in one tag");
                    }
                }
                case ')', ']', '}' -> depth = Math.max(0, depth - 1);
                case '+', '-', '*', '/', '%', '~', '|', '.', '<', '>', '=', '!', ',' -> operators++;
                default -> {
                    if (Character.isLetter(c) && (i == 0 || !Character.isLetterOrDigit(tag.charAt(i - 1)))) {
                        int end = i;
                        while (end < tag.length() && Character.isLetterOrDigit(tag.charAt(end))) {
                            end++;
                        }
                        if (WORD_OPERATORS.contains(tag.substring(i, end))) {
                            operators++;
                        }
                        i = end - 1;
                    }
                }
            }
            if (operators > MAX_OPERATORS_PER_TAG) {
                throw refuse(source, key, "has more than " + MAX_OPERATORS_PER_TAG + " operators in one tag");
            }
        }
    }

    private static String firstWord(String tag) {
        int i = 0;
        while (i < tag.length()
                && (Character.isWhitespace(tag.charAt(i)) || tag.charAt(i) == '-' || tag.charAt(i) == '+')) {
            i++;
        }
        int start = i;
        while (i < tag.length() && (Character.isLetterOrDigit(tag.charAt(i)) || tag.charAt(i) == '_')) {
            i++;
        }
        return tag.substring(start, i);
    }

    private static boolean hasAssignment(String tag) {
        for (int i = 0; i < tag.length(); i++) {
            if (tag.charAt(i) == '='
                    && (i + 1 >= tag.length() || tag.charAt(i + 1) != '=')
                    && (i == 0 || "=!<>".indexOf(tag.charAt(i - 1)) < 0)) {
                return true;
            }
        }
        return false;
    }

    private static CorruptDataException refuse(String source, String key, String problem) {
        return corrupt(
                source,
                "has a chat template (" + key + ") that " + problem + "; llama.cpp parses it when it loads the model,"
                        + " recursing once per nesting level and operator without a limit, and crashes the process"
                        + " (SIGSEGV) on deep templates");
    }
}
