package dev.sluice.bench;

import dev.sluice.inference.embed.ModelFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * What the embedding benchmarks share: the real all-MiniLM-L6-v2 files from LangChain4j's model jar, copied once to
 * {@code java.io.tmpdir/sluice-bench-models}, and a fixed corpus of varied English sentences.
 */
final class EmbeddingFixture {
    static final Path CACHE = Path.of(System.getProperty("java.io.tmpdir"), "sluice-bench-models");
    static final String MODEL_RESOURCE = "all-minilm-l6-v2.onnx";
    static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    /** Complete clauses in the register of documentation, news, reviews, questions and support tickets. */
    private static final String[] CLAUSES = {
        "the train to Edinburgh was delayed by forty minutes this morning",
        "our team moved the billing service to a new database last spring",
        "the recipe calls for two cups of flour and a pinch of salt",
        "please restart the router before you call the help desk",
        "the museum is closed on Mondays",
        "she finished the marathon in just under four hours",
        "the quarterly report shows revenue up 12% on the previous year",
        "most users never change the default settings",
        "the bridge was built in 1932 and repainted in 2019",
        "heavy rain is expected across the north of the country on Friday",
        "the library lends laptops to students for up to two weeks",
        "this function returns null when the key is missing",
        "the patient reported mild pain after the second dose",
        "he planted tomatoes, basil and peppers along the south fence",
        "the new phone has a brighter screen but a smaller battery",
        "the committee will publish its decision next Tuesday",
        "I could not find the setting that turns off notifications",
        "the hotel room was clean, quiet and close to the station",
        "prices for second-hand cars fell sharply over the summer",
        "the index is rebuilt every night at two o'clock",
        "our cat refuses to eat anything except salmon",
        "the conference moved online after the venue flooded",
        "the API limits each client to 100 requests per minute",
        "my order arrived three days late and the box was damaged",
        "the forest covers almost a third of the region",
        "the teacher asked everyone to read the first chapter by Thursday",
        "a small bakery on the corner sells the best croissants in town",
        "the software update fixed the crash on start-up",
        "the river rose by two metres in less than a day",
        "volunteers cleaned up the beach on Saturday morning",
        "the contract can be cancelled with thirty days' notice",
        "the engine makes a strange noise when it is cold",
        "the orchestra played Beethoven's fifth symphony to a full hall",
        "the password must be at least twelve characters long",
        "the city council approved a new cycle lane along the harbour",
        "the children built a snowman in the garden",
        "the flight was cancelled because of a strike by air traffic controllers",
        "the paper argues that smaller models can match larger ones on narrow tasks",
        "the shop accepts cash, cards and mobile payments",
        "the old lighthouse now serves as a small museum",
    };

    private static final String[] JOINS = {
        ", and ", ", but ", "; however, ", " because ", ", so ", " while ", ", although ", "; meanwhile, "
    };
    private static final String[] QUESTIONS = {
        "Why is it that ", "Did you know that ", "Can you confirm that ", "Is it true that "
    };

    private EmbeddingFixture() {}

    static Path model() {
        return ModelFiles.extractResource(MODEL_RESOURCE, CACHE);
    }

    static Path tokenizer() {
        return ModelFiles.extractResource(TOKENIZER_RESOURCE, CACHE);
    }

    /**
     * Sentences of one to four clauses (about 6 to 60 words, 8 to 70 tokens), some phrased as questions; distinct,
     * with the spread of lengths of a real corpus.
     *
     * @param count how many sentences
     * @return the same sentences on every call
     */
    static List<String> sentences(int count) {
        SplittableRandom random = new SplittableRandom(42L);
        List<String> sentences = new ArrayList<>(count);
        Set<String> seen = new HashSet<>();
        while (sentences.size() < count) {
            int clauses = 1 + random.nextInt(4);
            boolean question = random.nextInt(5) == 0;
            StringBuilder text = new StringBuilder(question ? QUESTIONS[random.nextInt(QUESTIONS.length)] : "");
            for (int c = 0; c < clauses; c++) {
                if (c > 0) {
                    text.append(JOINS[random.nextInt(JOINS.length)]);
                }
                text.append(CLAUSES[random.nextInt(CLAUSES.length)]);
            }
            if (!question) {
                text.setCharAt(0, Character.toUpperCase(text.charAt(0)));
            }
            String sentence = text.append(question ? '?' : '.').toString();
            if (seen.add(sentence)) {
                sentences.add(sentence);
            }
        }
        return sentences;
    }
}
