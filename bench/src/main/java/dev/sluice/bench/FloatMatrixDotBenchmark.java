package dev.sluice.bench;

import dev.sluice.core.memory.FloatMatrix;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * An exact scan: the dot product of every row of a {@code rows x dimension} matrix with one query, written into a
 * score array. {@link #floatMatrix} uses Sluice's off-heap {@link FloatMatrix#dot(int, float[])} (SIMD when the
 * Vector API is enabled, as it is in the forked JVM); {@link #floatArrays} runs the plain scalar Java loop over a
 * {@code float[][]} holding the same seeded random values, as the baseline. One operation is the whole scan.
 *
 * <p>Run:
 * <pre>
 * ./mvnw -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar FloatMatrixDot -f 1 -wi 2 -i 3 -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {JvmFlags.NATIVE_ACCESS, JvmFlags.VECTOR_API, JvmFlags.AGRONA_UNSAFE})
@State(Scope.Benchmark)
public class FloatMatrixDotBenchmark {
    /** The number of rows scanned per operation. */
    @Param("10000")
    public int rows;

    /** The number of floats per row (384: all-MiniLM-L6-v2 embeddings). */
    @Param("384")
    public int dimension;

    private FloatMatrix matrix;
    private float[][] arrays;
    private float[] query;
    private float[] scores;

    /** Fills both layouts with the same seeded random values in [-1, 1) and checks that they agree. */
    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(20261126L);
        matrix = FloatMatrix.allocate("bench-embeddings", rows, dimension);
        arrays = new float[rows][dimension];
        for (int row = 0; row < rows; row++) {
            for (int column = 0; column < dimension; column++) {
                arrays[row][column] = (float) random.nextDouble(-1.0, 1.0);
            }
            matrix.setRow(row, arrays[row]);
        }
        query = new float[dimension];
        for (int column = 0; column < dimension; column++) {
            query[column] = (float) random.nextDouble(-1.0, 1.0);
        }
        scores = new float[rows];
        float[] expected = floatArrays().clone();
        float[] actual = floatMatrix();
        for (int row = 0; row < rows; row++) {
            if (Math.abs(expected[row] - actual[row]) > 1e-3f) {
                throw new IllegalStateException("row " + row + ": FloatMatrix.dot gives " + actual[row]
                        + ", the float[] loop " + expected[row]);
            }
        }
    }

    /** Frees the matrix's off-heap memory. */
    @TearDown(Level.Trial)
    public void tearDown() {
        matrix.close();
    }

    /** @return the scores, one per row, consumed by JMH */
    @Benchmark
    public float[] floatMatrix() {
        FloatMatrix m = matrix;
        float[] q = query;
        float[] out = scores;
        for (int row = 0; row < out.length; row++) {
            out[row] = m.dot(row, q);
        }
        return out;
    }

    /** @return the scores, one per row, consumed by JMH */
    @Benchmark
    public float[] floatArrays() {
        float[][] a = arrays;
        float[] q = query;
        float[] out = scores;
        for (int row = 0; row < out.length; row++) {
            float[] vector = a[row];
            float sum = 0f;
            for (int i = 0; i < q.length; i++) {
                sum += vector[i] * q[i];
            }
            out[row] = sum;
        }
        return out;
    }
}
