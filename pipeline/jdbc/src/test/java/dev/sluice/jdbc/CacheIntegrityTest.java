package dev.sluice.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.CorruptDataException;
import dev.sluice.core.hash.CacheKey;
import dev.sluice.core.hash.Seed;
import dev.sluice.pipeline.FlowRuntime;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.ResultCache;
import dev.sluice.pipeline.RunResult;
import dev.sluice.pipeline.TestFlows;
import dev.sluice.pipeline.TestFlows.Answer;
import dev.sluice.pipeline.TestFlows.CountingModel;
import dev.sluice.pipeline.TestFlows.Question;
import dev.sluice.pipeline.evidence.EvidenceLink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One flipped bit in {@code cache.db} never changes an answer: every row is checked against its checksum when read,
 * and a row that does not match is computed again, whether the bit was flipped through SQL or in the file's bytes
 * (where SQLite's own integrity check sees nothing wrong).
 */
class CacheIntegrityTest {
    @TempDir
    Path dir;

    private static final Question QUESTION = new Question("how do I read all lines from a file", 1);

    private static CacheKey key(int i) {
        return CacheKey.of(new byte[] {(byte) i}, "m", Seed.of(0), List.of(), "1");
    }

    /** Runs the question once through a fresh pipeline over the cache file; returns the run and the cache's stats. */
    private record Asked(RunResult<Answer> run, ResultCache.Stats stats, int modelCalls) {}

    private static Asked ask(Path file, FlowRuntime runtime) {
        CountingModel model = new CountingModel();
        try (ResultCache cache = ResultCache.persistent(1 << 20, SqliteCacheTier.open(file));
                Pipeline<Question, Answer> p =
                        TestFlows.questionAnswering(model, new ArrayList<>()).start(runtime.withCache(cache))) {
            RunResult<Answer> run = p.submit(QUESTION).join();
            return new Asked(run, cache.stats(), model.calls.get());
        }
    }

    @Test
    void everyBitOfAStoredAnswerFlippedThroughSqlIsComputedAgain() throws Exception {
        Path file = dir.resolve("cache.db");
        Answer expected = ask(file, FlowRuntime.inline()).run().value();
        byte[] original;
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = db.createStatement();
                ResultSet row = s.executeQuery("SELECT output FROM result_cache")) {
            original = row.getBytes(1);
        }
        int flips = 0;
        for (int bit = 0; bit < original.length * 8; bit += 13) { // every 13th bit: every bit position, many bytes
            byte[] flipped = original.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
                    PreparedStatement update = db.prepareStatement("UPDATE result_cache SET output = ?")) {
                update.setBytes(1, flipped);
                assertEquals(1, update.executeUpdate());
            }
            Asked asked = ask(file, bit % 2 == 0 ? FlowRuntime.inline() : FlowRuntime.pipelined());
            assertEquals(expected, asked.run().value(), "bit " + bit);
            assertEquals(1, asked.stats().corruptRows(), "bit " + bit);
            assertEquals(1, asked.modelCalls(), "bit " + bit + ": computed again");
            assertFalse(asked.run().nodes().get(2).cacheHit());
            flips++;
        }
        assertTrue(flips > 50, flips + " flips");
        Asked clean = ask(file, FlowRuntime.inline());
        assertTrue(clean.run().nodes().get(2).cacheHit(), "the last bad row was overwritten");
        assertEquals(0, clean.stats().corruptRows());
    }

    @Test
    void aBitFlippedInTheFileItselfPassesSqliteIntegrityCheckButIsNotServed() throws Exception {
        Path file = dir.resolve("cache.db");
        Answer expected = ask(file, FlowRuntime.inline()).run().value();
        byte[] text = "answer to q: how do i read all lines".getBytes(StandardCharsets.UTF_8);
        int offset = "answer to q: how do i read ".length(); // the 'a' of "all"
        int round = 0;
        for (FlowRuntime runtime : List.of(FlowRuntime.pipelined(), FlowRuntime.inline())) {
            // 'a' (0x61) becomes '!' (0x21), then 'a' becomes '`' (0x60): "read !ll lines", "read `ll lines"
            assertTrue(flipInFile(file, text, offset, round++ == 0 ? 0x40 : 0x01) > 0, "the answer is in the file");
            try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
                    Statement s = db.createStatement();
                    ResultSet check = s.executeQuery("PRAGMA integrity_check")) {
                assertEquals("ok", check.getString(1), "SQLite sees nothing wrong with the file");
            }
            Asked asked = ask(file, runtime);
            assertEquals(expected, asked.run().value());
            assertEquals(1, asked.stats().corruptRows());
            assertEquals(1, asked.modelCalls());
        }
    }

    /**
     * Flips bits of the byte at {@code offset} into every copy of {@code text} in a closed database file (the live
     * row, and any stale copy in a free page).
     *
     * @return how many copies were changed
     */
    private static int flipInFile(Path file, byte[] text, int offset, int mask) throws Exception {
        assertFalse(Files.exists(Path.of(file + "-wal")), "the file is closed and checkpointed");
        byte[] bytes = Files.readAllBytes(file);
        int copies = 0;
        for (int at = indexOf(bytes, text, 0); at >= 0; at = indexOf(bytes, text, at + 1)) {
            bytes[at + offset] ^= (byte) mask;
            copies++;
        }
        Files.write(file, bytes);
        return copies;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void theTierReportsAChangedRowNamingTheFileAndTheKey() throws Exception {
        Path file = dir.resolve("tier.db");
        try (SqliteCacheTier tier = SqliteCacheTier.open(file)) {
            tier.put(key(1), new byte[] {1, 2, 3});
            tier.put(key(2), new byte[] {4, 5, 6});
        }
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
                PreparedStatement update =
                        db.prepareStatement("UPDATE result_cache SET output = X'010203' WHERE cache_key = ?")) {
            update.setBytes(1, key(2).toBytes()); // key 1's bytes under key 2: right bytes, wrong key
            assertEquals(1, update.executeUpdate());
        }
        try (SqliteCacheTier tier = SqliteCacheTier.open(file)) {
            assertArrayEquals(new byte[] {1, 2, 3}, tier.get(key(1)));
            CorruptDataException e = assertThrows(CorruptDataException.class, () -> tier.get(key(2)));
            assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()), e.getMessage());
            assertTrue(e.getMessage().contains(key(2).hex()), e.getMessage());
            assertNull(tier.get(key(3)));
        }
    }

    @Test
    void aFileWrittenBeforeChecksumsGainsTheColumnAndItsOldRowsAreMisses() throws Exception {
        Path file = dir.resolve("old.db");
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = db.createStatement()) {
            s.execute("CREATE TABLE result_cache (cache_key BLOB PRIMARY KEY, output BLOB NOT NULL,"
                    + " stored_at_ms INTEGER NOT NULL)");
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO result_cache VALUES (?, X'0102', 0)")) {
                insert.setBytes(1, key(1).toBytes());
                insert.executeUpdate();
            }
        }
        try (ResultCache cache = ResultCache.persistent(1 << 20, SqliteCacheTier.open(file))) {
            assertNull(cache.getIfPresent(key(1)), "an old row has nothing to be checked against: a miss");
            assertEquals(0, cache.stats().corruptRows(), "but not a corrupt one");
            assertArrayEquals(
                    new byte[] {7},
                    cache.computeIfAbsent(key(1), () -> CompletableFuture.completedFuture(new byte[] {7}))
                            .join());
        }
        try (ResultCache cache = ResultCache.persistent(1 << 20, SqliteCacheTier.open(file))) {
            assertArrayEquals(new byte[] {7}, cache.getIfPresent(key(1)), "overwritten with its checksum");
            assertEquals(1, cache.stats().persistentHits());
        }
    }

    @Test
    void aChangedEvidenceLinksRowMakesItsOutputAMissAndIsOverwritten() throws Exception {
        Path file = dir.resolve("links.db");
        List<EvidenceLink> links =
                List.of(new EvidenceLink(EvidenceLink.Kind.DOC, "doc-7", "d".repeat(64), "a snippet", Map.of()));
        try (ResultCache cache = ResultCache.persistent(1 << 20, SqliteCacheTier.open(file))) {
            cache.putEvidence(key(1), links);
            cache.put(key(1), new byte[] {42});
        }
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
                PreparedStatement update = db.prepareStatement(
                        "UPDATE result_cache SET output = CAST(REPLACE(CAST(output AS TEXT), 'doc-7', 'doc-8') AS BLOB)"
                                + " WHERE cache_key <> ?")) {
            update.setBytes(1, key(1).toBytes());
            assertEquals(1, update.executeUpdate(), "the links row");
        }
        AtomicInteger loads = new AtomicInteger();
        try (ResultCache cache = ResultCache.persistent(1 << 20, SqliteCacheTier.open(file))) {
            assertNull(cache.getIfPresent(key(1)), "an output whose links do not check is not served");
            assertEquals(1, cache.stats().corruptRows());
            cache.computeIfAbsent(key(1), () -> {
                        loads.incrementAndGet();
                        return CompletableFuture.completedFuture(new byte[] {42});
                    })
                    .join();
        }
        assertEquals(1, loads.get());
        try (ResultCache cache = ResultCache.persistent(1 << 20, SqliteCacheTier.open(file))) {
            assertArrayEquals(new byte[] {42}, cache.getIfPresent(key(1)));
            assertEquals(List.of(), cache.evidence(key(1)), "the changed links were overwritten with none");
            assertEquals(0, cache.stats().corruptRows());
        }
    }
}
