package dev.sluice.ffi;

import dev.sluice.core.BadInputException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file mapped into memory as a {@link MemorySegment}, read-only or read-write, owning the shared {@link Arena}
 * that unmaps it on {@link #close()}.
 *
 * <p>Cost: opening is one {@code mmap}; no page is read until it is touched. Closing unmaps, which makes the JVM
 * stop every thread briefly (a handshake) to make sure none still reads the memory.
 *
 * <p>An empty file maps to a zero-length segment; {@link #force()} does nothing for it.
 *
 * <p>Thread-safe: the segment can be read (and, read-write, written) from any thread; once this is closed, every
 * method but {@link #path()} and {@link #sizeBytes()} throws {@link IllegalStateException}, and so does any access
 * through a segment obtained earlier.
 */
public final class MappedFile implements AutoCloseable {
    private final Path path;
    private final Arena arena;
    private final MemorySegment segment;

    private MappedFile(Path path, Arena arena, MemorySegment segment) {
        this.path = path;
        this.arena = arena;
        this.segment = segment;
    }

    /**
     * Maps all of an existing file for reading.
     *
     * @param path the file
     * @return the mapping; writing to its segment throws {@link IllegalArgumentException}
     * @throws BadInputException when the file does not exist or cannot be opened or mapped for reading
     */
    public static MappedFile openReadOnly(Path path) {
        return open(path, MapMode.READ_ONLY, -1, StandardOpenOption.READ);
    }

    /**
     * Maps the first {@code sizeBytes} of a file for reading and writing, creating the file when it does not exist
     * and extending it with zeros when it is shorter. A longer file keeps its length; the bytes past
     * {@code sizeBytes} are not mapped.
     *
     * @param path the file
     * @param sizeBytes how many bytes to map, zero or more
     * @return the mapping; writes reach the file at the latest when the kernel writes the pages back, and at once on
     *     {@link #force()}
     * @throws BadInputException when {@code sizeBytes} is negative or the file cannot be opened or mapped for
     *     writing
     */
    public static MappedFile openReadWrite(Path path, long sizeBytes) {
        if (sizeBytes < 0) {
            throw new BadInputException("cannot map " + sizeBytes + " bytes of " + path + ": the size is negative");
        }
        return open(
                path,
                MapMode.READ_WRITE,
                sizeBytes,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE,
                StandardOpenOption.CREATE);
    }

    /** @param sizeBytes the size to map, or -1 for the whole file */
    private static MappedFile open(Path path, MapMode mode, long sizeBytes, OpenOption... options) {
        if (Files.isDirectory(path)) {
            throw new BadInputException("cannot map " + path + ": it is a directory");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, options)) {
            long size = sizeBytes < 0 ? channel.size() : sizeBytes;
            return new MappedFile(path, arena, channel.map(mode, 0, size, arena));
        } catch (NoSuchFileException e) {
            arena.close();
            throw new BadInputException("cannot map " + path + ": no such file", e);
        } catch (IOException e) {
            arena.close(); // unmaps, should the channel have failed to close after mapping
            throw new BadInputException("cannot map " + path + " " + mode + ": " + e, e);
        }
    }

    /**
     * @return the mapped bytes, starting at file offset 0 and page-aligned
     * @throws IllegalStateException when this is closed
     */
    public MemorySegment segment() {
        requireOpen();
        return segment;
    }

    /** @return how many bytes are mapped */
    public long sizeBytes() {
        return segment.byteSize();
    }

    /** @return the mapped file */
    public Path path() {
        return path;
    }

    /**
     * Writes the changed pages of a read-write mapping to the storage device and waits for it ({@code msync}).
     * For a read-only mapping there is nothing to write.
     *
     * @throws IllegalStateException when this is closed
     */
    public void force() {
        requireOpen();
        segment.force();
    }

    /** Unmaps the file; further calls do nothing. Throws if another thread is in a native call on the segment. */
    @Override
    public synchronized void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    private void requireOpen() {
        if (!arena.scope().isAlive()) {
            throw new IllegalStateException("the mapping of " + path + " is closed");
        }
    }

    @Override
    public String toString() {
        return "MappedFile[" + path + ", " + segment.byteSize() + " bytes"
                + (segment.isReadOnly() ? ", read-only" : ", read-write")
                + (arena.scope().isAlive() ? "" : ", closed") + "]";
    }
}
