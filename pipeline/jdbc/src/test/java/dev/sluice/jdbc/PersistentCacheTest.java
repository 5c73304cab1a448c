package dev.sluice.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
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

    /** Hits stay undecoded, but bytes a node has not seen before are checked once: a damaged row fails that node. */
    @Test
    void aCorruptPersistentRowFailsTheNodeThatReadsIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("results.db");
        Question q = new Question("what is sluice", 1);
        try (ResultCache cache = ResultCache.persistent(1 << 20, SqliteCacheTier.open(file));
                Pipeline<Question, Answer> p = TestFlows.questionAnswering(new CountingModel(), new ArrayList<>())
                        .start(FlowRuntime.inline().withCache(cache))) {
            p.submit(q).join();
        }
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement update = db.createStatement()) {
            assertEquals(1, update.executeUpdate("UPDATE result_cache SET output = X'0102'"));
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
