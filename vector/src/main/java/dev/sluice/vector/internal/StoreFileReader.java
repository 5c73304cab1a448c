package dev.sluice.vector.internal;

import static dev.sluice.vector.internal.StoreFileLayout.INT;
import static dev.sluice.vector.internal.StoreFileLayout.LONG;

import dev.sluice.core.CorruptDataException;
import dev.sluice.core.hash.ContentHash;
import dev.sluice.vector.KeyKind;
import dev.sluice.vector.Metadata;
import dev.sluice.vector.Similarity;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Reads a store file in the {@link StoreFileLayout} format in place, from its bytes (a read-only mapping). Opening
 * checks the frame (size, magic, version, recorded length, CRC32C, end magic: one read of the whole file), the
 * header and the section offsets; each row's key and metadata are then decoded on request, with their bounds checked
 * against their section. The vectors are not copied: {@link #vectors()} is a slice of the file's bytes.
 *
 * <p>Every failed check is a {@link CorruptDataException} naming the file, what was expected and what was found.
 * Reads only; thread-safe while the bytes stay mapped.
 */
public final class StoreFileReader {
    private final Object file;
    private final MemorySegment bytes;
    private final int dimension;
    private final Similarity similarity;
    private final KeyKind keyKind;
    private final int rows;
    private final MemorySegment keySection;
    private final MemorySegment metadataSection;
    private final long deletedOffset;

    private StoreFileReader(Object file, MemorySegment bytes) {
        checkFrame(file, bytes);
        this.file = file;
        this.bytes = bytes;
        dimension = bytes.get(INT, StoreFileLayout.DIMENSION_OFFSET);
        similarity = Similarity.ofFileCode(bytes.get(INT, StoreFileLayout.SIMILARITY_OFFSET));
        keyKind = KeyKind.ofFileCode(bytes.get(INT, StoreFileLayout.KEY_KIND_OFFSET));
        long rowCount = bytes.get(LONG, StoreFileLayout.ROWS_OFFSET);
        if (dimension < 1
                || similarity == null
                || keyKind == null
                || rowCount < 0
                || rowCount > Integer.MAX_VALUE - 64) {
            throw new CorruptDataException(file + " has an invalid header: dimension " + dimension + ", similarity "
                    + similarity + ", key kind " + keyKind + ", rows " + rowCount);
        }
        rows = (int) rowCount;
        long keysOffset = StoreFileLayout.align8(StoreFileLayout.HEADER_BYTES + vectorBytes());
        long recordedKeys = bytes.get(LONG, StoreFileLayout.KEYS_OFFSET_OFFSET);
        long metadataOffset = bytes.get(LONG, StoreFileLayout.METADATA_OFFSET_OFFSET);
        deletedOffset = bytes.get(LONG, StoreFileLayout.DELETED_OFFSET_OFFSET);
        long deletedEnd = deletedOffset + 8L * StoreFileLayout.deletedWords(rows);
        if (recordedKeys != keysOffset
                || metadataOffset < keysOffset
                || deletedOffset < metadataOffset
                || deletedEnd != bytes.byteSize() - StoreFileLayout.TRAILER_BYTES) {
            throw new CorruptDataException(file + " has inconsistent section offsets: keys " + recordedKeys
                    + " (expected " + keysOffset + "), metadata " + metadataOffset + ", deleted " + deletedOffset
                    + ", file " + bytes.byteSize() + " bytes");
        }
        keySection = bytes.asSlice(keysOffset, metadataOffset - keysOffset);
        metadataSection = bytes.asSlice(metadataOffset, deletedOffset - metadataOffset);
    }

    /**
     * Checks a store file's frame, header and section offsets.
     *
     * @param file the file, for messages
     * @param bytes all of its bytes
     * @return the reader
     * @throws CorruptDataException naming the first check that failed, with the expected and found values
     */
    public static StoreFileReader open(Object file, MemorySegment bytes) {
        return new StoreFileReader(file, bytes);
    }

    /**
     * Checks everything that can be checked without decoding the sections: size, magic, version, recorded length,
     * checksum and end magic. Reads the whole file once (the CRC32C).
     */
    private static void checkFrame(Object file, MemorySegment segment) {
        long size = segment.byteSize();
        int frameBytes = StoreFileLayout.HEADER_BYTES + StoreFileLayout.TRAILER_BYTES;
        if (size < frameBytes) {
            throw new CorruptDataException(file + " is truncated: " + size + " bytes, shorter than the " + frameBytes
                    + "-byte header and trailer of a vector store file");
        }
        byte[] magic = segment.asSlice(0, StoreFileLayout.MAGIC.length).toArray(ValueLayout.JAVA_BYTE);
        if (!Arrays.equals(magic, StoreFileLayout.MAGIC)) {
            HexFormat hex = HexFormat.of();
            throw new CorruptDataException(file + " is not a Sluice vector store file: its magic is "
                    + hex.formatHex(magic) + ", expected " + hex.formatHex(StoreFileLayout.MAGIC)
                    + " (\"SLUICEVS\")");
        }
        int version = segment.get(INT, StoreFileLayout.VERSION_OFFSET);
        if (version > StoreFileLayout.FORMAT_VERSION) {
            throw new CorruptDataException(file + " has format version " + version + ", newer than version "
                    + StoreFileLayout.FORMAT_VERSION + " that this build reads; upgrade Sluice");
        }
        if (version < StoreFileLayout.FORMAT_VERSION) {
            throw new CorruptDataException(file + " has format version " + version + ", older than version "
                    + StoreFileLayout.FORMAT_VERSION + " that this build reads (version 2 stores cosine vectors at unit"
                    + " length); rebuild the store from its source vectors");
        }
        long recordedLength = segment.get(LONG, StoreFileLayout.FILE_LENGTH_OFFSET);
        if (recordedLength != size) {
            throw new CorruptDataException(file + " is " + size + " bytes but its header records " + recordedLength
                    + (size < recordedLength ? " (the file is truncated)" : " (the file has extra bytes)"));
        }
        int storedCrc = segment.get(INT, size - StoreFileLayout.TRAILER_BYTES);
        int computedCrc = StoreFileLayout.crc32c(segment.asSlice(0, size - StoreFileLayout.TRAILER_BYTES));
        if (storedCrc != computedCrc) {
            throw new CorruptDataException(file + " fails its checksum: stored CRC32C 0x"
                    + Integer.toHexString(storedCrc) + ", computed 0x" + Integer.toHexString(computedCrc)
                    + " (the file is corrupt)");
        }
        int endMagic = segment.get(INT, size - 4);
        if (endMagic != StoreFileLayout.END_MAGIC) {
            throw new CorruptDataException(file + " has end magic 0x" + Integer.toHexString(endMagic) + ", expected 0x"
                    + Integer.toHexString(StoreFileLayout.END_MAGIC));
        }
    }

    /** @return the floats per vector */
    public int dimension() {
        return dimension;
    }

    /** @return how the vectors are compared */
    public Similarity similarity() {
        return similarity;
    }

    /** @return whether keys are strings or longs */
    public KeyKind keyKind() {
        return keyKind;
    }

    /** @return the number of rows, deleted ones included */
    public int rows() {
        return rows;
    }

    /** @return the store's generation when it was saved */
    public long generation() {
        return bytes.get(LONG, StoreFileLayout.GENERATION_OFFSET);
    }

    /** @return the content hash recorded in the header: the store's version */
    public ContentHash contentHash() {
        return ContentHash.fromBytes(
                bytes.asSlice(StoreFileLayout.CONTENT_HASH_OFFSET, StoreFileLayout.CONTENT_HASH_BYTES)
                        .toArray(ValueLayout.JAVA_BYTE));
    }

    /** @return the vectors of all rows, row after row, in place in the file's bytes */
    public MemorySegment vectors() {
        return bytes.asSlice(StoreFileLayout.HEADER_BYTES, vectorBytes());
    }

    private long vectorBytes() {
        return (long) rows * dimension * 4L;
    }

    /**
     * @param row a row below {@link #rows()}
     * @return its key: a {@link String} or a {@link Long}, per {@link #keyKind()}
     * @throws CorruptDataException when the key lies outside its section or is absent
     */
    public Object key(int row) {
        if (keyKind == KeyKind.LONG) {
            long offset = 8L * row;
            if (offset + 8 > keySection.byteSize()) {
                throw new CorruptDataException(file + ": key section of " + keySection.byteSize()
                        + " bytes is too short for key at offset " + offset);
            }
            return keySection.get(LONG, offset);
        }
        long[] position = {rowStart(keySection, row)};
        String key = readOptionalString(keySection, position);
        if (key == null) {
            throw new CorruptDataException(file + ": row " + row + " has no key");
        }
        return key;
    }

    /**
     * @param row a row below {@link #rows()}
     * @return its metadata ({@link Metadata#NONE} when it has none)
     * @throws CorruptDataException when the metadata lies outside its section
     */
    public Metadata metadata(int row) {
        long[] position = {rowStart(metadataSection, row)};
        String documentId = readOptionalString(metadataSection, position);
        String snippetHash = readOptionalString(metadataSection, position);
        return documentId == null && snippetHash == null ? Metadata.NONE : new Metadata(documentId, snippetHash);
    }

    /**
     * @param row a row below {@link #rows()}
     * @return whether the row is marked deleted
     */
    public boolean isDeleted(int row) {
        return (bytes.get(LONG, deletedOffset + 8L * (row >>> 6)) & (1L << row)) != 0;
    }

    /** @return where a row's entry starts in a section of (rows + 1) offsets followed by a blob */
    private long rowStart(MemorySegment section, int row) {
        long tableBytes = 8L * (rows + 1);
        if (section.byteSize() < tableBytes) {
            throw new CorruptDataException(file + ": a section of " + section.byteSize()
                    + " bytes cannot hold the offsets of " + rows + " rows");
        }
        long start = section.get(LONG, 8L * row);
        long end = section.get(LONG, 8L * (row + 1));
        if (start < 0 || end < start || tableBytes + end > section.byteSize()) {
            throw new CorruptDataException(file + ": row " + row + " spans bytes " + start + ".." + end
                    + ", outside its section of " + (section.byteSize() - tableBytes) + " bytes");
        }
        return tableBytes + start;
    }

    /** Reads an int32 length (-1 for null) and that many UTF-8 bytes at {@code position[0]}, and moves past them. */
    private String readOptionalString(MemorySegment section, long[] position) {
        if (position[0] + 4 > section.byteSize()) {
            throw new CorruptDataException(
                    file + ": string length at " + position[0] + " is past the section end " + section.byteSize());
        }
        int length = section.get(INT, position[0]);
        position[0] += 4;
        if (length == -1) {
            return null;
        }
        if (length < 0 || position[0] + length > section.byteSize()) {
            throw new CorruptDataException(file + ": string of " + length + " bytes at " + position[0]
                    + " does not fit its section of " + section.byteSize() + " bytes (" + rows + " rows)");
        }
        byte[] utf8 = section.asSlice(position[0], length).toArray(ValueLayout.JAVA_BYTE);
        position[0] += length;
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
