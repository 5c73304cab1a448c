package dev.sluice.inference.embed.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RunPlannerTest {
    private static final int DIMENSION = 384;

    @Test
    void textsOfEqualLengthShareOneRunUpToTheCap() {
        int[] tokens = new int[40];
        Arrays.fill(tokens, 20);
        int[] ends = new int[tokens.length];
        int runs = RunPlanner.plan(tokens, 16, DIMENSION, ends);
        assertEquals(3, runs);
        assertEquals(40, ends[runs - 1]);
        for (int run = 0, from = 0; run < runs; from = ends[run++]) {
            assertTrue(ends[run] - from <= 16, "run " + run + " has " + (ends[run] - from) + " texts");
        }
    }

    @Test
    void aLongTextIsNotAllowedToPadManyShortOnes() {
        int[] tokens = {10, 10, 11, 11, 12, 12, 12, 120};
        int[] ends = new int[tokens.length];
        int runs = RunPlanner.plan(tokens, 32, DIMENSION, ends);
        assertEquals(2, runs);
        assertArrayEquals(new int[] {7, 8}, Arrays.copyOf(ends, runs));
    }

    @Test
    void smallDifferencesAreCheaperPaddedThanRunApart() {
        int[] tokens = {20, 21, 21, 22};
        int[] ends = new int[tokens.length];
        assertEquals(1, RunPlanner.plan(tokens, 32, DIMENSION, ends));
        assertEquals(4, ends[0]);
    }

    @Test
    void planCostsNoMoreThanOneRunPerCapOrOneRunPerTextAndIsDeterministic() {
        SplittableRandom random = new SplittableRandom(7L);
        for (int trial = 0; trial < 200; trial++) {
            int[] tokens = random.ints(1 + random.nextInt(300), 3, 129).sorted().toArray();
            int cap = 1 + random.nextInt(64);
            int[] ends = new int[tokens.length];
            int runs = RunPlanner.plan(tokens, cap, DIMENSION, ends);
            double planned = cost(tokens, Arrays.copyOf(ends, runs));
            int[] fixedChunks = new int[(tokens.length + cap - 1) / cap];
            for (int i = 0; i < fixedChunks.length; i++) {
                fixedChunks[i] = Math.min(tokens.length, (i + 1) * cap);
            }
            int[] singles = new int[tokens.length];
            Arrays.setAll(singles, i -> i + 1);
            String seed = "trial " + trial + " of seed 7";
            assertTrue(planned <= cost(tokens, fixedChunks) + 1e-9, seed);
            assertTrue(planned <= cost(tokens, singles) + 1e-9, seed);
            int[] again = new int[tokens.length];
            assertEquals(runs, RunPlanner.plan(tokens, cap, DIMENSION, again), seed);
            assertArrayEquals(ends, again, seed);
        }
    }

    private static double cost(int[] sortedTokens, int[] runEnds) {
        double total = 0;
        for (int run = 0, from = 0; run < runEnds.length; from = runEnds[run++]) {
            int length = sortedTokens[runEnds[run] - 1];
            total += RunPlanner.FIXED_COST_TOKENS + (runEnds[run] - from) * length * (1.0 + length / (6.0 * DIMENSION));
        }
        return total;
    }
}
