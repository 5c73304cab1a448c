package dev.sluice.inference.embed;

import dev.sluice.core.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Model files shipped inside jars (such as {@code all-minilm-l6-v2.onnx} in LangChain4j's model jar on Maven
 * Central), copied once to a cache folder so that ONNX Runtime and the tokenizer can open them as files.
 *
 * <p>Cost: the first call copies the resource (tens of megabytes); later calls compare the cached file's size with
 * the resource's and return. Thread- and process-safe: the copy goes to a temporary file that is moved into place
 * atomically.
 */
public final class ModelFiles {
    private ModelFiles() {}

    /**
     * Returns the cached copy of a class-path resource, copying it on first use.
     *
     * @param resource the resource name at the class-path root, such as {@code "all-minilm-l6-v2.onnx"}
     * @param cacheDir the folder for the copy, created when missing
     * @return the cached file
     * @throws BadInputException if no jar on the class path has the resource
     * @throws UncheckedIOException if the copy fails
     */
    public static Path extractResource(String resource, Path cacheDir) {
        URL url = ModelFiles.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new BadInputException("no jar on the class path contains " + resource);
        }
        Path target = cacheDir.resolve(resource);
        try {
            URLConnection connection = url.openConnection();
            long size = connection.getContentLengthLong();
            if (Files.isRegularFile(target) && Files.size(target) == size) {
                return target;
            }
            Files.createDirectories(cacheDir);
            Path temporary = Files.createTempFile(cacheDir, resource, ".part");
            try (InputStream in = connection.getInputStream()) {
                Files.copy(in, temporary, StandardCopyOption.REPLACE_EXISTING);
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temporary);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + resource + " to " + cacheDir, e);
        }
    }
}
