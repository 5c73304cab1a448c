package dev.sluice.vector;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import dev.sluice.core.BadInputException;
import dev.sluice.core.CorruptDataException;
import dev.sluice.core.hash.ContentHash;
import dev.sluice.core.memory.VectorView;
import dev.sluice.ffi.MappedFile;
import dev.sluice.vector.internal.DeletedRows;
import dev.sluice.vector.internal.RowSource;
import dev.sluice.vector.internal.StoreFileLayout;
import dev.sluice.vector.internal.StoreFileReader;
import dev.sluice.vector.internal.StoreFileWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Float32 vectors of one dimension and one {@link Similarity}, held off-heap, each with an external key (a
 * {@link String} or a {@code long}, see {@link KeyKind}) and optional {@link Metadata}. Rows are numbered from 0 in
 * insertion order; a row keeps its number for the life of the store, and {@link #delete deleting} only marks it so
 * that searches skip it.
 *
 * <p><b>Memory.</b> Vectors are appended into chunks of {@value #CHUNK_ROWS} rows, 64-byte aligned, owned by the
 * store's arena; growing adds a chunk and never moves what is already stored. A store {@linkplain #open opened}
 * from a file reads the file's vectors in place through a read-only mapping (nothing is copied into the heap) and
 * puts rows added later into chunks. Keys and metadata live on the heap. {@link #close()} frees the chunks and
 * unmaps the file; any use afterwards throws {@link IllegalStateException} naming the store.
 *
 * <p><b>Cosine.</b> Under {@link Similarity#COSINE} each vector is scaled to unit length as it is added, so stored
 * vectors (in memory, in the file, and as {@link #vector(int)} returns them) are unit vectors and scoring is a dot
 * product; see {@link Similarity}.
 *
 * <p><b>Threads.</b> One writer at a time (adds and deletes take the store's lock; an add holds it for the copy of
 * one vector); any number of readers, lock-free, concurrently with the writer: a row becomes visible to readers
 * only once its vector, key and metadata are all in place.
 *
 * <p><b>Version.</b> {@link #version()} is a content hash of everything stored (vectors, keys, metadata, deletions,
 * dimension, similarity), so equal stores have equal versions across processes and a saved and reopened store keeps
 * its version. It is computed once per {@linkplain #generation() generation} (one pass over the vectors) and
 * stored in the file, so opening does not recompute it.
 */
public final class VectorStore implements AutoCloseable {
    /** Rows per off-heap chunk. */
    public static final int CHUNK_ROWS = 4096;

    private static final int CHUNK_SHIFT = Integer.numberOfTrailingZeros(CHUNK_ROWS);

    private final String name;
    private final int dimension;
    private final Similarity similarity;
    private final KeyKind keyKind;
    private final long rowBytes;
    private final Arena arena = Arena.ofShared();
    private final MappedFile mapping;
    private final MemorySegment baseVectors;
    private final int baseRows;
    private final ConcurrentHashMap<Object, Integer> rowsByKey = new ConcurrentHashMap<>();
    private final DeletedRows deleted;
    private final Rows rowSource = new Rows();

    private volatile MemorySegment[] chunks = new MemorySegment[0];
    private volatile Object[] keys;
    private volatile Metadata[] metadata;
    private volatile int size;
    private volatile int liveCount;
    private volatile long generation;
    private volatile boolean closed;
    private ContentHash cachedVersion;
    private long cachedVersionGeneration = -1;

    private VectorStore(
            String name,
            int dimension,
            Similarity similarity,
            KeyKind keyKind,
            MappedFile mapping,
            MemorySegment baseVectors,
            int baseRows) {
        this.name = name;
        this.dimension = dimension;
        this.similarity = similarity;
        this.keyKind = keyKind;
        this.rowBytes = 4L * dimension;
        this.mapping = mapping;
        this.baseVectors = baseVectors;
        this.baseRows = baseRows;
        this.keys = new Object[Math.max(16, baseRows)];
        this.metadata = new Metadata[keys.length];
        this.deleted = new DeletedRows(keys.length);
    }

    /**
     * Creates an empty store. Allocates nothing off-heap until the first add.
     *
     * @param name a name for messages, such as {@code "faq-passages"}
     * @param dimension the floats per vector, at least 1
     * @param similarity how vectors are compared
     * @param keyKind whether keys are strings or longs
     * @return the store; close it to free its memory
     */
    public static VectorStore create(String name, int dimension, Similarity similarity, KeyKind keyKind) {
        if (dimension < 1) {
            throw new BadInputException("dimension must be at least 1, got " + dimension);
        }
        requireLittleEndian();
        return new VectorStore(
                name,
                dimension,
                java.util.Objects.requireNonNull(similarity, "similarity"),
                java.util.Objects.requireNonNull(keyKind, "keyKind"),
                null,
                MemorySegment.NULL,
                0);
    }

    /**
     * Opens a store file written by {@link #save}: maps it read-only, checks its magic, version, length and CRC32C
     * (one read of the whole file), decodes keys and metadata onto the heap and reads vectors in place. Rows added
     * afterwards go to memory owned by the store; the file is not changed until the next {@link #save}.
     *
     * @param file the store file
     * @return the store; close it to unmap the file
     * @throws CorruptDataException when the file is truncated, corrupt, foreign or of a newer format version
     * @throws BadInputException when the file cannot be read
     */
    public static VectorStore open(Path file) {
        requireLittleEndian();
        if (java.nio.file.Files.exists(file) && !java.nio.file.Files.isRegularFile(file)) {
            throw new BadInputException(file + " is not a regular file (a directory, FIFO, socket or device)");
        }
        MappedFile mapped = MappedFile.openReadOnly(file);
        try {
            return fromFile(file, mapped, StoreFileReader.open(file, mapped.segment()));
        } catch (RuntimeException e) {
            mapped.close();
            throw e;
        }
    }

    /** Builds the store's keys, metadata, deletions and key index from a checked file; vectors stay mapped. */
    private static VectorStore fromFile(Path file, MappedFile mapped, StoreFileReader reader) {
        int rowCount = reader.rows();
        VectorStore store = new VectorStore(
                file.getFileName().toString(),
                reader.dimension(),
                reader.similarity(),
                reader.keyKind(),
                mapped,
                reader.vectors(),
                rowCount);
        Object[] keys = store.keys;
        Metadata[] metadata = store.metadata;
        int live = 0;
        for (int row = 0; row < rowCount; row++) {
            keys[row] = reader.key(row);
            metadata[row] = reader.metadata(row);
            if (reader.isDeleted(row)) {
                store.deleted.set(row);
            } else {
                if (store.rowsByKey.putIfAbsent(keys[row], row) != null) {
                    throw new CorruptDataException(file + " holds key '" + keys[row] + "' twice (row " + row
                            + " and row " + store.rowsByKey.get(keys[row]) + ")");
                }
                live++;
            }
        }
        store.size = rowCount;
        store.liveCount = live;
        store.generation = reader.generation();
        store.cachedVersion = reader.contentHash();
        store.cachedVersionGeneration = store.generation;
        return store;
    }

    private static void requireLittleEndian() {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException(
                    "vector stores need a little-endian CPU; this one is " + ByteOrder.nativeOrder());
        }
    }

    /**
     * Appends a vector under a string key. Copies the floats once, into the store's memory.
     *
     * @param key a key not in the store (a deleted row's key may be used again)
     * @param vector exactly {@link #dimension()} finite values (not all zero under {@link Similarity#COSINE})
     * @param rowMetadata the row's metadata, or {@code null} for none
     * @return the new row's number
     * @throws BadInputException for a wrong dimension, a NaN or infinite component, a zero vector under cosine, a
     *     duplicate key, or a long-keyed store
     */
    public int add(String key, float[] vector, Metadata rowMetadata) {
        return addRow(
                requireKey(KeyKind.STRING, key),
                MemorySegment.ofArray(checkLength(vector.length, vector)),
                rowMetadata);
    }

    /**
     * Appends a vector under a long key; see {@link #add(String, float[], Metadata)}.
     *
     * @param key a key not in the store
     * @param vector exactly {@link #dimension()} finite values
     * @param rowMetadata the row's metadata, or {@code null} for none
     * @return the new row's number
     */
    public int add(long key, float[] vector, Metadata rowMetadata) {
        return addRow(
                requireKey(KeyKind.LONG, key), MemorySegment.ofArray(checkLength(vector.length, vector)), rowMetadata);
    }

    /**
     * Appends a vector read from off-heap memory (such as a {@link dev.sluice.core.memory.FloatMatrix} row filled
     * by an embedder) under a string key: one copy, segment to segment, no heap array.
     *
     * @param key a key not in the store
     * @param vector a vector of {@link #dimension()} finite values
     * @param rowMetadata the row's metadata, or {@code null} for none
     * @return the new row's number
     */
    public int add(String key, VectorView vector, Metadata rowMetadata) {
        return addRow(requireKey(KeyKind.STRING, key), checkLength(vector.dimension(), vector.segment()), rowMetadata);
    }

    /**
     * Appends a vector read from off-heap memory under a long key; see {@link #add(String, VectorView, Metadata)}.
     *
     * @param key a key not in the store
     * @param vector a vector of {@link #dimension()} finite values
     * @param rowMetadata the row's metadata, or {@code null} for none
     * @return the new row's number
     */
    public int add(long key, VectorView vector, Metadata rowMetadata) {
        return addRow(requireKey(KeyKind.LONG, key), checkLength(vector.dimension(), vector.segment()), rowMetadata);
    }

    private <T> T checkLength(int length, T vector) {
        if (length != dimension) {
            throw new BadInputException(
                    "dimension " + length + " does not match the store's " + dimension + " (store '" + name + "')");
        }
        return vector;
    }

    private Object requireKey(KeyKind kind, Object key) {
        if (kind != keyKind) {
            throw new BadInputException("store '" + name + "' has " + keyKind + " keys, got a " + kind + " key");
        }
        return java.util.Objects.requireNonNull(key, "key");
    }

    /**
     * Checks that a vector is usable with this store: finite components, a norm that is a finite float32 and,
     * under cosine, not all zero and scalable to a finite unit vector (subnormal components, near 1e-42, are not:
     * their inverse norm overflows). Used for added vectors and for queries.
     *
     * @return the vector's squared norm
     */
    double checkValues(MemorySegment vector, String what) {
        double squaredNorm = 0;
        for (int i = 0; i < dimension; i++) {
            float value = vector.get(JAVA_FLOAT_UNALIGNED, 4L * i);
            if (!Float.isFinite(value)) {
                throw new BadInputException(
                        what + " component " + i + " is " + value + "; every component must be a finite number");
            }
            squaredNorm += (double) value * value;
        }
        double norm = Math.sqrt(squaredNorm);
        if (!Float.isFinite((float) norm)) {
            throw new BadInputException(what + " has norm " + norm + ", beyond float32's range; scale it down");
        }
        if (similarity != Similarity.COSINE) {
            return squaredNorm;
        }
        if (squaredNorm == 0) {
            throw new BadInputException(what + " is a zero vector, which has no direction under COSINE similarity");
        }
        float scale = similarity.queryScale(squaredNorm);
        if (Float.isNaN(scale)) {
            throw new BadInputException(what + " has norm " + norm + ", too " + (norm < 1 ? "small" : "large")
                    + " to scale to a finite unit vector in float32 (under COSINE only its direction counts;"
                    + " subnormal components such as 1e-42 have none that float32 can hold); scale it "
                    + (norm < 1 ? "up" : "down"));
        }
        for (int i = 0; i < dimension; i++) {
            float normalised = vector.get(JAVA_FLOAT_UNALIGNED, 4L * i) * scale;
            if (!Float.isFinite(normalised)) {
                throw new BadInputException(what + " component " + i + " scaled to unit length is " + normalised
                        + "; scale the vector to a norm nearer 1");
            }
        }
        return squaredNorm;
    }

    /**
     * Checks a query and k at the boundary of a search.
     *
     * @return the query's {@linkplain Similarity#queryScale scale}
     */
    float checkQuery(float[] query, int k) {
        ensureOpen();
        checkLength(query.length, query);
        int rows = size;
        if (k < 1 || k > rows) {
            throw new BadInputException(
                    "k must be from 1 to the store's " + rows + " rows, got " + k + " (store '" + name + "')");
        }
        return similarity.queryScale(checkValues(MemorySegment.ofArray(query), "query"));
    }

    private synchronized int addRow(Object key, MemorySegment vector, Metadata rowMetadata) {
        ensureOpen();
        double squaredNorm = checkValues(vector, "vector");
        Integer existing = rowsByKey.get(key);
        if (existing != null) {
            throw new BadInputException("duplicate key '" + key + "': already row " + existing + " of store '" + name
                    + "'; delete it first to replace it");
        }
        int row = size;
        if (row == Integer.MAX_VALUE - 64) {
            throw new BadInputException("store '" + name + "' is full at " + row + " rows");
        }
        MemorySegment chunk = chunkFor(row);
        long offset = offsetOf(row);
        MemorySegment.copy(vector, 0, chunk, offset, rowBytes);
        if (similarity == Similarity.COSINE) {
            float scale = similarity.queryScale(squaredNorm);
            for (long at = offset; at < offset + rowBytes; at += Float.BYTES) {
                chunk.set(JAVA_FLOAT_UNALIGNED, at, chunk.get(JAVA_FLOAT_UNALIGNED, at) * scale);
            }
        }
        if (row == keys.length) {
            keys = Arrays.copyOf(keys, row * 2);
            metadata = Arrays.copyOf(metadata, row * 2);
        }
        keys[row] = key;
        metadata[row] = rowMetadata == null ? Metadata.NONE : rowMetadata;
        rowsByKey.put(key, row);
        liveCount++;
        generation++;
        size = row + 1; // publishes the row to lock-free readers
        return row;
    }

    private MemorySegment chunkFor(int row) {
        int chunkIndex = (row - baseRows) >>> CHUNK_SHIFT;
        MemorySegment[] current = chunks;
        if (chunkIndex == current.length) {
            MemorySegment[] grown = Arrays.copyOf(current, chunkIndex + 1);
            grown[chunkIndex] = arena.allocate(rowBytes * CHUNK_ROWS, 64);
            chunks = grown;
            return grown[chunkIndex];
        }
        return current[chunkIndex];
    }

    /**
     * Marks the row of a string key deleted: searches skip it, its key can be added again. The row keeps its number
     * and its memory (rows never move), and the mark is saved with the store.
     *
     * @param key a key in the store
     * @return the deleted row's number
     * @throws BadInputException when the key is not in the store
     */
    public int delete(String key) {
        return deleteRow(requireKey(KeyKind.STRING, key));
    }

    /**
     * Marks the row of a long key deleted; see {@link #delete(String)}.
     *
     * @param key a key in the store
     * @return the deleted row's number
     */
    public int delete(long key) {
        return deleteRow(requireKey(KeyKind.LONG, key));
    }

    private synchronized int deleteRow(Object key) {
        ensureOpen();
        Integer row = rowsByKey.remove(key);
        if (row == null) {
            throw unknownKey(key);
        }
        deleted.set(row);
        liveCount--;
        generation++;
        return row;
    }

    private BadInputException unknownKey(Object key) {
        return new BadInputException(
                "unknown key '" + key + "': not in store '" + name + "' (" + liveCount + " live rows)");
    }

    /**
     * @param key a string key
     * @return its row
     * @throws BadInputException when the key is not in the store
     */
    public int rowOf(String key) {
        return rowOfKey(requireKey(KeyKind.STRING, key));
    }

    /**
     * @param key a long key
     * @return its row
     * @throws BadInputException when the key is not in the store
     */
    public int rowOf(long key) {
        return rowOfKey(requireKey(KeyKind.LONG, key));
    }

    private int rowOfKey(Object key) {
        Integer row = rowsByKey.get(key);
        if (row == null) {
            throw unknownKey(key);
        }
        return row;
    }

    /**
     * @param row a row below {@link #size()}
     * @return its key: a {@link String} or a {@link Long}, per {@link #keyKind()}
     */
    public Object key(int row) {
        checkRow(row);
        return keys[row];
    }

    /**
     * @param row a row below {@link #size()}
     * @return its metadata ({@link Metadata#NONE} when none was given)
     */
    public Metadata metadata(int row) {
        checkRow(row);
        return metadata[row];
    }

    /**
     * @param row a row below {@link #size()}
     * @return whether it was deleted
     */
    public boolean isDeleted(int row) {
        checkRow(row);
        return deleted.get(row);
    }

    /**
     * @param row a row below {@link #size()}
     * @return a zero-copy view of its vector as stored (unit length under cosine), valid until the store is closed
     *     (allocates the view)
     */
    public VectorView vector(int row) {
        checkRow(row);
        ensureOpen();
        return VectorView.wrap(
                name + "[" + row + "]", rowSource.segment(row).asSlice(offsetOf(row), rowBytes), dimension);
    }

    private void checkRow(int row) {
        int rows = size;
        if (row < 0 || row >= rows) {
            throw new BadInputException("row " + row + " is out of range: store '" + name + "' has " + rows + " rows");
        }
    }

    private long offsetOf(int row) {
        return row < baseRows ? row * rowBytes : ((row - baseRows) & (CHUNK_ROWS - 1)) * rowBytes;
    }

    /** @return the number of rows, deleted ones included; row numbers run from 0 to this, exclusive */
    public int size() {
        return size;
    }

    /** @return the number of rows not deleted */
    public int liveCount() {
        return liveCount;
    }

    /** @return the floats per vector */
    public int dimension() {
        return dimension;
    }

    /** @return how vectors are compared */
    public Similarity similarity() {
        return similarity;
    }

    /** @return whether keys are strings or longs */
    public KeyKind keyKind() {
        return keyKind;
    }

    /** @return the name given at creation, or the file name of an opened store */
    public String name() {
        return name;
    }

    /** @return the number of adds and deletes since the store was created (kept across save and open) */
    public long generation() {
        return generation;
    }

    /**
     * The store's content version for cache keys: SHA-256 over dimension, similarity, key kind and every row's
     * vector, key, metadata and deletion mark. Computed once per generation (one pass over the vectors); cheap
     * afterwards and right after {@link #open}.
     *
     * @return the content hash
     */
    public synchronized ContentHash version() {
        ensureOpen();
        if (cachedVersionGeneration != generation) {
            cachedVersion = StoreFileWriter.contentHash(snapshot());
            cachedVersionGeneration = generation;
        }
        return cachedVersion;
    }

    /**
     * Writes the store to a file: a temporary file beside it is written, fsynced and atomically renamed over
     * {@code file}, and the directory is fsynced, so a crash leaves either the old file or the new one, never a
     * torn file. Blocks writers (not readers) while it runs; streams the vectors from off-heap memory.
     *
     * @param file the destination
     * @throws BadInputException when the file cannot be written
     */
    public synchronized void save(Path file) {
        ensureOpen();
        ContentHash writtenVersion = StoreFileWriter.write(file, snapshot());
        cachedVersion = writtenVersion;
        cachedVersionGeneration = generation;
    }

    private StoreFileWriter.Snapshot snapshot() {
        int rows = size;
        MemorySegment[] vectorSlices = new MemorySegment[1 + chunks.length];
        vectorSlices[0] = baseVectors;
        for (int i = 0; i < chunks.length; i++) {
            long rowsInChunk = Math.min(CHUNK_ROWS, rows - baseRows - (long) i * CHUNK_ROWS);
            vectorSlices[i + 1] = chunks[i].asSlice(0, rowsInChunk * rowBytes);
        }
        long[] deletedWords = new long[StoreFileLayout.deletedWords(rows)];
        for (int i = 0; i < deletedWords.length; i++) {
            deletedWords[i] = deleted.word(i);
        }
        return new StoreFileWriter.Snapshot(
                dimension,
                similarity,
                keyKind,
                rows,
                generation,
                vectorSlices,
                Arrays.copyOf(keys, rows),
                Arrays.copyOf(metadata, rows),
                deletedWords);
    }

    /** @return the vectors as the indexes read them, in place */
    RowSource rows() {
        return rowSource;
    }

    /** @return whether {@link #close()} was called */
    public boolean isClosed() {
        return closed;
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("vector store '" + name + "' is closed");
        }
    }

    /** Frees the store's memory and unmaps its file. Idempotent; uses afterwards throw IllegalStateException. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            arena.close();
            if (mapping != null) {
                mapping.close();
            }
        }
    }

    @Override
    public String toString() {
        return "VectorStore[" + name + ", " + size + " rows (" + liveCount + " live) x " + dimension + ", " + similarity
                + ", " + keyKind + " keys" + (closed ? ", closed" : "") + "]";
    }

    private final class Rows implements RowSource {
        @Override
        public int dimension() {
            return dimension;
        }

        @Override
        public Similarity similarity() {
            return similarity;
        }

        @Override
        public int rows() {
            return size;
        }

        @Override
        public MemorySegment segment(int row) {
            return row < baseRows ? baseVectors : chunks[(row - baseRows) >>> CHUNK_SHIFT];
        }

        @Override
        public long offset(int row) {
            return offsetOf(row);
        }

        @Override
        public boolean isDeleted(int row) {
            return deleted.get(row);
        }
    }
}
