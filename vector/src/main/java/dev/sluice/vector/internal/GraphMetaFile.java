package dev.sluice.vector.internal;

import dev.sluice.core.BadInputException;
import dev.sluice.core.CorruptDataException;
import dev.sluice.core.hash.ContentHash;
import dev.sluice.vector.GraphConfig;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The small file that ties a saved graph index together, written last: the build settings, the node count, the
 * version of the store the graph was built from, and the CRC32C of the jvector graph file and of the PQ file, so
 * that opening checks every file before jvector reads it. Little-endian:
 *
 * <pre>
 * magic "SLUICEGI" (8), format version (4), max degree (4), beam width (4), neighbour overflow (f32), alpha (f32),
 * hierarchy (4), overquery (f32), PQ subspaces (4), graph nodes (4), store content hash (32), graph CRC32C (4),
 * PQ CRC32C (4, 0 without PQ), int8 navigation (4, from format version 2), CRC32C of all the preceding bytes (4)
 * </pre>
 * Version 1 files (without int8 navigation) are read as walking the graph with the float vectors.
 *
 * @param maxDegree see GraphConfig
 * @param beamWidth see GraphConfig
 * @param neighborOverflow see GraphConfig
 * @param alpha see GraphConfig
 * @param hierarchy see GraphConfig
 * @param overquery see GraphConfig
 * @param pqSubspaces see GraphConfig
 * @param graphNodes the number of rows in the graph
 * @param storeVersion the content hash of the store file saved beside it
 * @param graphCrc the CRC32C of the graph file
 * @param pqCrc the CRC32C of the PQ file, 0 without PQ
 * @param int8Navigation see GraphConfig
 */
public record GraphMetaFile(
        int maxDegree,
        int beamWidth,
        float neighborOverflow,
        float alpha,
        boolean hierarchy,
        float overquery,
        int pqSubspaces,
        int graphNodes,
        ContentHash storeVersion,
        int graphCrc,
        int pqCrc,
        boolean int8Navigation) {
    private static final byte[] MAGIC = "SLUICEGI".getBytes(StandardCharsets.US_ASCII);
    private static final int FORMAT_VERSION = 2;
    private static final int BYTES = 92;
    private static final int VERSION_1_BYTES = 88;
    /** More than any format version's meta file: a larger file is refused before it is read. */
    private static final int MAX_READ_BYTES = 4096;

    /**
     * @param config the settings the graph was built with
     * @param graphNodes the number of rows in the graph
     * @param storeVersion the content hash of the store file saved beside it
     * @param graphCrc the CRC32C of the graph file
     * @param pqCrc the CRC32C of the PQ file, 0 without PQ
     * @return the meta file's content
     */
    public static GraphMetaFile of(
            GraphConfig config, int graphNodes, ContentHash storeVersion, int graphCrc, int pqCrc) {
        return new GraphMetaFile(
                config.maxDegree(),
                config.beamWidth(),
                config.neighborOverflow(),
                config.alpha(),
                config.hierarchy(),
                config.overquery(),
                config.pqSubspaces(),
                graphNodes,
                storeVersion,
                graphCrc,
                pqCrc,
                config.int8Navigation());
    }

    /** @return the settings recorded, with one build thread (an opened graph is not built) */
    public GraphConfig config() {
        return new GraphConfig(
                maxDegree, beamWidth, neighborOverflow, alpha, hierarchy, overquery, pqSubspaces, int8Navigation, 1);
    }

    /** @param file where to write it, atomically */
    public void write(Path file) {
        ByteBuffer bytes = ByteBuffer.allocate(BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.put(MAGIC)
                .putInt(FORMAT_VERSION)
                .putInt(maxDegree)
                .putInt(beamWidth)
                .putFloat(neighborOverflow)
                .putFloat(alpha)
                .putInt(hierarchy ? 1 : 0)
                .putFloat(overquery)
                .putInt(pqSubspaces)
                .putInt(graphNodes)
                .put(storeVersion.toBytes())
                .putInt(graphCrc)
                .putInt(pqCrc)
                .putInt(int8Navigation ? 1 : 0);
        bytes.putInt(StoreFileLayout.crc32c(MemorySegment.ofArray(bytes.array()).asSlice(0, BYTES - 4)));
        AtomicFiles.write(file, channel -> channel.write(bytes.flip()));
    }

    /**
     * @param file the meta file
     * @return its content, checked
     * @throws CorruptDataException when it is truncated, foreign, newer or corrupt
     */
    public static GraphMetaFile read(Path file) {
        byte[] content;
        try {
            if (Files.exists(file) && !Files.isRegularFile(file)) {
                // a FIFO would block the read, a device such as /dev/zero never end it
                throw new BadInputException(file + " is not a regular file (a directory, FIFO, socket or device)");
            }
            if (Files.exists(file) && Files.size(file) > MAX_READ_BYTES) {
                throw new CorruptDataException(
                        file + " has " + Files.size(file) + " bytes; a graph index meta file has " + BYTES);
            }
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new BadInputException(
                    file.getParent() + " is not a saved graph index: " + file.getFileName() + " is missing", e);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e, e);
        }
        if (content.length < MAGIC.length + 4 || !Arrays.equals(content, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new CorruptDataException(file + " is not a Sluice graph index file (no \"SLUICEGI\" magic)");
        }
        ByteBuffer bytes =
                ByteBuffer.wrap(content).order(ByteOrder.LITTLE_ENDIAN).position(MAGIC.length);
        int version = bytes.getInt();
        if (version > FORMAT_VERSION) {
            throw new CorruptDataException(file + " has format version " + version + ", newer than version "
                    + FORMAT_VERSION + " that this build reads; upgrade Sluice");
        }
        int expectedBytes = version == 1 ? VERSION_1_BYTES : BYTES;
        if (content.length != expectedBytes) {
            throw new CorruptDataException(file + " is " + content.length + " bytes, expected " + expectedBytes);
        }
        int computed = StoreFileLayout.crc32c(MemorySegment.ofArray(content).asSlice(0, expectedBytes - 4));
        int stored = bytes.getInt(expectedBytes - 4);
        if (computed != stored) {
            throw new CorruptDataException(file + " fails its checksum: stored CRC32C 0x" + Integer.toHexString(stored)
                    + ", computed 0x" + Integer.toHexString(computed));
        }
        int maxDegree = bytes.getInt();
        int beamWidth = bytes.getInt();
        float overflow = bytes.getFloat();
        float alpha = bytes.getFloat();
        boolean hierarchy = bytes.getInt() != 0;
        float overquery = bytes.getFloat();
        int pqSubspaces = bytes.getInt();
        int graphNodes = bytes.getInt();
        byte[] hash = new byte[32];
        bytes.get(hash);
        int graphCrc = bytes.getInt();
        int pqCrc = bytes.getInt();
        boolean int8Navigation = version >= 2 && bytes.getInt() != 0;
        return new GraphMetaFile(
                maxDegree,
                beamWidth,
                overflow,
                alpha,
                hierarchy,
                overquery,
                pqSubspaces,
                graphNodes,
                ContentHash.fromBytes(hash),
                graphCrc,
                pqCrc,
                int8Navigation);
    }
}
