package dev.sluice.inference.embed;

import java.nio.file.Path;

/**
 * The real all-MiniLM-L6-v2 model and tokenizer from LangChain4j's model jar (a test dependency), copied once to
 * {@code target/test-models}, and one shared embedder over them (loaded once per test JVM).
 */
final class MiniLm {
    static final Path CACHE = Path.of("target", "test-models");
    static final Path MODEL = ModelFiles.extractResource("all-minilm-l6-v2.onnx", CACHE);
    static final Path TOKENIZER = ModelFiles.extractResource("all-minilm-l6-v2-tokenizer.json", CACHE);
    static final int DIMENSION = 384;

    private static OnnxEmbedder shared;

    private MiniLm() {}

    /** @return the embedder all tests share; never closed (the JVM ends) */
    static synchronized OnnxEmbedder shared() {
        if (shared == null) {
            shared = OnnxEmbedder.builder(MODEL, TOKENIZER).maxBatchSize(32).build();
        }
        return shared;
    }
}
