package dev.sluice.examples.cli;

import dev.sluice.core.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks of the files named on the command line, made before anything opens them: opening a FIFO blocks until a
 * writer comes (for ever, in practice) and a device such as {@code /dev/zero} never ends, so only regular files are
 * read. Links are followed: the user named the file.
 */
final class CliFiles {
    private CliFiles() {}

    /**
     * @param file a file named by an option or a parameter, or {@code null} when it was not given
     * @param what how the command line names it, such as {@code "--model"}
     * @return the file
     * @throws BadInputException if it is missing or not a regular file
     */
    static Path requireRegularFile(Path file, String what) {
        if (file == null) {
            return null;
        }
        if (!Files.exists(file)) {
            throw new BadInputException(what + " " + file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(what + " " + file + " is not a regular file (a directory, FIFO, socket or"
                    + " device); give a file");
        }
        return file;
    }
}
