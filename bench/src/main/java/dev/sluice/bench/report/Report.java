package dev.sluice.bench.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Renders the benchmark report: reads the suites list ({@code bench/report-suites.txt}: name, JMH include pattern,
 * Sluice's benchmark methods, the peers' methods, JMH options), the JMH JSON file of each suite and the machine
 * description that {@code bench/report.sh} wrote, and writes {@code benchmarks.md} with one table per suite (every
 * result, Sluice's figure against each peer's with the ratio, and the lines the benchmark printed about its setup,
 * such as recall) and one SVG bar chart per suite into {@code benchmarks/}.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar dev.sluice.bench.report.Report SUITES RESULTS_DIR DOCS_DIR}.
 * A suite without a JSON file is listed as not run. Single-threaded, small inputs: cost is negligible.
 */
public final class Report {
    private Report() {}

    /**
     * One line of the suites list.
     *
     * @param name the suite's name and the stem of its JSON file
     * @param include the JMH include pattern
     * @param ours Sluice's benchmark methods
     * @param peers the peers' benchmark methods, compared with Sluice's in the same parameter set
     * @param options the JMH options of a full run
     * @param quickOptions the JMH options of {@code --quick}
     */
    record Suite(
            String name, String include, List<String> ours, List<String> peers, String options, String quickOptions) {
        static List<Suite> read(Path file) throws IOException {
            List<Suite> suites = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.strip().startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\\|", -1);
                if (f.length != 6) {
                    throw new IllegalArgumentException(
                            file + ": expected 6 '|'-separated fields, got " + f.length + " in: " + line);
                }
                suites.add(new Suite(f[0].strip(), f[1].strip(), names(f[2]), names(f[3]), f[4].strip(), f[5].strip()));
            }
            return suites;
        }

