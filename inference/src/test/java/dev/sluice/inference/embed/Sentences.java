package dev.sluice.inference.embed;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** A fixed, varied corpus of English sentences: short, long, punctuation, numbers and Unicode. */
final class Sentences {
    private static final String[] FIXED = {
        "Hi.",
        "OK",
        "Why?",
        "The cat sat on the mat.",
        "A quick brown fox jumps over the lazy dog!",
        "Is this the real life... or is this just fantasy?",
        "Call me at +1 (555) 010-9999, ext. 42.",
        "Pi is about 3.14159; e is about 2.71828.",
        "It costs $1,299.99 (tax incl.) — a bargain?",
        "Café, naïve, résumé, façade and jalapeño are borrowed words.",
        "Grüße aus München, schöne Straße!",
        "東京は日本の首都です。",
        "Привет, как дела?",
        "Γειά σου κόσμε",
        "I ❤️ embeddings 🚀🔥",
        "e-mail: someone@example.com / https://example.org/a?b=c&d=e",
        "snake_case, camelCase and kebab-case",
        "!!! ??? ... ;;; ---",
        "1 2 3 4 5 6 7 8 9 10",
        "The year 2024 had 366 days because it was a leap year.",
        "\"Quoted\" and 'single-quoted' and `back-ticked` words.",
        "Tabs\tand\nnewlines\tinside a sentence.",
        "UPPER CASE SHOUTING SENTENCE",
        "Mixed-CASE WoRdS in a SeNtEnCe",
        "Antidisestablishmentarianism.",
    };
    private static final String[] SUBJECTS = {
        "The engineer",
        "A small robot",
        "My grandmother",
        "The committee",
        "Every student",
        "The old lighthouse keeper",
        "Our database",
        "The river",
        "A distant galaxy",
        "The chef"
    };
    private static final String[] VERBS = {
        "explained",
        "ignored",
        "measured",
        "painted",
        "rebuilt",
        "questioned",
        "compressed",
        "celebrated",
        "indexed",
        "forgot"
    };
    private static final String[] OBJECTS = {
        "the quarterly results",
        "a forgotten melody",
        "the vector index",
        "seven blue bicycles",
        "the meaning of entropy",
        "an unfinished bridge",
        "the 42 rules of chess",
        "a recipe for bread",
        "the noisy neighbours",
        "the last train home"
    };
    private static final String[] TAILS = {
        "yesterday",
        "with great care",
        "before sunrise",
        "for no reason",
        "in 3.5 seconds",
        "despite the rain",
        "using Java 25",
        "at 10:45 p.m.",
        "twice",
        "while humming"
    };

    private Sentences() {}

    /**
     * @param count how many sentences, at least the fixed ones
     * @return the same list on every call: the fixed sentences, then seeded random ones, some very long
     */
    static List<String> varied(int count) {
        List<String> sentences = new ArrayList<>(List.of(FIXED));
        SplittableRandom random = new SplittableRandom(20_240_611L);
        while (sentences.size() < count) {
            int clauses = sentences.size() % 17 == 0 ? 60 : 1 + random.nextInt(6);
            StringBuilder text = new StringBuilder();
            for (int c = 0; c < clauses; c++) {
                if (c > 0) {
                    text.append(random.nextBoolean() ? ", and " : "; then ");
                }
                text.append(pick(SUBJECTS, random))
                        .append(' ')
                        .append(pick(VERBS, random))
                        .append(' ')
                        .append(pick(OBJECTS, random))
                        .append(' ')
                        .append(pick(TAILS, random));
            }
            sentences.add(text.append(random.nextBoolean() ? "." : "!").toString());
        }
        return List.copyOf(sentences.subList(0, count));
    }

    private static String pick(String[] words, SplittableRandom random) {
        return words[random.nextInt(words.length)];
    }
}
