package dev.sluice.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * {@link EmbeddingThroughputBenchmark} in rounds, so that a drifting shared machine does not decide the two figures
 * that compare Sluice with something else: its overhead over bare ONNX Runtime ({@code 1 - sluice / bareOnnxRuntime}
 * in batches per second) and its speed-up over LangChain4j ({@code sluice / langchain4j}). Each round measures the
 * three benchmarks at one batch size after the other, each in a short fork of its own, in an order that rotates from
 * round to round; per batch size it prints the median over rounds and the range. One JMH run of the suite runs every
 * batch size of one benchmark before the next benchmark, so the two halves of a pair are minutes apart and
 * {@code sluice}, last in name order, always runs last: on the shared 2-core machine that alone moved the overhead at
 * batch 8 from about 5% to about 10%.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar dev.sluice.bench.EmbeddingRounds [rounds] [batch sizes]}
 * (default 5 rounds of 1, 8, 32 and 128; about 3 minutes a round). Prints one line per round, then a markdown table.
 */
public final class EmbeddingRounds {
    private static final List<String> METHODS = List.of("bareOnnxRuntime", "sluice", "langchain4j");

    private EmbeddingRounds() {}

    /**
     * @param args optional: the number of rounds, then the batch sizes comma-separated
     * @throws RunnerException if JMH fails
     */
    public static void main(String[] args) throws RunnerException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        String[] sizes = (args.length > 1 ? args[1] : "1,8,32,128").split(",");
        Map<String, List<Double>> overheads = new LinkedHashMap<>();
        Map<String, List<Double>> speedups = new LinkedHashMap<>();
        for (String size : sizes) {
            overheads.put(size, new ArrayList<>());
            speedups.put(size, new ArrayList<>());
        }
        for (int round = 1; round <= rounds; round++) {
            StringBuilder line = new StringBuilder("round " + round + ", batches/s:");
            for (String size : sizes) {
                Map<String, Double> scores = new LinkedHashMap<>();
                for (int i = 0; i < METHODS.size(); i++) {
                    String method = METHODS.get((i + round) % METHODS.size());
                    scores.put(method, score(method, size));
                }
                double sluice = scores.get("sluice");
                double bare = scores.get("bareOnnxRuntime");
                double peer = scores.get("langchain4j");
                overheads.get(size).add(1 - sluice / bare);
                speedups.get(size).add(sluice / peer);
                line.append(String.format(
                        Locale.ROOT,
                        "  batch %s: Sluice %.2f, bare %.2f, LangChain4j %.2f;",
                        size,
                        sluice,
                        bare,
                        peer));
            }
            System.out.println(line);
        }
        System.out.println();
        System.out.println("| batch | overhead over bare ONNX Runtime, median (range) | speed-up over LangChain4j, "
                + "median (range) |");
        System.out.println("|---|---|---|");
        for (String size : sizes) {
            double[] overhead = sorted(overheads.get(size));
            double[] speedup = sorted(speedups.get(size));
            System.out.println(String.format(
                    Locale.ROOT,
                    "| %s | %.1f%% (%.1f to %.1f) | %.2fx (%.2f to %.2f) |",
                    size,
                    100 * median(overhead),
                    100 * overhead[0],
                    100 * overhead[overhead.length - 1],
                    median(speedup),
                    speedup[0],
                    speedup[speedup.length - 1]));
        }
        System.out.println("(" + rounds + " rounds)");
    }

    /** One benchmark at one batch size in a fork of its own, so that no other benchmark's state is left in it. */
    private static double score(String method, String size) throws RunnerException {
        Options options = new OptionsBuilder()
                .include(EmbeddingThroughputBenchmark.class.getName() + "." + method + "$")
                .param("batchSize", size)
                .forks(1)
                .warmupIterations(1)
                .warmupTime(TimeValue.seconds(2))
                .measurementIterations(3)
                .measurementTime(TimeValue.seconds(2))
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        return results.iterator().next().getPrimaryResult().getScore();
    }

    private static double[] sorted(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    private static double median(double[] sorted) {
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
