package dev.sluice.vector;

import dev.sluice.core.BadInputException;
import dev.sluice.core.CorruptDataException;
import dev.sluice.core.memory.FloatMatrix;
import dev.sluice.ffi.MappedFile;
import dev.sluice.vector.internal.AtomicFiles;
import dev.sluice.vector.internal.StoreFileLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads and writes the texmex {@code .fvecs} and {@code .ivecs} formats of ANN benchmarks: per row a little-endian
 * int32 count, then that many little-endian float32 (fvecs) or int32 (ivecs) values. Every row of a file must
 * have the same count. Reading maps the file and checks its whole structure before copying anything; writing is
 * atomic (temporary file, fsync, rename). Stateless and thread-safe.
 */
public final class Texmex {
    private static final ValueLayout.OfFloat FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Texmex() {}

    /**
     * @param file an {@code .fvecs} file
     * @return its rows in a new off-heap matrix (close it to free the memory)
     * @throws CorruptDataException when the file is empty, truncated, or has a bad or varying dimension
     */
    public static FloatMatrix readFvecs(Path file) {
        requireRegularFile(file);
        try (MappedFile mapped = MappedFile.openReadOnly(file)) {
            MemorySegment bytes = mapped.segment();
            int dimension = checkShape(file, bytes);
            int rows = (int) (bytes.byteSize() / (4L + 4L * dimension));
            FloatMatrix matrix = FloatMatrix.allocate(file.getFileName().toString(), rows, dimension);
            for (int row = 0; row < rows; row++) {
                long offset = row * (4L + 4L * dimension) + 4;
                for (int i = 0; i < dimension; i++) {
                    matrix.set(row, i, bytes.get(FLOAT, offset + 4L * i));
                }
            }
            return matrix;
        }
    }

    /**
     * @param file an {@code .ivecs} file
     * @return its rows
     * @throws CorruptDataException when the file is empty, truncated, or has a bad or varying row length
     */
    public static int[][] readIvecs(Path file) {
        requireRegularFile(file);
        try (MappedFile mapped = MappedFile.openReadOnly(file)) {
            MemorySegment bytes = mapped.segment();
            int length = checkShape(file, bytes);
            int rows = (int) (bytes.byteSize() / (4L + 4L * length));
            int[][] values = new int[rows][length];
            for (int row = 0; row < rows; row++) {
                long offset = row * (4L + 4L * length) + 4;
                for (int i = 0; i < length; i++) {
                    values[row][i] = bytes.get(StoreFileLayout.INT, offset + 4L * i);
                }
            }
            return values;
        }
    }

    /** Checks that every row has the first row's count and the file ends exactly after the last row. */
    private static int checkShape(Path file, MemorySegment bytes) {
        if (bytes.byteSize() < 4) {
            throw new CorruptDataException(file + " is empty or truncated: " + bytes.byteSize()
                    + " bytes, a texmex file starts with a 4-byte count");
        }
        int count = bytes.get(StoreFileLayout.INT, 0);
        if (count < 1 || count > 1 << 20) {
            throw new CorruptDataException(file + " starts with count " + count + "; expected 1 to " + (1 << 20));
        }
        long rowBytes = 4L + 4L * count;
        if (bytes.byteSize() % rowBytes != 0) {
            throw new CorruptDataException(file + " is " + bytes.byteSize() + " bytes, not a whole number of "
                    + rowBytes + "-byte rows of " + count + " values (truncated?)");
        }
        for (long offset = 0; offset < bytes.byteSize(); offset += rowBytes) {
            int rowCount = bytes.get(StoreFileLayout.INT, offset);
            if (rowCount != count) {
                throw new CorruptDataException(file + ": row " + offset / rowBytes + " has " + rowCount
                        + " values but the first row has " + count);
            }
        }
        return count;
    }

    /**
     * @param file the destination
     * @param vectors the rows to write
     */
    public static void writeFvecs(Path file, FloatMatrix vectors) {
        int dimension = vectors.dimension();
        writeRows(file, vectors.rows(), dimension, (buffer, row) -> {
            for (int i = 0; i < dimension; i++) {
                buffer.putFloat(vectors.get(row, i));
            }
        });
    }

    /**
     * @param file the destination
     * @param rows the rows to write, all of one length
     */
    public static void writeIvecs(Path file, int[][] rows) {
        int length = rows.length == 0 ? 0 : rows[0].length;
        for (int[] row : rows) {
            if (row.length != length) {
                throw new dev.sluice.core.BadInputException(
                        "ivecs rows must have one length; got " + row.length + " and " + length);
            }
        }
        writeRows(
                file, rows.length, length, (buffer, row) -> buffer.asIntBuffer().put(rows[row]));
    }

    private interface RowWriter {
        void put(ByteBuffer buffer, int row);
    }

    private static void writeRows(Path file, int rows, int count, RowWriter writer) {
        AtomicFiles.write(file, channel -> {
            ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * count).order(ByteOrder.LITTLE_ENDIAN);
            for (int row = 0; row < rows; row++) {
                buffer.clear();
                buffer.putInt(count);
                writer.put(buffer, row);
                buffer.position(buffer.capacity()).flip();
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
            return null;
        });
    }

    /** A FIFO would block the mapping, a device never end it: only regular files (or links to them) are read. */
    private static void requireRegularFile(Path file) {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new BadInputException(file + " is not a regular file (a directory, FIFO, socket or device)");
        }
    }
}
