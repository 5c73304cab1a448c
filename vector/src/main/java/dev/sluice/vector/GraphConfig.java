package dev.sluice.vector;

import dev.sluice.core.BadInputException;

/**
 * The tunables of a {@link GraphIndex}, checked when created. Start from {@link #defaults()} and change what you
 * need with the {@code with...} methods. Immutable.
 *
 * @param maxDegree the most neighbours a node keeps (jvector's M); more raises recall, memory and build time
 * @param beamWidth the candidates kept while inserting a node (jvector's construction beam); more raises graph
 *     quality and build time
 * @param neighborOverflow how far past {@code maxDegree} a node may grow during construction before it is pruned
 *     (at least 1)
 * @param alpha how aggressively long edges are kept when pruning (Vamana's alpha, at least 1; 1.2 is typical)
 * @param hierarchy whether to add HNSW-style upper layers (half the degree) for faster entry into the graph
 * @param overquery how many candidates a search collects per hit wanted, before the exact top k are kept (at least
 *     1): higher raises recall and cost
 * @param pqSubspaces product quantisation subspaces (0 for none): the search walks the graph with compressed vectors
 *     in memory and reranks the best candidates exactly from the store (which may be mmapped and larger than memory)
 * @param int8Navigation without PQ: whether the search walks the graph with 8-bit codes of the vectors (one byte per
 *     component, a quarter of the vectors' memory, derived from the store when the index is built or opened) and
 *     reranks the best candidates exactly
 * @param buildThreads threads that insert nodes in parallel while building
 */
public record GraphConfig(
        int maxDegree,
        int beamWidth,
        float neighborOverflow,
        float alpha,
        boolean hierarchy,
        float overquery,
        int pqSubspaces,
        boolean int8Navigation,
        int buildThreads) {
    /** Checks every value against its range. */
    public GraphConfig {
        requireRange("maxDegree", maxDegree, 2, 512);
        requireRange("beamWidth", beamWidth, 1, 10_000);
        requireRange("buildThreads", buildThreads, 1, 4096);
        requireRange("pqSubspaces", pqSubspaces, 0, 65_536);
        if (!(neighborOverflow >= 1 && neighborOverflow <= 10)) {
            throw new BadInputException("neighborOverflow must be from 1 to 10, got " + neighborOverflow);
        }
        if (!(alpha >= 1 && alpha <= 10)) {
            throw new BadInputException("alpha must be from 1 to 10, got " + alpha);
        }
        if (!(overquery >= 1 && overquery <= 1000)) {
            throw new BadInputException("overquery must be from 1 to 1000, got " + overquery);
        }
    }

    private static void requireRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new BadInputException(name + " must be from " + min + " to " + max + ", got " + value);
        }
    }

    /**
     * @return degree 32, beam 100, overflow 1.2, alpha 1.2, hierarchy on, overquery 2, no PQ, int8 navigation, all
     *     cores
     */
    public static GraphConfig defaults() {
        return new GraphConfig(
                32, 100, 1.2f, 1.2f, true, 2, 0, true, Runtime.getRuntime().availableProcessors());
    }

    /** @param value see {@link #maxDegree()} @return a copy with it changed */
    public GraphConfig withMaxDegree(int value) {
        return new GraphConfig(
                value,
                beamWidth,
                neighborOverflow,
                alpha,
                hierarchy,
                overquery,
                pqSubspaces,
                int8Navigation,
                buildThreads);
    }

    /** @param value see {@link #beamWidth()} @return a copy with it changed */
    public GraphConfig withBeamWidth(int value) {
        return new GraphConfig(
                maxDegree,
                value,
                neighborOverflow,
                alpha,
                hierarchy,
                overquery,
                pqSubspaces,
                int8Navigation,
                buildThreads);
    }

    /** @param value see {@link #neighborOverflow()} @return a copy with it changed */
    public GraphConfig withNeighborOverflow(float value) {
        return new GraphConfig(
                maxDegree, beamWidth, value, alpha, hierarchy, overquery, pqSubspaces, int8Navigation, buildThreads);
    }

    /** @param value see {@link #alpha()} @return a copy with it changed */
    public GraphConfig withAlpha(float value) {
        return new GraphConfig(
                maxDegree,
                beamWidth,
                neighborOverflow,
                value,
                hierarchy,
                overquery,
                pqSubspaces,
                int8Navigation,
                buildThreads);
    }

    /** @param value see {@link #hierarchy()} @return a copy with it changed */
    public GraphConfig withHierarchy(boolean value) {
        return new GraphConfig(
                maxDegree,
                beamWidth,
                neighborOverflow,
                alpha,
                value,
                overquery,
                pqSubspaces,
                int8Navigation,
                buildThreads);
    }

    /** @param value see {@link #overquery()} @return a copy with it changed */
    public GraphConfig withOverquery(float value) {
        return new GraphConfig(
                maxDegree,
                beamWidth,
                neighborOverflow,
                alpha,
                hierarchy,
                value,
                pqSubspaces,
                int8Navigation,
                buildThreads);
    }

    /** @param value see {@link #pqSubspaces()} @return a copy with it changed */
    public GraphConfig withPqSubspaces(int value) {
        return new GraphConfig(
                maxDegree,
                beamWidth,
                neighborOverflow,
                alpha,
                hierarchy,
                overquery,
                value,
                int8Navigation,
                buildThreads);
    }

    /** @param value see {@link #int8Navigation()} @return a copy with it changed */
    public GraphConfig withInt8Navigation(boolean value) {
        return new GraphConfig(
                maxDegree, beamWidth, neighborOverflow, alpha, hierarchy, overquery, pqSubspaces, value, buildThreads);
    }

    /** @param value see {@link #buildThreads()} @return a copy with it changed */
    public GraphConfig withBuildThreads(int value) {
        return new GraphConfig(
                maxDegree,
                beamWidth,
                neighborOverflow,
                alpha,
                hierarchy,
                overquery,
                pqSubspaces,
                int8Navigation,
                value);
    }
}
