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
 * Sluice's overhead over bare ONNX Runtime ({@link EmbeddingThroughputBenchmark#sluice} against
 * {@link EmbeddingThroughputBenchmark#bareOnnxRuntime}), measured so that a drifting shared machine does not decide
 * it: several rounds, each one short JMH run of both benchmarks at every batch size (one fork, so both share the
 * JVM), and per batch size the median over rounds of each round's overhead ({@code 1 - sluice / bare} in batches per
 * second). A single long run puts minutes between the two measurements of a pair; here they are seconds apart.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar dev.sluice.bench.EmbeddingOverhead [rounds] [batch sizes]}
 * (default 5 rounds of 1, 8, 32 and 128; about 1.5 minutes a round). Prints one line per round and a markdown table.
 */
public final class EmbeddingOverhead {
    private EmbeddingOverhead() {
    }

    /**
     * @param args optional: the number of rounds, then the batch sizes comma-separated
     * @throws RunnerException if JMH fails
     */
    public static void main(String[] args) throws RunnerException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        String[] sizes = (args.length > 1 ? args[1] : "1,8,32,128").split(",");
        Map<String, List<Double>> overheads = new LinkedHashMap<>();
        for (String size : sizes) {
            overheads.put(size, new ArrayList<>());
        }
        for (int round = 1; round <= rounds; round++) {
            Options options = new OptionsBuilder()
                    .include(EmbeddingThroughputBenchmark.class.getName() + ".(sluice|bareOnnxRuntime)$")
                    .param("batchSize", sizes)
                    .forks(1)
                    .warmupIterations(1)
                    .warmupTime(TimeValue.seconds(2))
                    .measurementIterations(3)
                    .measurementTime(TimeValue.seconds(2))
                    .verbosity(VerboseMode.SILENT)
                    .build();
            Collection<RunResult> results = new Runner(options).run();
            StringBuilder line = new StringBuilder("round " + round + ":");
            for (String size : sizes) {
                double sluice = score(results, "sluice", size);
                double bare = score(results, "bareOnnxRuntime", size);
                double overhead = 1 - sluice / bare;
                overheads.get(size).add(overhead);
                line.append(String.format(Locale.ROOT, "  batch %s %.2f vs %.2f batches/s (%.1f%%)", size, sluice,
                        bare, 100 * overhead));
            }
            System.out.println(line);
        }
        System.out.println();
        System.out.println("| batch size | overhead, median of " + rounds + " rounds | lowest | highest |");
        System.out.println("|---|---|---|---|");
        for (Map.Entry<String, List<Double>> entry : overheads.entrySet()) {
            double[] values = entry.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
            System.out.println(String.format(Locale.ROOT, "| %s | %.1f%% | %.1f%% | %.1f%% |", entry.getKey(),
                    100 * median(values), 100 * values[0], 100 * values[values.length - 1]));
        }
    }

    private static double score(Collection<RunResult> results, String method, String size) {
        return results.stream()
                .filter(r -> r.getParams().getBenchmark().endsWith("." + method)
                        && r.getParams().getParam("batchSize").equals(size))
                .mapToDouble(r -> r.getPrimaryResult().getScore())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no result for " + method + " at batch " + size));
    }

    private static double median(double[] sorted) {
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
