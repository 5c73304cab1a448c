package dev.sluice.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.bench.report.Report.Result;
import dev.sluice.bench.report.Report.Suite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report renderer on a small JMH JSON fixture (src/test/resources/report/Hop.json). */
class ReportTest {
    @TempDir
    Path dir;

    private Path fixtureResults() throws Exception {
        Path results = dir.resolve("results");
        Files.createDirectories(results);
        Files.copy(Path.of(ReportTest.class.getResource("/report/Hop.json").toURI()), results.resolve("Hop.json"));
        Files.writeString(results.resolve("Hop.log"), "# Benchmark: x\n[ring] capacity 1 MiB\nIteration 1: 3\n");
        Files.writeString(results.resolve("machine.properties"), "cpu=Test CPU\ncores=2\njdk=25\nmode=quick\n");
        return results;
    }

    @Test
    void readsScoresPercentilesAndAllocationsFromJmhJson() throws Exception {
        List<Result> results = Report.readJmh(fixtureResults().resolve("Hop.json"));
        assertEquals(4, results.size());
        Result ring = results.get(0);
        assertEquals(new Result("sluiceRingBuffer", "", "sample", 180.5, 12.25, "ns/op", 170.0, 410.0, 0.002), ring);
        assertTrue(Double.isNaN(results.get(1).error()), "JMH writes NaN as a string");
        assertEquals("size=64", results.get(2).params());
    }

    @Test
    void rendersATablePerSuiteWithRatiosAChartAndTheMachine() throws Exception {
        Path docs = dir.resolve("docs");
        List<Suite> suites = List.of(
                new Suite(
                        "Hop",
                        "HopLatencyBenchmark",
                        List.of("sluiceRingBuffer"),
                        List.of("arrayBlockingQueue"),
                        "-f 1",
                        "-f 1 -i 1"),
                new Suite("Missing", "Nothing", List.of("x"), List.of(), "", ""));
        Report.render(suites, fixtureResults(), docs);

        String md = Files.readString(docs.resolve("benchmarks.md"));
        assertTrue(md.contains("- cpu: Test CPU\n- cores: 2\n"), md);
        assertTrue(md.contains("`java -jar bench/target/benchmarks.jar 'HopLatencyBenchmark' -f 1 -i 1`"), md);
        assertTrue(md.contains("| sluiceRingBuffer | sample | 181 | 12.3 | ns/op | 170 | 410 | 0.00200 |"), md);
        // latency: lower is better, 361 / 180.5 = 2.00 in Sluice's favour
        assertTrue(
                md.contains("| sluiceRingBuffer | mean 181 ns/op, p50 170, p99 410 | arrayBlockingQueue | mean 361"
                        + " ns/op, p50 300, p99 1,200 | mean 2.00, p50 1.76, p99 2.93 |"),
                md);
        // throughput: higher is better, 1000 / 4000 = 0.25, and the peer wins
        assertTrue(
                md.contains("| sluiceRingBuffer (size=64) | 1,000 ops/s | arrayBlockingQueue (size=64) |"
                        + " 4,000 ops/s | 0.25 (peer wins) |"),
                md);
        assertTrue(md.contains("Printed by the benchmark:\n\n```\n[ring] capacity 1 MiB\n```"), md);
        assertTrue(md.contains("## Missing\n\nNot run in this report."), md);
        assertTrue(md.contains("![Hop](benchmarks/Hop.svg)"), md);

        String svg = Files.readString(docs.resolve("benchmarks").resolve("Hop.svg"));
        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""), svg);
        assertTrue(
                svg.contains("ns/op (sample), lower is better") && svg.contains("ops/s (thrpt), higher is better"),
                svg);
        assertEquals(4, svg.split("<rect x=\"330\"", -1).length - 1, "one bar per result: " + svg);
        assertTrue(svg.endsWith("</svg>\n"));
    }

    @Test
    void readsTheSuitesFileOfTheRepository() throws Exception {
        List<Suite> suites = Suite.read(Path.of("report-suites.txt"));
        assertTrue(suites.size() >= 9, suites::toString);
        Suite hop = suites.get(0);
        assertEquals("HopLatency", hop.name());
        assertEquals(List.of("arrayBlockingQueue", "linkedBlockingQueue"), hop.peers());
    }
}
