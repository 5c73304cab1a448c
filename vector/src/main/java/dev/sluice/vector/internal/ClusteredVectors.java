package dev.sluice.vector.internal;

import java.util.SplittableRandom;

/**
 * Seeded synthetic embeddings for tests and benchmarks: Gaussian points around a fixed set of random cluster
 * centres, which is how real embedding sets look to an ANN index (uniform random vectors are unrealistically hard).
 * The same seed gives the same centres and the same sequence of points on every JVM. Not thread-safe.
 */
public final class ClusteredVectors {
    private final int dimension;
    private final float spread;
    private final float[][] centres;
    private final SplittableRandom random;

    /**
     * @param seed the seed of the centres
     * @param pointSeed the seed of the sequence of points (base vectors and queries use different ones)
     * @param dimension floats per vector
     * @param clusters the number of centres
     * @param spread the standard deviation of a point around its centre (centres have unit deviation)
     */
    public ClusteredVectors(long seed, long pointSeed, int dimension, int clusters, float spread) {
        this.dimension = dimension;
        this.spread = spread;
        SplittableRandom centreRandom = new SplittableRandom(seed);
        centres = new float[clusters][dimension];
        for (float[] centre : centres) {
            for (int i = 0; i < dimension; i++) {
                centre[i] = (float) gaussian(centreRandom);
            }
        }
        random = new SplittableRandom(pointSeed);
    }

    /** @return the next point: a random centre plus Gaussian noise */
    public float[] next() {
        float[] centre = centres[random.nextInt(centres.length)];
        float[] point = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            point[i] = centre[i] + spread * (float) gaussian(random);
        }
        return point;
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
