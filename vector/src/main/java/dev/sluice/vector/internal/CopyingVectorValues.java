package dev.sluice.vector.internal;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.lang.foreign.MemorySegment;

/**
 * The store's rows as jvector {@link RandomAccessVectorValues}, each {@link #getVector} a fresh copy in jvector's own
 * vector type. Only product quantisation uses it (training on a sample, then encoding each row once), because
 * jvector's quantisation kernels accept nothing but their own vector classes; graph construction and search read
 * the store in place through {@link ExactScores}.
 */
public final class CopyingVectorValues implements RandomAccessVectorValues {
    private static final VectorTypeSupport TYPES =
            VectorizationProvider.getInstance().getVectorTypeSupport();

    private final RowSource rows;
    private final int count;

    /**
     * @param rows the vectors
     * @param count how many rows to expose
     */
    public CopyingVectorValues(RowSource rows, int count) {
        this.rows = rows;
        this.count = count;
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public int dimension() {
        return rows.dimension();
    }

    @Override
    public VectorFloat<?> getVector(int row) {
        float[] values = new float[rows.dimension()];
        MemorySegment.copy(rows.segment(row), JAVA_FLOAT_UNALIGNED, rows.offset(row), values, 0, values.length);
        return TYPES.createFloatVector(values);
    }

    @Override
    public boolean isValueShared() {
        return false;
    }

    @Override
    public RandomAccessVectorValues copy() {
        return this;
    }
}
