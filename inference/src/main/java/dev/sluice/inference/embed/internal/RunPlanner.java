package dev.sluice.inference.embed.internal;

/**
 * Splits texts ordered by token count into model runs so that padding wastes little and the runs' fixed cost is paid
 * few times.
 *
 * <p><b>Cost model.</b> A run of {@code n} texts padded to {@code L} tokens costs
 * {@code fixedCostTokens + n x L x (1 + L / (6 x dimension))} token-equivalents: the linear layers of a transformer
 * cost the same per token position (padding included), self-attention adds a share that grows with {@code L}
 * ({@code 4 L d} against {@code 24 d²} multiply-adds per position and layer), and every run pays a fixed cost
 * (graph dispatch, threads waking, tensors). Dynamic programming over the sorted counts finds the cheapest split
 * into contiguous runs of at most {@code maxRunTexts} texts: {@code O(texts x maxRunTexts)}.
 *
 * <p>Deterministic: the same counts give the same runs. Stateless and thread-safe; allocates two small arrays.
 */
public final class RunPlanner {
    /**
     * The fixed cost of one ONNX Runtime run on CPU, in token positions: dispatch of some 300 operators, threads
     * waking, and the lower efficiency of small matrix products. Chosen by measuring varied batches with
     * all-MiniLM-L6-v2 on CPU; larger models have a larger per-token cost and so a smaller share.
     */
    public static final int FIXED_COST_TOKENS = 16;

    private RunPlanner() {}

    /**
     * Plans the runs.
     *
     * @param sortedTokens token counts, ascending
     * @param maxRunTexts the most texts in one run, at least 1
     * @param dimension the model's hidden size, for the attention share
     * @param runEnds receives, per run, one past its last index in {@code sortedTokens}; as long as the counts
     * @return the number of runs
     */
    public static int plan(int[] sortedTokens, int maxRunTexts, int dimension, int[] runEnds) {
        int texts = sortedTokens.length;
        double[] best = new double[texts + 1];
        int[] start = new int[texts + 1];
        double attentionScale = 1.0 / (6.0 * dimension);
        for (int end = 1; end <= texts; end++) {
            int length = sortedTokens[end - 1];
            double perText = length * (1.0 + length * attentionScale);
            best[end] = Double.MAX_VALUE;
            for (int first = end - 1; first >= Math.max(0, end - maxRunTexts); first--) {
                double cost = best[first] + FIXED_COST_TOKENS + (end - first) * perText;
                if (cost < best[end]) {
                    best[end] = cost;
                    start[end] = first;
                }
            }
        }
        int runs = 0;
        for (int end = texts; end > 0; end = start[end]) {
            runs++;
        }
        for (int end = texts, run = runs - 1; end > 0; end = start[end], run--) {
            runEnds[run] = end;
        }
        return runs;
    }
}
