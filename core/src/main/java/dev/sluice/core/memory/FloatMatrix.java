package dev.sluice.core.memory;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import dev.sluice.core.BadInputException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * A {@code rows x dimension} matrix of float32 in native byte order, row-major, over a {@link MemorySegment}: the
 * off-heap home of embeddings on their way from the embedder to the vector store and index.
 *
 * <p><b>Ownership.</b> {@link #allocate} gives a matrix that owns its memory (a shared {@link Arena}, 64-byte
 * aligned for SIMD, zeroed) and frees it on {@link #close()}. {@link #wrap} borrows a caller's segment and never
 * frees it. Rows ({@link #row}) and row ranges ({@link #slice}) are zero-copy views that share the owner's
 * lifetime: after {@code close()} every use of the matrix or of a view throws {@link IllegalStateException} with
 * the matrix's name, never a crash.
 *
 * <p><b>Cost.</b> Accessors check bounds and liveness once per call and allocate nothing, except {@link #row},
 * {@link #slice} and the buffer views, which allocate one small view object. Safe to read from many threads; the
 * caller orders concurrent writes to the same rows. Closing while another thread still reads is safe (the JVM
 * refuses the access) but is a bug in the caller.
 */
public final class FloatMatrix implements AutoCloseable {
    /** The alignment of owned memory: a cache line, enough for any SIMD width up to 512 bits. */
    public static final long ALIGNMENT_BYTES = 64;

    private final Lifetime lifetime;
    private final MemorySegment segment;
    private final int rows;
    private final int dimension;
    private final boolean closesLifetime;

    private FloatMatrix(Lifetime lifetime, MemorySegment segment, int rows, int dimension, boolean closesLifetime) {
        this.lifetime = lifetime;
        this.segment = segment;
        this.rows = rows;
        this.dimension = dimension;
        this.closesLifetime = closesLifetime;
    }

    /**
     * Allocates a zeroed matrix that owns its memory.
     *
     * @param name a name for error messages, such as {@code "embeddings"}
     * @param rows the number of rows, at least 0
     * @param dimension the number of floats per row, at least 1
     * @return the matrix; close it to free the memory
     */
    public static FloatMatrix allocate(String name, int rows, int dimension) {
        long bytes = checkShape(rows, dimension);
        Arena arena = Arena.ofShared();
        MemorySegment segment =
                arena.allocate(Math.max(bytes, 1), ALIGNMENT_BYTES).asSlice(0, bytes);
        return new FloatMatrix(new Lifetime(name, arena), segment, rows, dimension, true);
    }

    /**
     * Views a caller's segment as a matrix without copying; the caller keeps ownership of the memory and must keep
     * it alive while the matrix is used.
     *
     * @param name a name for error messages
     * @param segment at least {@code 4 * rows * dimension} bytes of native-order floats, 4-byte aligned
     * @param rows the number of rows
     * @param dimension the number of floats per row
     * @return the matrix; closing it does not free the segment
     */
    public static FloatMatrix wrap(String name, MemorySegment segment, int rows, int dimension) {
        long bytes = checkShape(rows, dimension);
        if (segment.byteSize() < bytes) {
            throw new BadInputException("segment of " + segment.byteSize() + " bytes is too small for " + rows + " x "
                    + dimension + " floats (" + bytes + " bytes)");
        }
        if (segment.isNative() && segment.address() % 4 != 0) {
            throw new BadInputException("segment address " + segment.address() + " is not 4-byte aligned");
        }
        return new FloatMatrix(new Lifetime(name, null), segment.asSlice(0, bytes), rows, dimension, true);
    }

    private static long checkShape(int rows, int dimension) {
        if (rows < 0) {
            throw new BadInputException("rows must be at least 0, got " + rows);
        }
        if (dimension < 1) {
            throw new BadInputException("dimension must be at least 1, got " + dimension);
        }
        return 4L * rows * dimension;
    }

    /** @return the name given at creation */
    public String name() {
        return lifetime.ownerName();
    }

    /** @return the number of rows */
    public int rows() {
        return rows;
    }

    /** @return the number of floats per row */
    public int dimension() {
        return dimension;
    }

    /** @return whether {@link #close()} was called on this matrix or on the matrix it was sliced from */
    public boolean isClosed() {
        return lifetime.isClosed();
    }

    /** @return the matrix's memory ({@code 4 * rows * dimension} bytes), for zero-copy hand-off to native code */
    public MemorySegment segment() {
        lifetime.ensureOpen();
        return segment;
    }

    /**
     * @param row the row, from 0
     * @param column the column, from 0
     * @return the element
     */
    public float get(int row, int column) {
        lifetime.ensureOpen();
        return segment.get(JAVA_FLOAT_UNALIGNED, offset(row, column));
    }

    /**
     * @param row the row, from 0
     * @param column the column, from 0
     * @param value the new value
     */
    public void set(int row, int column, float value) {
        lifetime.ensureOpen();
        segment.set(JAVA_FLOAT_UNALIGNED, offset(row, column), value);
    }

    /**
     * @param row the row, from 0
     * @return a zero-copy view of the row
     */
    public VectorView row(int row) {
        lifetime.ensureOpen();
        Objects.checkIndex(row, rows);
        return new VectorView(lifetime, segment.asSlice(4L * row * dimension, 4L * dimension), dimension);
    }

    /**
     * @param firstRow the first row of the range
     * @param rowCount the number of rows
     * @return a zero-copy matrix over those rows, sharing this matrix's lifetime (closing it closes nothing)
     */
    public FloatMatrix slice(int firstRow, int rowCount) {
        lifetime.ensureOpen();
        Objects.checkFromIndexSize(firstRow, rowCount, rows);
        MemorySegment rowsSegment = segment.asSlice(4L * firstRow * dimension, 4L * rowCount * dimension);
        return new FloatMatrix(lifetime, rowsSegment, rowCount, dimension, false);
    }

    /**
     * Copies values into a row.
     *
     * @param row the row, from 0
     * @param values exactly {@code dimension} values
     */
    public void setRow(int row, float[] values) {
        if (values.length != dimension) {
            throw new BadInputException("dimension " + values.length + " does not match the matrix's " + dimension);
        }
        lifetime.ensureOpen();
        MemorySegment.copy(values, 0, segment, JAVA_FLOAT_UNALIGNED, offset(row, 0), dimension);
    }

    /**
     * Computes the dot product of a row with a query without creating a view.
     *
     * @param row the row, from 0
     * @param query {@code dimension} values
     * @return the dot product
     */
    public float dot(int row, float[] query) {
        if (query.length != dimension) {
            throw new BadInputException("dimension " + query.length + " does not match the matrix's " + dimension);
        }
        lifetime.ensureOpen();
        return VectorMath.dot(segment, offset(row, 0), query, dimension);
    }

    /**
     * @return a direct {@link ByteBuffer} over the matrix's memory in native order, for native libraries that take
     *     NIO buffers (such as ONNX Runtime); it must not be used after the matrix is closed
     * @throws UnsupportedOperationException if the matrix wraps a heap segment
     */
    public ByteBuffer asByteBuffer() {
        lifetime.ensureOpen();
        if (!segment.isNative()) {
            throw new UnsupportedOperationException("matrix '" + name() + "' wraps heap memory; no direct buffer");
        }
        return segment.asByteBuffer().order(ByteOrder.nativeOrder());
    }

    /** @return a direct {@link FloatBuffer} over the matrix's memory; see {@link #asByteBuffer()} */
    public FloatBuffer asFloatBuffer() {
        return asByteBuffer().asFloatBuffer();
    }

    /**
     * Marks the matrix and every view of it closed and, if the matrix allocated its memory, frees it. Idempotent.
     * A wrapped matrix frees nothing (the caller owns the segment). Closing a {@linkplain #slice slice} does
     * nothing, so that a borrower cannot end the owner's lifetime.
     */
    @Override
    public void close() {
        if (closesLifetime) {
            lifetime.close();
        }
    }

    private long offset(int row, int column) {
        Objects.checkIndex(row, rows);
        Objects.checkIndex(column, dimension);
        return 4L * ((long) row * dimension + column);
    }

    @Override
    public String toString() {
        return "FloatMatrix[" + name() + ", " + rows + " x " + dimension + (isClosed() ? ", closed" : "") + "]";
    }
}
