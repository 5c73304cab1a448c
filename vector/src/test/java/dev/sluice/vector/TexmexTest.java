package dev.sluice.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.CorruptDataException;
import dev.sluice.core.memory.FloatMatrix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TexmexTest {
    @TempDir
    Path directory;

    @Test
    void fvecsAndIvecsRoundTripInTheLittleEndianTexmexLayout() throws IOException {
        Path fvecs = directory.resolve("base.fvecs");
        try (FloatMatrix matrix = FloatMatrix.allocate("m", 2, 3)) {
            matrix.setRow(0, new float[] {1, 2, 3});
            matrix.setRow(1, new float[] {-1, 0.5f, 1e-3f});
            Texmex.writeFvecs(fvecs, matrix);
        }
        ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(fvecs)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(32, raw.capacity());
        assertEquals(3, raw.getInt(0));
        assertEquals(2f, raw.getFloat(8));
        try (FloatMatrix read = Texmex.readFvecs(fvecs)) {
            assertEquals(2, read.rows());
            assertArrayEquals(new float[] {-1, 0.5f, 1e-3f}, read.row(1).toArray());
        }
        Path ivecs = directory.resolve("gt.ivecs");
        int[][] rows = {{3, 1, 4}, {1, 5, 9}};
        Texmex.writeIvecs(ivecs, rows);
        assertTrue(Arrays.deepEquals(rows, Texmex.readIvecs(ivecs)));
    }

    @Test
    void rejectsEmptyTruncatedAndRaggedFiles() throws IOException {
        Path file = directory.resolve("bad.fvecs");
        Files.write(file, new byte[0]);
        assertThrows(CorruptDataException.class, () -> Texmex.readFvecs(file));
        ByteBuffer rows = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        rows.putInt(2).putFloat(1).putFloat(2).putInt(3).putFloat(1).putFloat(2);
        Files.write(file, rows.array());
        CorruptDataException ragged = assertThrows(CorruptDataException.class, () -> Texmex.readFvecs(file));
        assertTrue(ragged.getMessage().contains("row 1 has 3 values but the first row has 2"), ragged.getMessage());
        Files.write(file, Arrays.copyOf(rows.array(), 20));
        CorruptDataException truncated = assertThrows(CorruptDataException.class, () -> Texmex.readIvecs(file));
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
        ByteBuffer negative =
                ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(-5);
        Files.write(file, negative.array());
        assertThrows(CorruptDataException.class, () -> Texmex.readFvecs(file));
    }
}
