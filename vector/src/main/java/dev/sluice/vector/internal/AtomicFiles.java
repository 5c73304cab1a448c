package dev.sluice.vector.internal;

import dev.sluice.core.BadInputException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Crash-safe file replacement: write {@code NAME.tmp} beside the target, fsync it, rename it over the target
 * atomically, fsync the directory. A crash at any point leaves the old file or the new one, never a torn file; a
 * leftover {@code .tmp} is overwritten by the next save.
 */
public final class AtomicFiles {
    /** Writes the content of a file through a channel positioned at 0. */
    @FunctionalInterface
    public interface ChannelWriter<T> {
        /**
         * @param channel the temporary file, open for reading and writing
         * @return a result passed back to the caller
         * @throws IOException when writing fails
         */
        T write(FileChannel channel) throws IOException;
    }

    /** Writes the content of a file by path, for libraries that open the file themselves. */
    @FunctionalInterface
    public interface PathWriter {
        /**
         * @param temporary the file to create and fill
         * @throws IOException when writing fails
         */
        void write(Path temporary) throws IOException;
    }

    private AtomicFiles() {}

    /** @return the temporary file a save of {@code file} writes before renaming it */
    public static Path temporaryFor(Path file) {
        return file.resolveSibling(file.getFileName() + ".tmp");
    }

    /**
     * @param file the target
     * @param writer writes the content through a channel
     * @param <T> the writer's result
     * @return the writer's result
     * @throws BadInputException when the file cannot be written
     */
    public static <T> T write(Path file, ChannelWriter<T> writer) {
        Object[] result = new Object[1];
        writeByPath(file, temporary -> {
            try (FileChannel channel = FileChannel.open(
                    temporary,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                result[0] = writer.write(channel);
            }
        });
        @SuppressWarnings("unchecked")
        T typed = (T) result[0];
        return typed;
    }

    /**
     * @param file the target
     * @param writer creates and fills the temporary file
     * @throws BadInputException when the file cannot be written
     */
    public static void writeByPath(Path file, PathWriter writer) {
        Path temporary = temporaryFor(file);
        try {
            Path directory = file.toAbsolutePath().getParent();
            Files.createDirectories(directory);
            Files.deleteIfExists(temporary);
            writer.write(temporary);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel directoryChannel = FileChannel.open(directory, StandardOpenOption.READ)) {
                directoryChannel.force(true);
            }
        } catch (IOException e) {
            throw new BadInputException("cannot write " + file + ": " + e, e);
        }
    }
}
