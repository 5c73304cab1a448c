package dev.sluice.core.memory;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import dev.sluice.core.BadInputException;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A float32 vector borrowed over off-heap (or heap) memory, in native byte order: a row of a {@link FloatMatrix}
 * or a caller's segment. A view never owns or closes its memory; once the owner is closed every method throws
 * {@link IllegalStateException} naming the owner.
 *
 * <p>Arithmetic ({@link #dot}, {@link #squaredDistance}) uses SIMD kernels when the Vector API is enabled and
 * allocates nothing. Indexes and dimensions are checked once per call, never per element. Thread-safe for reads;
 * concurrent writes to the same elements are the caller's to order.
 */
public final class VectorView {
    private final Lifetime lifetime;
    private final MemorySegment segment;
    private final int dimension;

    VectorView(Lifetime lifetime, MemorySegment segment, int dimension) {
        this.lifetime = lifetime;
        this.segment = segment;
        this.dimension = dimension;
    }

    /**
     * Views a caller's segment as a vector; the caller keeps ownership of the memory.
     *
     * @param name a name for error messages
     * @param segment at least {@code 4 * dimension} bytes of native-order floats
     * @param dimension the number of elements
     * @return the view
     */
    public static VectorView wrap(String name, MemorySegment segment, int dimension) {
        if (dimension < 1) {
            throw new BadInputException("dimension must be at least 1, got " + dimension);
        }
        if (segment.byteSize() < 4L * dimension) {
            throw new BadInputException("segment of " + segment.byteSize() + " bytes is too small for " + dimension
                    + " floats (" + 4L * dimension + " bytes)");
        }
        return new VectorView(new Lifetime(name, null), segment.asSlice(0, 4L * dimension), dimension);
    }

    /** @return the number of elements */
    public int dimension() {
        return dimension;
    }

    /** @return the memory of exactly this vector ({@code 4 * dimension} bytes), for zero-copy hand-off */
    public MemorySegment segment() {
        lifetime.ensureOpen();
        return segment;
    }

    /**
     * @param index the element, from 0
     * @return its value
     */
    public float get(int index) {
        lifetime.ensureOpen();
        return segment.get(JAVA_FLOAT_UNALIGNED, 4L * Objects.checkIndex(index, dimension));
    }

    /**
     * @param index the element, from 0
     * @param value its new value
     */
    public void set(int index, float value) {
        lifetime.ensureOpen();
        segment.set(JAVA_FLOAT_UNALIGNED, 4L * Objects.checkIndex(index, dimension), value);
    }

    /**
     * @param other a vector of the same dimension
     * @return the dot product
     */
    public float dot(VectorView other) {
        checkDimension(other.dimension);
        lifetime.ensureOpen();
        other.lifetime.ensureOpen();
        return VectorMath.dot(segment, 0, other.segment, 0, dimension);
    }

    /**
     * @param other a vector of the same dimension
     * @return the dot product
     */
    public float dot(float[] other) {
        checkDimension(other.length);
        lifetime.ensureOpen();
        return VectorMath.dot(segment, 0, other, dimension);
    }

    /**
     * @param other a vector of the same dimension
     * @return the squared Euclidean distance
     */
    public float squaredDistance(VectorView other) {
        checkDimension(other.dimension);
        lifetime.ensureOpen();
        other.lifetime.ensureOpen();
        return VectorMath.squaredDistance(segment, 0, other.segment, 0, dimension);
    }

    /**
     * @param other a vector of the same dimension
     * @return the squared Euclidean distance
     */
    public float squaredDistance(float[] other) {
        checkDimension(other.length);
        lifetime.ensureOpen();
        return VectorMath.squaredDistance(segment, 0, other, dimension);
    }

    /**
     * Copies the elements out.
     *
     * @param destination an array of at least {@code dimension} elements
     */
    public void copyTo(float[] destination) {
        if (destination.length < dimension) {
            throw new BadInputException(
                    "destination holds " + destination.length + " floats but the vector has " + dimension);
        }
        lifetime.ensureOpen();
        MemorySegment.copy(segment, JAVA_FLOAT_UNALIGNED, 0, destination, 0, dimension);
    }

    /**
     * Overwrites the elements.
     *
     * @param source exactly {@code dimension} values
     */
    public void copyFrom(float[] source) {
        checkDimension(source.length);
        lifetime.ensureOpen();
        MemorySegment.copy(source, 0, segment, JAVA_FLOAT_UNALIGNED, 0, dimension);
    }

    /** @return the elements in a new array */
    public float[] toArray() {
        float[] copy = new float[dimension];
        copyTo(copy);
        return copy;
    }

    private void checkDimension(int other) {
        if (other != dimension) {
            throw new BadInputException("dimension " + other + " does not match the vector's " + dimension);
        }
    }

    @Override
    public String toString() {
        return "VectorView[" + lifetime.ownerName() + ", dimension " + dimension + "]";
    }
}
