package dev.sluice.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.hash.Seed;
import dev.sluice.pipeline.FlowRuntime;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.ResultCache;
import dev.sluice.pipeline.RunResult;
import dev.sluice.pipeline.TestFlows;
import dev.sluice.pipeline.TestFlows.Answer;
import dev.sluice.pipeline.TestFlows.CountingModel;
import dev.sluice.pipeline.TestFlows.Question;
import dev.sluice.pipeline.evidence.Evidence;
import dev.sluice.pipeline.evidence.EvidenceStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The inline runtime without cache or evidence is the reference: every runtime, with every kind of cache and with or
 * without a SQLite evidence store, must give byte-identical outputs and hashes for the same 1,000 inputs.
 */
class RuntimeEquivalenceTest {
    private static final Seed SEED = Seed.of(42);
    private static final List<Question> QUESTIONS = questions(1_000, 20_261_126L);
    /** How many runs' recorded evidence is read back and checked per cell: every this-many-th run. */
    private static final int EVIDENCE_SAMPLE_EVERY = 50;

    private static List<RunResult<Answer>> reference;

    /** How a cell runs the flow. */
    enum Runtime {
        INLINE,
        PIPELINED_ONE_THREAD,
        PIPELINED_TWO_THREADS;

        FlowRuntime runtime() {
            return switch (this) {
                case INLINE -> FlowRuntime.inline();
                case PIPELINED_ONE_THREAD ->
                    FlowRuntime.pipelined().withThreads(1).withSubmitTimeout(Duration.ofSeconds(10));
                case PIPELINED_TWO_THREADS ->
                    FlowRuntime.pipelined().withThreads(2).withSubmitTimeout(Duration.ofSeconds(10));
            };
        }
    }

    /** Which result cache a cell runs with. */
    enum CacheKind {
        /** A memory tier of 0 bytes: nothing is kept, every adapter call computes. */
        NONE,
        MEMORY,
        /** A memory tier over a SQLite tier; the cell runs again after a restart, served by the tier. */
        PERSISTENT
    }

    /** Whether a cell records evidence. */
    enum EvidenceKind {
        NONE,
        SQLITE
    }

    private static List<Question> questions(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] words = {"what", "is", "sluice", "ring", "buffer", "cache", "vector", "index", "a", "of"};
        List<Question> questions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder text = new StringBuilder();
            for (int w = random.nextInt(1, 8); w > 0; w--) {
                text.append(words[random.nextInt(words.length)]).append(' ');
            }
            questions.add(new Question(text.toString(), random.nextInt(1, 10)));
        }
        return questions;
    }

    @BeforeAll
    static void runTheReference() {
        try (Pipeline<Question, Answer> p = TestFlows.questionAnswering(new CountingModel(), new ArrayList<>())
                .start(FlowRuntime.inline().withSeed(SEED).withCache(ResultCache.inMemory(0)))) {
            reference = runAll(p);
        }
    }

    static Stream<Arguments> cells() {
        List<Arguments> cells = new ArrayList<>();
        for (Runtime runtime : Runtime.values()) {
            for (CacheKind cache : CacheKind.values()) {
                for (EvidenceKind evidence : EvidenceKind.values()) {
                    cells.add(Arguments.of(runtime, cache, evidence));
                }
            }
        }
        return cells.stream();
    }

    private static List<RunResult<Answer>> runAll(Pipeline<Question, Answer> p) {
        List<CompletableFuture<RunResult<Answer>>> futures = new ArrayList<>();
        for (Question q : QUESTIONS) {
            futures.add(p.submit(q));
        }
        List<RunResult<Answer>> results = new ArrayList<>();
        for (CompletableFuture<RunResult<Answer>> f : futures) {
            results.add(f.join());
        }
        return results;
    }

    @ParameterizedTest(name = "{0}, cache {1}, evidence {2}")
    @MethodSource("cells")
    void everyCellGivesTheReferenceBytesAndHashes(
            Runtime runtime, CacheKind cacheKind, EvidenceKind evidenceKind, @TempDir Path dir) {
        int passes = cacheKind == CacheKind.PERSISTENT ? 2 : 1; // the second pass is a restarted process
        for (int pass = 0; pass < passes; pass++) {
            ResultCache cache = switch (cacheKind) {
                case NONE -> ResultCache.inMemory(0);
                case MEMORY -> ResultCache.inMemory(1 << 20);
                case PERSISTENT -> ResultCache.persistent(1 << 20, SqliteCacheTier.open(dir.resolve("cache.db")));
            };
            EvidenceStore store = evidenceKind == EvidenceKind.SQLITE
                    ? JdbcEvidence.sqlite(dir.resolve("evidence-" + pass + ".db"))
                    : null;
            FlowRuntime flowRuntime = runtime.runtime().withSeed(SEED).withCache(cache);
            if (store != null) {
                flowRuntime = flowRuntime.withEvidence(store);
            }
            CountingModel model = new CountingModel();
            try (cache;
                    Pipeline<Question, Answer> p = TestFlows.questionAnswering(model, new ArrayList<>())
                            .start(flowRuntime)) {
                List<RunResult<Answer>> results = runAll(p);
                String cell = runtime + ", cache " + cacheKind + ", evidence " + evidenceKind + ", pass " + pass;
                assertSameBytesAndHashes(results, cell);
                if (pass == 1) {
                    assertEquals(0, model.calls.get(), "a restarted process is served by the persistent tier");
                    assertTrue(cache.stats().persistentHits() > 0, cache.stats().toString());
                }
                if (store != null) {
                    store.flush();
                    for (int i = 0; i < results.size(); i += EVIDENCE_SAMPLE_EVERY) {
                        Evidence evidence = p.evidence(results.get(i).runId()).orElseThrow();
                        assertEquals(reference.get(i).outputHash().hex(), evidence.outputHash(), cell + ", run " + i);
                        assertEquals(
                                reference.get(i).nodes().get(0).inputHash().hex(),
                                evidence.inputHash(),
                                cell + ", run " + i);
                    }
                }
            } finally {
                if (store != null) {
                    store.close();
                }
            }
        }
    }

    private static void assertSameBytesAndHashes(List<RunResult<Answer>> results, String cell) {
        assertEquals(reference.size(), results.size());
        for (int i = 0; i < reference.size(); i++) {
            RunResult<Answer> expected = reference.get(i);
            RunResult<Answer> actual = results.get(i);
            String where = cell + ", question " + i;
            // the output hash is the SHA-256 of the canonical output bytes: equal hashes, equal bytes
            assertEquals(expected.outputHash(), actual.outputHash(), where);
            assertEquals(expected.value(), actual.value(), where);
            for (int n = 0; n < expected.nodes().size(); n++) {
                assertEquals(
                        expected.nodes().get(n).inputHash(),
                        actual.nodes().get(n).inputHash(),
                        where + ", node " + n);
                assertEquals(
                        expected.nodes().get(n).outputHash(),
                        actual.nodes().get(n).outputHash(),
                        where + ", node " + n);
            }
        }
    }
}
