package dev.sluice.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.CorruptDataException;
import dev.sluice.vector.internal.AtomicFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreFileTest {
    @TempDir
    Path directory;

    private Path savedStore() {
        Path file = directory.resolve("store.slv");
        try (VectorStore store = Fixtures.clusteredStore(300, 24, Similarity.COSINE)) {
            store.add("no-metadata", store.vector(3).toArray(), null);
            store.delete("k10");
            store.save(file);
        }
        return file;
    }

    @Test
    void roundTripKeepsVectorsKeysMetadataDeletionsAndVersion() {
        Path file = directory.resolve("store.slv");
        try (VectorStore original = Fixtures.clusteredStore(300, 24, Similarity.COSINE)) {
            original.delete("k10");
            original.save(file);
            try (VectorStore opened = VectorStore.open(file)) {
                assertEquals(original.version(), opened.version());
                assertEquals(original.generation(), opened.generation());
                assertEquals(300, opened.size());
                assertEquals(299, opened.liveCount());
                assertTrue(opened.isDeleted(10));
                assertEquals(Similarity.COSINE, opened.similarity());
                for (int row = 0; row < 300; row++) {
                    assertEquals(original.key(row), opened.key(row));
                    assertEquals(original.metadata(row), opened.metadata(row));
                    assertArrayEquals(
                            original.vector(row).toArray(), opened.vector(row).toArray());
                }
                float[] query = original.vector(42).toArray();
                assertEquals(
                        FlatIndex.of(original).search(query, 10),
                        FlatIndex.of(opened).search(query, 10));
            }
        }
    }

    @Test
    void longKeysRoundTrip() {
        Path file = directory.resolve("long.slv");
        try (VectorStore store = VectorStore.create("ids", 2, Similarity.EUCLIDEAN, KeyKind.LONG)) {
            store.add(Long.MIN_VALUE, new float[] {1, 2}, new Metadata(null, "h"));
            store.add(-1L, new float[] {3, 4}, null);
            store.save(file);
        }
        try (VectorStore opened = VectorStore.open(file)) {
            assertEquals(KeyKind.LONG, opened.keyKind());
            assertEquals(0, opened.rowOf(Long.MIN_VALUE));
            assertEquals(new Metadata(null, "h"), opened.metadata(0));
        }
    }

    @Test
    void openedStoreReadsInPlaceAcceptsNewRowsAndSavesOverItsOwnFile() {
        Path file = savedStore();
        try (VectorStore opened = VectorStore.open(file)) {
            int row = opened.add("new", ones(24), null);
            assertEquals(301, row);
            opened.save(file);
        }
        try (VectorStore reopened = VectorStore.open(file)) {
            assertEquals(302, reopened.size());
            float[] unit = ones(24);
            java.util.Arrays.fill(unit, (float) (1 / Math.sqrt(24))); // cosine stores unit vectors
            assertArrayEquals(unit, reopened.vector(301).toArray(), 1e-7f);
        }
    }

    private static float[] ones(int dimension) {
        float[] vector = new float[dimension];
        java.util.Arrays.fill(vector, 1);
        return vector;
    }

    @Test
    void rejectsTruncatedFiles() throws IOException {
        byte[] bytes = Files.readAllBytes(savedStore());
        for (int length : new int[] {0, 7, 100, 135, bytes.length / 2, bytes.length - 1}) {
            Path truncated = directory.resolve("truncated-" + length);
            Files.write(truncated, java.util.Arrays.copyOf(bytes, length));
            CorruptDataException e = assertThrows(CorruptDataException.class, () -> VectorStore.open(truncated));
            assertTrue(e.getMessage().contains("truncated"), length + ": " + e.getMessage());
        }
    }

    @Test
    void rejectsEveryFlippedByte() throws IOException {
        byte[] bytes = Files.readAllBytes(savedStore());
        Path corrupt = directory.resolve("corrupt.slv");
        for (int offset = 0; offset < bytes.length; offset += 61) {
            byte[] copy = bytes.clone();
            copy[offset] ^= 0x10;
            Files.write(corrupt, copy);
            assertThrows(CorruptDataException.class, () -> VectorStore.open(corrupt), "flip at " + offset);
        }
    }

    @Test
    void rejectsForeignMagicAndNewerOrOlderVersion() throws IOException {
        byte[] bytes = Files.readAllBytes(savedStore());
        Path foreign = directory.resolve("foreign.slv");
        byte[] copy = bytes.clone();
        System.arraycopy("GGUF\0\0\0\0".getBytes(StandardCharsets.US_ASCII), 0, copy, 0, 8);
        Files.write(foreign, copy);
        CorruptDataException magic = assertThrows(CorruptDataException.class, () -> VectorStore.open(foreign));
        assertTrue(magic.getMessage().contains("not a Sluice vector store file"), magic.getMessage());

        assertTrue(openWithVersion(bytes, 3).contains("format version 3, newer than version 2"));
        assertTrue(openWithVersion(bytes, 1).contains("format version 1, older than version 2"));
    }

    /** @return the message of opening a copy of a store file with another format version */
    private String openWithVersion(byte[] bytes, int version) throws IOException {
        Path file = directory.resolve("version-" + version + ".slv");
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(8, version);
        Files.write(file, copy);
        return assertThrows(CorruptDataException.class, () -> VectorStore.open(file))
                .getMessage();
    }

    @Test
    void leftoverTemporaryFileOfAnInterruptedSaveIsIgnored() throws IOException {
        Path file = savedStore();
        Files.write(AtomicFiles.temporaryFor(file), new byte[] {1, 2, 3});
        try (VectorStore opened = VectorStore.open(file)) {
            assertEquals(301, opened.size());
            opened.save(file);
        }
        assertFalse(Files.exists(AtomicFiles.temporaryFor(file)));
    }

    /**
     * A JVM that saves a growing store in a loop is killed with SIGKILL in the middle of saving; the file must still
     * open, intact, with one of the saved states.
     */
    @Test
    void saveKilledMidwayLeavesTheOldFileIntact() throws Exception {
        Path file = directory.resolve("killed.slv");
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED",
                "--add-modules",
                "jdk.incubator.vector",
                "--add-exports",
                "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                SaveLoop.class.getName(),
                file.toString()));
        Process child = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .start();
        try (BufferedReader output =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            int saves = 0;
            String line;
            while (saves < 3 && (line = output.readLine()) != null) {
                if (line.startsWith("saved")) {
                    saves++;
                }
            }
            assertEquals(3, saves, "the child saved three times before it was killed");
            while (!Files.exists(AtomicFiles.temporaryFor(file))) {
                Thread.onSpinWait(); // kill while a save is writing its temporary file
            }
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        try (VectorStore opened = VectorStore.open(file)) {
            assertTrue(opened.size() >= SaveLoop.INITIAL_ROWS + 2, "rows " + opened.size());
            assertEquals(opened.size(), opened.liveCount());
        }
        try (var files = Files.list(directory)) {
            assertTrue(files.noneMatch(path -> path.getFileName().toString().startsWith("hs_err")));
        }
    }

    /** The child process of {@link #saveKilledMidwayLeavesTheOldFileIntact}. */
    public static final class SaveLoop {
        static final int INITIAL_ROWS = 20_000;

        public static void main(String[] args) {
            Path file = Path.of(args[0]);
            try (VectorStore store = Fixtures.clusteredStore(INITIAL_ROWS, 384, Similarity.COSINE)) {
                for (int round = 0; ; round++) {
                    store.add("round-" + round, store.vector(round).toArray(), null);
                    store.save(file);
                    System.out.println("saved " + round);
                }
            }
        }
    }
}
