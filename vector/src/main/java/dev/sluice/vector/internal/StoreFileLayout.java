package dev.sluice.vector.internal;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The layout of a vector store file: its magic, version, field offsets and sizes, and its checksum. All numbers are
 * little-endian. {@link StoreFileWriter} writes it; {@link StoreFileReader} checks and reads it.
 *
 * <pre>
 * offset  size  field
 *      0     8  magic "SLUICEVS"
 *      8     4  format version (2; version 1 stored cosine vectors as given, version 2 scaled to unit length)
 *     12     4  dimension
 *     16     4  similarity code
 *     20     4  key kind code
 *     24     8  row count
 *     32     8  generation (mutations since creation)
 *     40     8  keys offset
 *     48     8  metadata offset
 *     56     8  deleted-rows offset
 *     64     8  file length in bytes
 *     72    32  content hash (SHA-256 of identity fields and body): the store's version
 *    104    24  reserved, zero
 *    128        vectors: rows x dimension float32, 64-byte aligned; unit length under cosine
 *               keys (8-aligned): LONG: rows x int64; STRING: (rows + 1) x int64 offsets into the UTF-8 blob, blob
 *               metadata (8-aligned): (rows + 1) x int64 offsets into the blob; per row two optional strings, each
 *               an int32 length (-1 for absent) and its UTF-8 bytes
 *               deleted rows (8-aligned): ceil(rows / 64) x int64 bit words
 *    end-8     4  CRC32C of every byte before it
 *    end-4     4  end magic "SLVE"
 * </pre>
 */
public final class StoreFileLayout {
    public static final byte[] MAGIC = "SLUICEVS".getBytes(StandardCharsets.US_ASCII);
    public static final int END_MAGIC = 0x45564C53; // "SLVE" read little-endian
    public static final int FORMAT_VERSION = 2;

    public static final int VERSION_OFFSET = 8;
    public static final int DIMENSION_OFFSET = 12;
    public static final int SIMILARITY_OFFSET = 16;
    public static final int KEY_KIND_OFFSET = 20;
    public static final int ROWS_OFFSET = 24;
    public static final int GENERATION_OFFSET = 32;
    public static final int KEYS_OFFSET_OFFSET = 40;
    public static final int METADATA_OFFSET_OFFSET = 48;
    public static final int DELETED_OFFSET_OFFSET = 56;
    public static final int FILE_LENGTH_OFFSET = 64;
    public static final int CONTENT_HASH_OFFSET = 72;
    public static final int CONTENT_HASH_BYTES = 32;
    public static final int HEADER_BYTES = 128;
    public static final int TRAILER_BYTES = 8;

    public static final ValueLayout.OfInt INT = JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong LONG = JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private StoreFileLayout() {}

    /** @return {@code value} rounded up to a multiple of 8 */
    public static long align8(long value) {
        return (value + 7) & ~7L;
    }

    /** @return the number of 64-bit words of a bitmap of {@code rows} bits */
    public static int deletedWords(int rows) {
        return (rows + 63) >>> 6;
    }

    /** @return the CRC32C of the bytes, read through the segment's memory without copying */
    public static int crc32c(MemorySegment bytes) {
        CRC32C crc = new CRC32C();
        long chunk = 1L << 30;
        for (long position = 0; position < bytes.byteSize(); position += chunk) {
            crc.update(bytes.asSlice(position, Math.min(chunk, bytes.byteSize() - position))
                    .asByteBuffer());
        }
        return (int) crc.getValue();
    }
}
