package dev.sluice.examples.cli;

import static dev.sluice.examples.cli.CliRun.sluice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.memory.FloatMatrix;
import dev.sluice.fixtures.ClusteredVectors;
import dev.sluice.vector.Texmex;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexCommandTest {
    @TempDir
    Path directory;

    private Path fvecs(String name, long pointSeed, int rows) {
        Path file = directory.resolve(name);
        ClusteredVectors vectors = new ClusteredVectors(7, pointSeed, 16, 8, 0.5f);
        try (FloatMatrix matrix = FloatMatrix.allocate(name, rows, 16)) {
            for (int row = 0; row < rows; row++) {
                matrix.setRow(row, vectors.next());
            }
            Texmex.writeFvecs(file, matrix);
        }
        return file;
    }

    @Test
    void buildsSearchesAndDescribesAnIndex() {
        Path base = fvecs("base.fvecs", 1, 2_000);
        Path queries = fvecs("queries.fvecs", 2, 20);
        Path index = directory.resolve("index");
        CliRun build = sluice(
                "index",
                "build",
                "--vectors",
                base.toString(),
                "--out",
                index.toString(),
                "--similarity",
                "euclidean",
                "--degree",
                "16",
                "--beam",
                "64");
        assertEquals(0, build.exitCode(), build::toString);
        assertTrue(build.out().contains("indexed 2000 vectors of dimension 16 (euclidean)"), build::toString);

        Path graphResults = directory.resolve("graph.ivecs");
        Path exactResults = directory.resolve("exact.ivecs");
        CliRun search = sluice(
                "index",
                "search",
                "--index",
                index.toString(),
                "--queries",
                queries.toString(),
                "--k",
                "10",
                "--out",
                graphResults.toString(),
                "--overquery",
                "3");
        assertEquals(0, search.exitCode(), search::toString);
        CliRun exact = sluice(
                "index",
                "search",
                "--index",
                index.toString(),
                "--queries",
                queries.toString(),
                "--k",
                "10",
                "--out",
                exactResults.toString(),
                "--exact");
        assertEquals(0, exact.exitCode(), exact::toString);
        int[][] graphIds = Texmex.readIvecs(graphResults);
        int[][] exactIds = Texmex.readIvecs(exactResults);
        assertEquals(20, graphIds.length);
        int found = 0;
        for (int q = 0; q < 20; q++) {
            for (int id : graphIds[q]) {
                found += java.util.Arrays.stream(exactIds[q]).anyMatch(e -> e == id) ? 1 : 0;
            }
        }
        assertTrue(found >= 180, "recall@10 of the CLI search: " + found + "/200");

        CliRun info = sluice("index", "info", index.toString());
        assertEquals(0, info.exitCode(), info::toString);
        assertTrue(info.out().contains("rows:        2000 (2000 live)"), info::toString);
        assertTrue(info.out().contains("EUCLIDEAN"), info::toString);
        assertTrue(info.out().contains("navigation:  int8 codes, exact rerank"), info::toString);
    }

    @Test
    void badInputIsOneLineAndExitCode2() {
        CliRun missing = sluice(
                "index",
                "build",
                "--vectors",
                directory.resolve("nope.fvecs").toString(),
                "--out",
                directory.resolve("x").toString());
        assertEquals(SluiceCli.EXIT_BAD_INPUT, missing.exitCode(), missing::toString);
        assertEquals(1, missing.err().lines().count(), missing::toString);
        assertTrue(missing.err().contains("no such file"), missing::toString);

        CliRun notIndex = sluice("index", "info", directory.toString());
        assertEquals(SluiceCli.EXIT_BAD_INPUT, notIndex.exitCode(), notIndex::toString);
        assertTrue(notIndex.err().contains("index.meta is missing"), notIndex::toString);

        Path base = fvecs("base.fvecs", 1, 50);
        CliRun similarity = sluice(
                "index",
                "build",
                "--vectors",
                base.toString(),
                "--out",
                directory.resolve("y").toString(),
                "--similarity",
                "manhattan");
        assertEquals(SluiceCli.EXIT_BAD_INPUT, similarity.exitCode(), similarity::toString);
        assertTrue(similarity.err().contains("cosine, dot or euclidean"), similarity::toString);
    }
}
