package dev.sluice.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.hash.CacheKey;
import dev.sluice.pipeline.FlowRuntime;
import dev.sluice.pipeline.NodeFailedException;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.ResultCache;
import dev.sluice.pipeline.RunResult;
import dev.sluice.pipeline.TestFlows;
import dev.sluice.pipeline.TestFlows.Answer;
import dev.sluice.pipeline.TestFlows.CountingModel;
import dev.sluice.pipeline.TestFlows.Question;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The result cache with its SQLite tier, under the real engine. */
class PersistentCacheTest {

    @Test
    void persistentTierServesARestartedProcess(@TempDir Path dir) {
        Path file = dir.resolve("cache/results.db");
        CountingModel model = new CountingModel();
        Question q = new Question("what is sluice", 1);
        Answer first;
        try (ResultCache cache = ResultCache.persistent(1 << 20, SqliteCacheTier.open(file));
                Pipeline<Question, Answer> p = TestFlows.questionAnswering(model, new ArrayList<>())
                        .start(FlowRuntime.inline().withCache(cache))) {
            first = p.submit(q).join().value();
        }
        try (ResultCache reopened = ResultCache.persistent(1 << 20, SqliteCacheTier.open(file));
                Pipeline<Question, Answer> p = TestFlows.questionAnswering(model, new ArrayList<>())
                        .start(FlowRuntime.inline().withCache(reopened))) {
            RunResult<Answer> again = p.submit(q).join();
            assertTrue(again.nodes().get(2).cacheHit());
            assertEquals(first, again.value());
            assertEquals(1, reopened.stats().persistentHits());
        }
        assertEquals(1, model.calls.get());
    }

    /**
     * A row changed behind the cache's back (here: its output replaced with two other bytes) does not match its
     * checksum: it is not served and does not fail the node, but is a miss, counted, computed again and
     * overwritten, so that the next process hits the recomputed row. This replaced the earlier contract, under
     * which such a row reached the node and failed it ("its cached output of 2 bytes is not a ...").
     */
    @Test
    void aPersistentRowChangedBehindTheCachesBackIsComputedAgainNotServed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("results.db");
        Question q = new Question("what is sluice", 1);
        Answer expected;
        try (ResultCache cache = ResultCache.persistent(1 << 20, SqliteCacheTier.open(file));
                Pipeline<Question, Answer> p = TestFlows.questionAnswering(new CountingModel(), new ArrayList<>())
                        .start(FlowRuntime.inline().withCache(cache))) {
            expected = p.submit(q).join().value();
        }
        for (FlowRuntime runtime : List.of(FlowRuntime.inline(), FlowRuntime.pipelined())) {
            try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
                    Statement update = db.createStatement()) {
                assertEquals(1, update.executeUpdate("UPDATE result_cache SET output = X'0102'"));
            }
            CountingModel model = new CountingModel();
            try (ResultCache reopened = ResultCache.persistent(1 << 20, SqliteCacheTier.open(file));
                    Pipeline<Question, Answer> p = TestFlows.questionAnswering(model, new ArrayList<>())
                            .start(runtime.withCache(reopened))) {
                RunResult<Answer> run = p.submit(q).join();
                assertEquals(expected, run.value(), "the value computed again, not the changed row");
                assertFalse(run.nodes().get(2).cacheHit());
                assertEquals(1, model.calls.get());
                assertEquals(1, reopened.stats().corruptRows(), reopened.stats().toString());
                assertEquals(0, reopened.stats().persistentHits());
            }
            CountingModel idle = new CountingModel();
            try (ResultCache again = ResultCache.persistent(1 << 20, SqliteCacheTier.open(file));
                    Pipeline<Question, Answer> p =
                            TestFlows.questionAnswering(idle, new ArrayList<>()).start(runtime.withCache(again))) {
                RunResult<Answer> run = p.submit(q).join();
                assertEquals(expected, run.value());
                assertTrue(run.nodes().get(2).cacheHit(), "the bad row was overwritten");
                assertEquals(0, idle.calls.get());
                assertEquals(0, again.stats().corruptRows());
            }
        }
    }

    /**
     * Hits stay undecoded, but bytes a node has not seen before are checked once: a row that matches its checksum
     * yet does not decode (stored so by a faulty writer, not changed afterwards) still fails the node that reads it.
     */
    @Test
    void aCorruptPersistentRowFailsTheNodeThatReadsIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("results.db");
        Question q = new Question("what is sluice", 1);
        try (ResultCache cache = ResultCache.persistent(1 << 20, SqliteCacheTier.open(file));
                Pipeline<Question, Answer> p = TestFlows.questionAnswering(new CountingModel(), new ArrayList<>())
                        .start(FlowRuntime.inline().withCache(cache))) {
            p.submit(q).join();
        }
        byte[] undecodable = {1, 2};
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
                PreparedStatement update =
                        db.prepareStatement("UPDATE result_cache SET output = ?, checksum = ? WHERE cache_key = ?")) {
            List<byte[]> keys = new ArrayList<>();
            try (Statement select = db.createStatement();
                    ResultSet rows = select.executeQuery("SELECT cache_key FROM result_cache")) {
                while (rows.next()) {
                    keys.add(rows.getBytes(1));
                }
            }
            assertEquals(1, keys.size());
            CacheKey key = CacheKey.readFrom(new UnsafeBuffer(keys.getFirst()), 0);
            update.setBytes(1, undecodable);
            update.setBytes(2, SqliteCacheTier.checksum(key, undecodable));
            update.setBytes(3, keys.getFirst());
            assertEquals(1, update.executeUpdate());
        }
        for (FlowRuntime runtime : List.of(FlowRuntime.inline(), FlowRuntime.pipelined())) {
            try (ResultCache reopened = ResultCache.persistent(1 << 20, SqliteCacheTier.open(file));
                    Pipeline<Question, Answer> p = TestFlows.questionAnswering(new CountingModel(), new ArrayList<>())
                            .start(runtime.withCache(reopened))) {
                CompletionException failure = assertThrows(
                        CompletionException.class, () -> p.submit(q).join());
                NodeFailedException cause = assertInstanceOf(NodeFailedException.class, failure.getCause());
                assertEquals("call_model", cause.nodeId());
                assertTrue(cause.getMessage().contains("cached output of 2 bytes"), cause.getMessage());
            }
        }
    }
}
