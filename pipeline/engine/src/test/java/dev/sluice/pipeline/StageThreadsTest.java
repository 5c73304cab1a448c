package dev.sluice.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.hash.CacheKey;
import dev.sluice.core.schema.Schemas;
import dev.sluice.pipeline.evidence.EvidenceLink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Pipelined stage threads never block on disk: every call into the persistent cache tier comes from elsewhere. */
class StageThreadsTest {
    /** A persistent tier over a map that records the name of the thread of every call. */
    private static final class RecordingTier implements PersistentTier {
        final Map<CacheKey, byte[]> rows = new ConcurrentHashMap<>();
        final Set<String> gets = ConcurrentHashMap.newKeySet();
        final Set<String> puts = ConcurrentHashMap.newKeySet();

        @Override
        public byte[] get(CacheKey key) {
            gets.add(Thread.currentThread().getName());
            return rows.get(key);
        }

        @Override
        public void put(CacheKey key, byte[] bytes) {
            puts.add(Thread.currentThread().getName());
            rows.put(key, bytes);
        }

        @Override
        public void close() {}
    }

    /** A model that reports a document link for each answer, so that the tier also holds evidence links. */
    private static final class LinkingModel implements Adapter<String, String> {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public String apply(String input, AdapterContext context) {
            calls.incrementAndGet();
            context.evidence(EvidenceLink.Kind.DOC, "doc-" + input.length(), "", input, Map.of());
            return "answer to " + input;
        }

        @Override
        public String modelIdentity() {
            return "test:linking-model";
        }
    }

    private static Flow<String, String> flow(LinkingModel model) {
        return Flow.named("tiered", "1")
                .input(Schemas.string())
                .map("normalize", "1", Schemas.string(), String::strip)
                .call("model", "1", Schemas.string(), model)
                .map("shout", "1", Schemas.string(), s -> s + "!")
                .build();
    }

    private static List<String> inputs(int count) {
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            inputs.add(" question " + i + " ");
        }
        return inputs;
    }

    private static List<RunResult<String>> runAll(Pipeline<String, String> p, List<String> inputs) {
        List<CompletableFuture<RunResult<String>>> futures = new ArrayList<>();
        for (String input : inputs) {
            futures.add(p.submit(input));
        }
        List<RunResult<String>> results = new ArrayList<>();
        for (CompletableFuture<RunResult<String>> f : futures) {
            results.add(f.orTimeout(30, TimeUnit.SECONDS).join());
        }
        return results;
    }

    private static void assertSameRuns(List<RunResult<String>> expected, List<RunResult<String>> actual) {
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).value(), actual.get(i).value());
            assertEquals(expected.get(i).outputHash(), actual.get(i).outputHash(), "input " + i);
            assertEquals(
                    expected.get(i).nodes().get(1).evidence(),
                    actual.get(i).nodes().get(1).evidence(),
                    "the model's evidence links, input " + i);
        }
    }

    @Test
    void noStageThreadEverCallsThePersistentTier() {
        RecordingTier tier = new RecordingTier();
        LinkingModel model = new LinkingModel();
        List<String> inputs = inputs(400);
        FlowRuntime pipelined = FlowRuntime.pipelined().withThreads(2).withSubmitTimeout(Duration.ofSeconds(10));

        // the reference, computed inline into a cache over the tier: half the inputs are in both tiers now
        List<RunResult<String>> reference;
        try (ResultCache cache = ResultCache.persistent(1 << 20, tier);
                Pipeline<String, String> inline =
                        flow(model).start(FlowRuntime.inline().withCache(cache))) {
            reference = runAll(inline, inputs.subList(0, inputs.size() / 2));
            // pipelined over the same cache: memory hits on bytes its stages have not seen before
            try (Pipeline<String, String> p = flow(model).start(pipelined.withCache(cache))) {
                assertSameRuns(reference, runAll(p, inputs.subList(0, inputs.size() / 2)));
            }
            assertTrue(
                    cache.stats().memoryHits() >= inputs.size() / 2,
                    cache.stats().toString());
            reference = new ArrayList<>(reference);
            reference.addAll(runAll(inline, inputs.subList(inputs.size() / 2, inputs.size())));
        }
        int computed = model.calls.get();
        assertEquals(inputs.size(), computed);

        // a restarted process: every output and its links come from the tier, then from memory
        try (ResultCache restarted = ResultCache.persistent(1 << 20, tier);
                Pipeline<String, String> p = flow(model).start(pipelined.withCache(restarted))) {
            tier.gets.clear();
            tier.puts.clear();
            assertSameRuns(reference, runAll(p, inputs));
            assertEquals(
                    inputs.size(),
                    restarted.stats().persistentHits(),
                    restarted.stats().toString());
            assertSameRuns(reference, runAll(p, inputs));
            assertTrue(
                    restarted.stats().memoryHits() >= inputs.size(),
                    restarted.stats().toString());
        }
        assertEquals(computed, model.calls.get(), "every output came from the cache");
        assertFalse(tier.gets.isEmpty(), "the persistent tier was read");
        assertTrue(tier.gets.stream().allMatch(name -> name.startsWith("sluice-tiered-adapter-")), tier.gets::toString);

        // misses: computed on the pool, their outputs and links written to the tier from there
        RecordingTier empty = new RecordingTier();
        try (ResultCache fresh = ResultCache.persistent(1 << 20, empty);
                Pipeline<String, String> p = flow(model).start(pipelined.withCache(fresh))) {
            List<String> more = inputs(600).subList(400, 600);
            runAll(p, more);
            runAll(p, more);
        }
        assertEquals(computed + 200, model.calls.get());
        assertEquals(2 * 200, empty.rows.size(), "each output and its links");
        assertTrue(
                empty.puts.stream().allMatch(name -> name.startsWith("sluice-tiered-adapter-")), empty.puts::toString);

        for (Set<String> names : List.of(tier.gets, tier.puts, empty.gets, empty.puts)) {
            for (String name : names) {
                assertFalse(name.contains("-stage-"), "a stage thread called the persistent tier: " + name);
            }
        }
    }
}
