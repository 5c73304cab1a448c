package dev.sluice.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphIndexTest {
    @TempDir
    Path directory;

    @Test
    void recallAt10IsAtLeast095On20000ClusteredVectors() {
        long start = System.nanoTime();
        try (GraphIndex index = GraphIndex.build(Fixtures.clusteredStore(20_000, 384, Similarity.COSINE),
                GraphConfig.defaults())) {
            System.out.printf("build %.1f s%n", (System.nanoTime() - start) / 1e9);
            double recall = Fixtures.recall(FlatIndex.of(index.store()), index, Fixtures.queries(200, 384), 10,
                    SearchFilter.ALL);
            System.out.println("recall@10 " + recall);
            assertTrue(recall >= 0.95, "recall@10 " + recall);
            index.save(directory);
            index.add("extra", Fixtures.queries(1, 384)[0], null);
        }
        try (GraphIndex opened = GraphIndex.open(directory)) {
            assertEquals(20_000, opened.graphSize());
        }
    }
}
