package dev.sluice.inference;

import dev.sluice.core.BadInputException;
import dev.sluice.core.hash.ContentHash;
import java.nio.file.Path;

/**
 * The content-derived identity of a model, as it enters cache keys: the runtime that executes it, the model's own
 * name (architecture and name from its metadata, or the file name) and the SHA-256 of the model file. Two files
 * with the same bytes have the same identity wherever they live; a changed file never matches an old key.
 *
 * @param runtime the runtime that executes the model, such as {@code "onnxruntime"} or {@code "llama.cpp"}
 * @param name the model's name, such as {@code "llama/tiny-test"} or {@code "all-minilm-l6-v2"}
 * @param fileHash the SHA-256 of the model file
 */
public record ModelIdentity(String runtime, String name, ContentHash fileHash) {
    /** Checks the parts. */
    public ModelIdentity {
        if (runtime == null || runtime.isBlank() || name == null || name.isBlank() || fileHash == null) {
            throw new BadInputException("a model identity needs a runtime, a name and a file hash; got " + runtime
                    + ", " + name + ", " + fileHash);
        }
    }

    /**
     * Identifies a model file, hashing it once per process (again only if its size or modification time change).
     *
     * @param runtime the runtime that executes the model
     * @param name the model's name
     * @param modelFile the model file
     * @return the identity
     */
    public static ModelIdentity of(String runtime, String name, Path modelFile) {
        return new ModelIdentity(runtime, name, ContentHash.ofFile(modelFile));
    }

    /** @return the form used in cache keys and span attributes: {@code runtime:name@sha256:hex} */
    public String key() {
        return runtime + ":" + name + "@sha256:" + fileHash.hex();
    }

    @Override
    public String toString() {
        return key();
    }
}
