package dev.sluice.vector.internal;

import dev.sluice.core.hash.ContentHash;
import dev.sluice.core.hash.Sha256;
import dev.sluice.vector.KeyKind;
import dev.sluice.vector.Metadata;
import dev.sluice.vector.Similarity;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes a store file in the {@link StoreFileLayout} format, and computes the content hash that is a store's
 * version (the same bytes streamed to the digest, without writing them). {@link StoreFileReader} reads the file.
 */
public final class StoreFileWriter {
    private static final long MAX_BUFFER_BYTES = 1L << 30;

    /**
     * What is written: a consistent copy of the store's state taken under its lock (vectors are not copied; the
     * slices point at the store's memory, which is append-only).
     *
     * @param dimension floats per vector
     * @param similarity the similarity
     * @param keyKind the key kind
     * @param rows the row count
     * @param generation the store's generation
     * @param vectorSlices the vector bytes of all rows, in row order
     * @param keys one key per row
     * @param metadata one metadata per row
     * @param deletedWords the deleted-row bitmap
     */
    public record Snapshot(
            int dimension,
            Similarity similarity,
            KeyKind keyKind,
            int rows,
            long generation,
            MemorySegment[] vectorSlices,
            Object[] keys,
            Metadata[] metadata,
            long[] deletedWords) {}

    private StoreFileWriter() {}

    /**
     * @param snapshot the state
     * @return its content hash, without writing anything
     */
    public static ContentHash contentHash(Snapshot snapshot) {
        try (Sha256 sha = Sha256.acquire()) {
            return writeBody(snapshot, null, sha).hash();
        } catch (IOException e) {
            throw new IllegalStateException("hashing in memory cannot fail", e);
        }
    }