        private static List<String> names(String field) {
            String stripped = field.strip();
            return stripped.isEmpty() || stripped.equals("-") ? List.of() : List.of(stripped.split("\\s*,\\s*"));
        }
    }

    /**
     * One JMH result.
     *
     * @param method the benchmark method
     * @param params the parameters, as {@code name=value} joined by spaces ("" for none)
     * @param mode JMH's mode: thrpt, avgt, sample, ss
     * @param score the primary score
     * @param error its error (99.9% interval half-width), NaN if unknown
     * @param unit the score's unit
     * @param p50 the median for sample mode, NaN otherwise
     * @param p99 the 99th percentile for sample mode, NaN otherwise
     * @param bytesPerOp {@code gc.alloc.rate.norm}, NaN without {@code -prof gc}
     */
    record Result(
            String method,
            String params,
            String mode,
            double score,
            double error,
            String unit,
            double p50,
            double p99,
            double bytesPerOp) {
        boolean higherIsBetter() {
            return mode.equals("thrpt");
        }

        String label() {
            return params.isEmpty() ? method : method + " (" + params + ")";
        }
    }

    /**
     * Parses a JMH JSON file ({@code -rf json}).
     *
     * @param file the file
     * @return its results in file order
     * @throws IOException if it cannot be read
     */
    static List<Result> readJmh(Path file) throws IOException {
        JsonArray runs;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            runs = JsonParser.parseReader(in).getAsJsonArray();
        }
        List<Result> results = new ArrayList<>();
        for (JsonElement element : runs) {
            JsonObject run = element.getAsJsonObject();
            String benchmark = run.get("benchmark").getAsString();
            StringBuilder params = new StringBuilder();
            if (run.has("params")) {
                for (Map.Entry<String, JsonElement> p :
                        run.getAsJsonObject("params").entrySet()) {
                    params.append(params.isEmpty() ? "" : " ")
                            .append(p.getKey())
                            .append('=')
                            .append(p.getValue().getAsString());
                }
            }
            JsonObject primary = run.getAsJsonObject("primaryMetric");
            JsonObject percentiles =
                    primary.has("scorePercentiles") ? primary.getAsJsonObject("scorePercentiles") : new JsonObject();
            JsonObject secondary =
                    run.has("secondaryMetrics") ? run.getAsJsonObject("secondaryMetrics") : new JsonObject();
            double bytesPerOp = secondary.has("gc.alloc.rate.norm")
                    ? number(secondary.getAsJsonObject("gc.alloc.rate.norm").get("score"))
                    : Double.NaN;
            String mode = run.get("mode").getAsString();
            results.add(new Result(
                    benchmark.substring(benchmark.lastIndexOf('.') + 1),
                    params.toString(),
                    mode,
                    number(primary.get("score")),
                    number(primary.get("scoreError")),
                    primary.get("scoreUnit").getAsString(),
                    mode.equals("sample") ? number(percentiles.get("50.0")) : Double.NaN,
                    mode.equals("sample") ? number(percentiles.get("99.0")) : Double.NaN,
                    bytesPerOp));
        }
        return results;
    }

    private static double number(JsonElement element) {
        if (element == null || element.isJsonNull()) {
            return Double.NaN;
        }
        String text = element.getAsString();
        return text.equals("NaN") ? Double.NaN : Double.parseDouble(text);
    }

    /**
     * Renders the report.
     *
     * @param args the suites file, the folder of JMH JSON files (with {@code machine.properties}), the docs folder
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: Report SUITES_FILE RESULTS_DIR DOCS_DIR");
            System.exit(2);
        }
        render(Suite.read(Path.of(args[0])), Path.of(args[1]), Path.of(args[2]));
    }

    /**
     * Writes {@code DOCS_DIR/benchmarks.md} and {@code DOCS_DIR/benchmarks/SUITE.svg}.
     *
     * @param suites the suites, in report order
     * @param results the folder of {@code SUITE.json} files and {@code machine.properties}
     * @param docs the docs folder
     * @throws IOException if a file cannot be read or written
     */
    static void render(List<Suite> suites, Path results, Path docs) throws IOException {
        Properties machine = new Properties();
        Path machineFile = results.resolve("machine.properties");
        if (Files.isRegularFile(machineFile)) {
            try (Reader in = Files.newBufferedReader(machineFile, StandardCharsets.UTF_8)) {
                machine.load(in);
            }
        }
        Path charts = docs.resolve("benchmarks");
        Files.createDirectories(charts);
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n")
                .append("Generated by `bench/report.sh")
                .append(machine.getProperty("mode", "").equals("quick") ? " --quick" : "")
                .append("` from the JMH JSON files it wrote; do not edit by hand. ")
                .append("Each suite runs Sluice and its peer in the same JMH run, on the same data. The ratio is ")
                .append("how many times better Sluice's figure is than the peer's (above 1: Sluice is faster or ")
                .append("has more throughput; below 1: the peer wins). The JMH options of each suite are in ")
                .append("`bench/report-suites.txt`.\n\n");
        md.append("## Machine\n\n");
        for (String key : List.of("cpu", "cores", "memory", "os", "jdk", "date", "mode", "load")) {
            if (machine.containsKey(key)) {
                md.append("- ")
                        .append(key)
                        .append(": ")
                        .append(machine.getProperty(key))
                        .append('\n');
            }
        }
        if (machine.getProperty("mode", "").equals("quick")) {
            md.append("\nQuick mode: one short fork per suite, few and short iterations, and fewer parameters in ")
                    .append("the slow suites. The error bars are wide; read ratios and orders of magnitude, not ")
                    .append("exact figures.\n");
        }
        for (Suite suite : suites) {
            md.append("\n## ").append(suite.name()).append("\n\n");
            Path json = results.resolve(suite.name() + ".json");
            if (!Files.isRegularFile(json)) {
                md.append("Not run in this report.\n");
                continue;
            }
            List<Result> rows = readJmh(json);
            md.append("`java -jar bench/target/benchmarks.jar '")
                    .append(suite.include())
                    .append("' ")
                    .append(machine.getProperty("mode", "").equals("quick") ? suite.quickOptions() : suite.options())
                    .append("`\n\n");
            appendResults(md, rows);
            appendComparison(md, suite, rows);
            appendNotes(md, results.resolve(suite.name() + ".log"));
            Files.writeString(
                    charts.resolve(suite.name() + ".svg"),
                    Svg.barChart(suite.name(), suite.ours(), rows),
                    StandardCharsets.UTF_8);
            md.append("\n![")
                    .append(suite.name())
                    .append("](benchmarks/")
                    .append(suite.name())
                    .append(".svg)\n");
        }
        Files.writeString(docs.resolve("benchmarks.md"), md.toString(), StandardCharsets.UTF_8);
    }

    private static void appendResults(StringBuilder md, List<Result> rows) {
        boolean sample = rows.stream().anyMatch(r -> r.mode().equals("sample"));
        boolean gc = rows.stream().anyMatch(r -> !Double.isNaN(r.bytesPerOp()));
        md.append("| benchmark | mode | score | error | unit")
                .append(sample ? " | p50 | p99" : "")
                .append(gc ? " | B/op" : "")
                .append(" |\n|---|---|---:|---:|---")
                .append(sample ? "|---:|---:" : "")
                .append(gc ? "|---:" : "")
                .append("|\n");
        for (Result r : rows) {
            md.append("| ")
                    .append(r.label())
                    .append(" | ")
                    .append(r.mode())
                    .append(" | ")
                    .append(format(r.score()))
                    .append(" | ")
                    .append(format(r.error()))
                    .append(" | ")
                    .append(r.unit());
            if (sample) {
                md.append(" | ").append(format(r.p50())).append(" | ").append(format(r.p99()));
            }
            if (gc) {
                md.append(" | ").append(format(r.bytesPerOp()));
            }
            md.append(" |\n");
        }
    }

    /**
     * Sluice against each peer, in the same mode: results with the same parameters are paired. Otherwise only peer
     * results that agree on the parameters both have (such as the data set) are candidates: one candidate is the
     * baseline of every such Sluice result; as many candidates as Sluice results with different parameters (such
     * as graph overquery 1, 2, 4 and Lucene candidates 10, 40, 100) are paired in order. The labels carry the
     * parameters, so the reader sees what was paired.
     */
    private static void appendComparison(StringBuilder md, Suite suite, List<Result> rows) {
        StringBuilder table = new StringBuilder();
        for (String ours : suite.ours()) {
            for (String peer : suite.peers()) {
                for (String mode : rows.stream().map(Result::mode).distinct().toList()) {
                    List<Result> mine = rows.stream()
                            .filter(r -> r.method().equals(ours) && r.mode().equals(mode))
                            .toList();
                    List<Result> theirs = rows.stream()
                            .filter(r -> r.method().equals(peer) && r.mode().equals(mode))
                            .toList();
                    for (Result a : mine) {
                        List<Result> candidates = theirs.stream()
                                .filter(r -> agree(r.params(), a.params()))
                                .toList();
                        List<Result> group = mine.stream()
                                .filter(m -> candidates.equals(theirs.stream()
                                        .filter(r -> agree(r.params(), m.params()))
                                        .toList()))
                                .toList();
                        Result b = theirs.stream()
                                .filter(r -> r.params().equals(a.params()))
                                .findFirst()
                                .orElse(
                                        candidates.size() == 1
                                                ? candidates.get(0)
                                                : candidates.size() == group.size()
                                                        ? candidates.get(group.indexOf(a))
                                                        : null);
                        if (b != null) {
                            table.append("| ")
                                    .append(a.label())
                                    .append(" | ")
                                    .append(figure(a))
                                    .append(" | ")
                                    .append(b.label())
                                    .append(" | ")
                                    .append(figure(b))
                                    .append(" | ")
                                    .append(ratio(a, b))
                                    .append(" |\n");
                        }
                    }
                }
            }
        }
        if (!table.isEmpty()) {
            md.append("\n| Sluice | figure | peer | peer's figure | ratio |\n|---|---:|---|---:|---:|\n")
                    .append(table);
        } else if (suite.peers().isEmpty()) {
            md.append("\nNo peer in this suite: it measures Sluice alone.\n");
        }
    }

    /** @return whether two parameter lists ({@code name=value} joined by spaces) agree on every name both have */
    private static boolean agree(String params, String others) {
        Map<String, String> values = new java.util.HashMap<>();
        for (String pair : params.split(" ")) {
            values.put(pair.substring(0, Math.max(0, pair.indexOf('='))), pair);
        }
        for (String pair : others.split(" ")) {
            String same = values.get(pair.substring(0, Math.max(0, pair.indexOf('='))));
            if (same != null && !same.equals(pair)) {
                return false;
            }
        }
        return true;
    }

    /** A score with its unit; for sample mode the mean, then the median and the 99th percentile. */
    private static String figure(Result r) {
        String mean = format(r.score()) + " " + r.unit();
        return r.mode().equals("sample")
                ? "mean " + mean + ", p50 " + format(r.p50()) + ", p99 " + format(r.p99())
                : mean;
    }

    /**
     * How many times better Sluice's figure is; for sample mode per statistic, as a mean alone is swayed by a few
     * descheduled samples on a busy machine.
     */
    private static String ratio(Result a, Result b) {
        if (a.mode().equals("sample")) {
            return "mean " + ratio(b.score() / a.score()) + ", p50 " + ratio(b.p50() / a.p50()) + ", p99 "
                    + ratio(b.p99() / a.p99());
        }
        return ratio(a.higherIsBetter() ? a.score() / b.score() : b.score() / a.score());
    }

    private static String ratio(double value) {
        return String.format(Locale.ROOT, "%.2f", value) + (value >= 1 ? "" : " (peer wins)");
    }

    /**
     * The lines a benchmark printed about its setup, such as recall and build time ({@code [graph overquery 2.0]
     * recall@10 0.93, ...}): lines of the suite's log that start with a bracketed tag.
     */
    private static void appendNotes(StringBuilder md, Path log) throws IOException {
        if (!Files.isRegularFile(log)) {
            return;
        }
        List<String> notes = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(line -> line.matches("\\[[^\\]]+] .*"))
                .distinct()
                .toList();
        if (!notes.isEmpty()) {
            md.append("\nPrinted by the benchmark:\n\n```\n")
                    .append(String.join("\n", notes))
                    .append("\n```\n");
        }
    }

    static String format(double value) {
        if (Double.isNaN(value)) {
            return "";
        }
        double magnitude = Math.abs(value);
        String pattern = magnitude >= 100 ? "%,.0f" : magnitude >= 10 ? "%.1f" : magnitude >= 1 ? "%.2f" : "%.3g";
        return String.format(Locale.ROOT, pattern, value);
    }
}
