package dev.sluice.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.hash.CacheKey;
import dev.sluice.core.hash.Seed;
import dev.sluice.pipeline.evidence.EvidenceStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A data folder may be named anything: {@code ?} and {@code #} (which a {@code jdbc:sqlite:} URL would take for
 * its settings and a fragment), {@code %}, spaces. The SQLite stores open exactly the file they were given.
 */
class OddFileNamesTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"a?b#c", "a?journal_mode=DELETE", "100% data", "x#y z", "caf\u00e9 ?"})
    void theStoresOpenExactlyTheFileTheyAreGiven(String folderName) throws Exception {
        Path folder = Files.createDirectories(dir.resolve(folderName));
        Path evidenceFile = folder.resolve("evidence.db");
        Path cacheFile = folder.resolve("cache.db");
        try (EvidenceStore store = JdbcEvidence.sqlite(evidenceFile)) {
            store.append(StoreFixtures.sample(1, 1_000), 1, StoreFixtures.sampleInput(1));
        }
        CacheKey key = CacheKey.of(new byte[] {1}, "m", Seed.of(0), List.of(), "1");
        try (SqliteCacheTier tier = SqliteCacheTier.open(cacheFile)) {
            tier.put(key, new byte[] {42});
        }
        assertTrue(Files.isRegularFile(evidenceFile), "the evidence store is where it was asked to be");
        assertTrue(Files.isRegularFile(cacheFile), "the cache is where it was asked to be");
        try (Stream<Path> top = Files.list(dir)) {
            assertEquals(List.of(folder), top.toList(), "and nothing was created beside the folder");
        }
        try (EvidenceStore store = JdbcEvidence.open(evidenceFile.toString())) {
            assertEquals(
                    StoreFixtures.sample(1, 1_000),
                    store.evidence(new UUID(0x5100CE, 1)).orElseThrow());
        }
        try (SqliteCacheTier tier = SqliteCacheTier.open(cacheFile)) {
            assertArrayEquals(new byte[] {42}, tier.get(key));
        }
    }
}