    /**
     * Writes the file through a fsynced temporary file and an atomic rename.
     *
     * @param file the destination
     * @param snapshot the state
     * @return the content hash recorded in the file
     */
    public static ContentHash write(Path file, Snapshot snapshot) {
        return AtomicFiles.write(file, channel -> {
            Body body;
            try (Sha256 sha = Sha256.acquire()) {
                body = writeBody(snapshot, channel, sha);
            }
            long length = body.endOffset() + StoreFileLayout.TRAILER_BYTES;
            ByteBuffer header = header(snapshot, body, length);
            while (header.hasRemaining()) {
                channel.write(header, header.position());
            }
            int crc;
            try (Arena arena = Arena.ofConfined()) {
                crc = StoreFileLayout.crc32c(
                        channel.map(FileChannel.MapMode.READ_ONLY, 0, length - StoreFileLayout.TRAILER_BYTES, arena));
            }
            ByteBuffer trailer = ByteBuffer.allocate(StoreFileLayout.TRAILER_BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(crc)
                    .putInt(StoreFileLayout.END_MAGIC)
                    .flip();
            channel.write(trailer, length - StoreFileLayout.TRAILER_BYTES);
            return body.hash();
        });
    }

    private static ByteBuffer header(Snapshot snapshot, Body body, long length) {
        ByteBuffer header = ByteBuffer.allocate(StoreFileLayout.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.put(StoreFileLayout.MAGIC)
                .putInt(StoreFileLayout.FORMAT_VERSION)
                .putInt(snapshot.dimension())
                .putInt(snapshot.similarity().fileCode())
                .putInt(snapshot.keyKind().fileCode())
                .putLong(snapshot.rows())
                .putLong(snapshot.generation())
                .putLong(body.keysOffset())
                .putLong(body.metadataOffset())
                .putLong(body.deletedOffset())
                .putLong(length)
                .put(body.hash().toBytes());
        return header.clear();
    }

    private record Body(ContentHash hash, long keysOffset, long metadataOffset, long deletedOffset, long endOffset) {}

    /** Streams identity fields and sections, each to the digest and (when given) to the channel after the header. */
    private static Body writeBody(Snapshot snapshot, FileChannel channel, Sha256 digest) throws IOException {
        ByteBuffer identity = ByteBuffer.allocate(16)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(snapshot.dimension())
                .putInt(snapshot.similarity().fileCode())
                .putInt(snapshot.keyKind().fileCode())
                .putInt(snapshot.rows())
                .flip();
        digest.update(identity);
        Sink sink = new Sink(channel, digest, StoreFileLayout.HEADER_BYTES);
        for (MemorySegment slice : snapshot.vectorSlices()) {
            for (long position = 0; position < slice.byteSize(); position += MAX_BUFFER_BYTES) {
                sink.write(slice.asSlice(position, Math.min(MAX_BUFFER_BYTES, slice.byteSize() - position))
                        .asByteBuffer());
            }
        }
        long keysOffset = sink.padTo8();
        sink.write(ByteBuffer.wrap(keySection(snapshot)));
        long metadataOffset = sink.padTo8();
        sink.write(ByteBuffer.wrap(metadataSection(snapshot)));
        long deletedOffset = sink.padTo8();
        ByteBuffer deleted =
                ByteBuffer.allocate(8 * snapshot.deletedWords().length).order(ByteOrder.LITTLE_ENDIAN);
        deleted.asLongBuffer().put(snapshot.deletedWords());
        sink.write(deleted);
        return new Body(digest.toContentHash(), keysOffset, metadataOffset, deletedOffset, sink.position);
    }

    private static byte[] keySection(Snapshot snapshot) {
        if (snapshot.keyKind() == KeyKind.LONG) {
            ByteBuffer keys = ByteBuffer.allocate(8 * snapshot.rows()).order(ByteOrder.LITTLE_ENDIAN);
            for (Object key : snapshot.keys()) {
                keys.putLong((Long) key);
            }
            return keys.array();
        }
        return offsetsAndBlob(snapshot.rows(), (out, row) -> writeString(out, (String) snapshot.keys()[row]));
    }

    private static byte[] metadataSection(Snapshot snapshot) {
        return offsetsAndBlob(snapshot.rows(), (out, row) -> {
            writeString(out, snapshot.metadata()[row].documentId());
            writeString(out, snapshot.metadata()[row].snippetHash());
        });
    }

    private interface RowEncoder {
        void encode(DataOutputStream out, int row) throws IOException;
    }

    /** (rows + 1) little-endian int64 offsets into the blob, then the blob. */
    private static byte[] offsetsAndBlob(int rows, RowEncoder encoder) {
        try {
            ByteArrayOutputStream blob = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(blob);
            ByteBuffer offsets = ByteBuffer.allocate(8 * (rows + 1)).order(ByteOrder.LITTLE_ENDIAN);
            for (int row = 0; row < rows; row++) {
                offsets.putLong(blob.size());
                encoder.encode(out, row);
            }
            offsets.putLong(blob.size());
            byte[] section = new byte[offsets.capacity() + blob.size()];
            System.arraycopy(offsets.array(), 0, section, 0, offsets.capacity());
            System.arraycopy(blob.toByteArray(), 0, section, offsets.capacity(), blob.size());
            return section;
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
    }

    /** An int32 little-endian length (-1 for null), then UTF-8 bytes. */
    private static void writeString(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(Integer.reverseBytes(-1));
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(Integer.reverseBytes(bytes.length));
        out.write(bytes);
    }

    /** Feeds the digest and, when there is a file, writes at increasing positions. */
    private static final class Sink {
        private final FileChannel channel;
        private final Sha256 digest;
        private long position;

        Sink(FileChannel channel, Sha256 digest, long position) {
            this.channel = channel;
            this.digest = digest;
            this.position = position;
        }

        void write(ByteBuffer bytes) throws IOException {
            digest.update(bytes.duplicate());
            if (channel != null) {
                while (bytes.hasRemaining()) {
                    position += channel.write(bytes, position);
                }
            } else {
                position += bytes.remaining();
            }
        }

        /** @return the position after padding */
        long padTo8() throws IOException {
            int padding = (int) (StoreFileLayout.align8(position) - position);
            if (padding > 0) {
                write(ByteBuffer.allocate(padding));
            }
            return position;
        }
    }
}
