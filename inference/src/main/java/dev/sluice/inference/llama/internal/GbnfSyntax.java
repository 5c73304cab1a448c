package dev.sluice.inference.llama.internal;

import dev.sluice.core.BadInputException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Checks a GBNF grammar (llama.cpp's grammar format) in Java: rules {@code name ::= alternatives} one per line,
 * literals, character classes, rule references, groups, {@code .}, and the repetitions {@code * + ? {m} {m,}
 * {m,n}}; every referenced rule defined and a {@code root} rule present. llama.cpp itself only logs a bad grammar and
 * then generates unconstrained text, so the check has to happen here. Each call uses its own parser; thread-safe.
 */
public final class GbnfSyntax {
    private final String text;
    private final Set<String> defined = new LinkedHashSet<>();
    private final Set<String> referenced = new LinkedHashSet<>();
    private int at;

    private GbnfSyntax(String text) {
        this.text = text;
    }

    /**
     * @param grammar the grammar
     * @throws BadInputException naming the first problem and its character offset
     */
    public static void check(String grammar) {
        GbnfSyntax parser = new GbnfSyntax(grammar);
        parser.rules();
        parser.referenced.removeAll(parser.defined);
        if (!parser.referenced.isEmpty()) {
            throw new BadInputException("the grammar uses undefined rules " + parser.referenced);
        }
        if (!parser.defined.contains("root")) {
            throw new BadInputException("the grammar has no 'root' rule");
        }
    }

    private void rules() {
        space(true);
        while (at < text.length()) {
            String name = name();
            if (name.isEmpty()) {
                throw error("expected a rule name");
            }
            defined.add(name);
            space(false);
            if (!text.startsWith("::=", at)) {
                throw error("expected '::=' after rule '" + name + "'");
            }
            at += 3;
            space(true);
            alternatives(false);
            if (at < text.length() && text.charAt(at) != '\n' && text.charAt(at) != '\r') {
                throw error("expected the end of the line after rule '" + name + "'");
            }
            space(true);
        }
    }

    private void alternatives(boolean nested) {
        sequence(nested);
        while (at < text.length() && text.charAt(at) == '|') {
            at++;
            space(true);
            sequence(nested);
        }
    }

    private void sequence(boolean nested) {
        boolean hasElement = false;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '"') {
                quoted('"');
            } else if (c == '[') {
                at++;
                if (at < text.length() && text.charAt(at) == '^') {
                    at++;
                }
                quoted(']');
            } else if (c == '(') {
                at++;
                space(true);
                alternatives(true);
                if (at >= text.length() || text.charAt(at) != ')') {
                    throw error("expected ')'");
                }
                at++;
            } else if (c == '.') {
                at++;
            } else if (isNameChar(c)) {
                referenced.add(name());
            } else if (c == '*' || c == '+' || c == '?' || c == '{') {
                if (!hasElement) {
                    throw error("'" + c + "' has nothing to repeat");
                }
                if (c == '{') {
                    repetition();
                } else {
                    at++;
                }
                space(nested);
                continue;
            } else {
                return;
            }
            hasElement = true;
            space(nested);
        }
    }

    private void repetition() {
        at++;
        space(false);
        int min = number();
        if (min < 0) {
            throw error("expected a number after '{'");
        }
        space(false);
        if (at < text.length() && text.charAt(at) == ',') {
            at++;
            space(false);
            int max = number();
            if (max >= 0 && max < min) {
                throw error("repetition maximum " + max + " is below its minimum " + min);
            }
            space(false);
        }
        if (at >= text.length() || text.charAt(at) != '}') {
            throw error("expected '}'");
        }
        at++;
    }

    private int number() {
        int start = at;
        while (at < text.length() && Character.isDigit(text.charAt(at)) && at - start < 6) {
            at++;
        }
        return at == start ? -1 : Integer.parseInt(text.substring(start, at));
    }

    private void quoted(char close) {
        int start = at;
        if (close == '"') {
            at++;
        }
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == close) {
                return;
            }
            if (c == '\n' || c == '\r') {
                break;
            }
            if (c == '\\') {
                escape();
            }
        }
        at = start;
        throw error(close == '"' ? "unterminated literal" : "unterminated character class");
    }

    private void escape() {
        if (at >= text.length()) {
            throw error("escape at the end");
        }
        char e = text.charAt(at++);
        int hex = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
        if (hex > 0) {
            for (int i = 0; i < hex; i++, at++) {
                if (at >= text.length() || Character.digit(text.charAt(at), 16) < 0) {
                    throw error("expected " + hex + " hex digits after \\" + e);
                }
            }
        } else if ("tnr\\\"[]-^".indexOf(e) < 0) {
            throw error("unknown escape \\" + e);
        }
    }

    private String name() {
        int start = at;
        while (at < text.length() && isNameChar(text.charAt(at))) {
            at++;
        }
        return text.substring(start, at);
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    }

    private void space(boolean newlines) {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == ' ' || c == '\t' || (newlines && (c == '\n' || c == '\r'))) {
                at++;
            } else if (c == '#') {
                while (at < text.length() && text.charAt(at) != '\n' && text.charAt(at) != '\r') {
                    at++;
                }
            } else {
                return;
            }
        }
    }

    private BadInputException error(String problem) {
        return new BadInputException("the grammar is not valid GBNF at character " + at + ": " + problem);
    }
}
