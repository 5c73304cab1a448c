package dev.sluice.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.hash.ContentHash;
import dev.sluice.core.hash.Seed;
import dev.sluice.core.schema.Schemas;
import dev.sluice.pipeline.TestFlows.Answer;
import dev.sluice.pipeline.TestFlows.CountingModel;
import dev.sluice.pipeline.TestFlows.Question;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class InlinePipelineTest {
    @Test
    void runsEveryNodeAndChainsTheEdgeHashes() {
        CountingModel model = new CountingModel();
        List<Answer> sunk = new ArrayList<>();
        try (Pipeline<Question, Answer> p =
                TestFlows.questionAnswering(model, sunk).start(FlowRuntime.inline())) {
            RunResult<Answer> r = p.submit(new Question("  What IS Sluice ", 3)).join();
            assertEquals("answer to q: what is sluice", r.value().text());
            assertEquals(List.of(r.value()), sunk);
            assertEquals(
                    List.of("normalize", "assemble", "call_model", "quality_gate", "persist"),
                    r.nodes().stream().map(NodeTrace::nodeId).toList());
            ContentHash expectedInput = ContentHash.of(TestFlows.QUESTION, new Question("  What IS Sluice ", 3));
            assertEquals(expectedInput, r.nodes().get(0).inputHash());
            for (int i = 1; i < r.nodes().size(); i++) {
                assertEquals(r.nodes().get(i - 1).outputHash(), r.nodes().get(i).inputHash());
            }
            assertEquals(ContentHash.of(TestFlows.ANSWER, r.value()), r.outputHash());
            assertEquals(
                    GateDecision.Outcome.PASS,
                    r.nodes().get(3).gateDecision().orElseThrow().outcome());
        }
    }

    @Test
    void secondIdenticalRequestHitsTheCacheWithTheSameBytes() {
        CountingModel model = new CountingModel();
        try (Pipeline<Question, Answer> p =
                TestFlows.questionAnswering(model, new ArrayList<>()).start(FlowRuntime.inline())) {
            RunResult<Answer> first =
                    p.submit(new Question("what is sluice", 1)).join();
            RunResult<Answer> second =
                    p.submit(new Question("  WHAT is sluice", 1)).join();
            assertEquals(1, model.calls.get(), "normalised questions share the model call");
            assertFalse(first.anyCacheHit());
            assertTrue(second.nodes().get(2).cacheHit());
            assertEquals(first.outputHash(), second.outputHash());
            assertEquals(0, second.nodes().get(2).tokens(), "a cache hit streams nothing");
            assertEquals(1, p.cacheStats().hits());
        }
    }

    @Test
    void changedStateSeedOrFlowVersionNeverServesAStaleAnswer() {
        CountingModel model = new CountingModel();
        ResultCache shared = ResultCache.inMemory(1 << 20);
        Question q = new Question("what is sluice", 1);
        try (Pipeline<Question, Answer> p = TestFlows.questionAnswering(model, new ArrayList<>())
                .start(FlowRuntime.inline().withCache(shared))) {
            p.submit(q).join();
            model.stateVersion = "index-2";
            assertFalse(p.submit(q).join().anyCacheHit(), "a new index version must miss");
        }
        try (Pipeline<Question, Answer> p = TestFlows.questionAnswering(model, new ArrayList<>())
                .start(FlowRuntime.inline().withCache(shared).withSeed(Seed.of(7)))) {
            assertFalse(p.submit(q).join().anyCacheHit(), "another seed must miss");
        }
        assertEquals(3, model.calls.get());
    }

    @Test
    void streamsTokensOnAMiss() {
        List<String> tokens = new ArrayList<>();
        try (Pipeline<Question, Answer> p = TestFlows.questionAnswering(new CountingModel(), new ArrayList<>())
                .start(FlowRuntime.inline())) {
            RunResult<Answer> r = p.submit(
                            new Question("two words", 1), (node, token) -> tokens.add(node + ":" + token))
                    .join();
            assertEquals(List.of("call_model:q:", "call_model:two", "call_model:words"), tokens);
            assertEquals(3, r.nodes().get(2).tokens());
        }
    }

    @Test
    void gateFallbackIsRecordedWithItsReasonAndScores() {
        try (Pipeline<Question, Answer> p = TestFlows.questionAnswering(new CountingModel(), new ArrayList<>())
                .start(FlowRuntime.inline())) {
            RunResult<Answer> r = p.submit(new Question("a b", 1)).join();
            GateDecision<?> decision = r.nodes().get(3).gateDecision().orElseThrow();
            assertEquals(GateDecision.Outcome.FALLBACK, decision.outcome());
            assertEquals("no sources", decision.reason());
            assertEquals(0.0, decision.scores().get("sources"));
            assertEquals("no sources", r.value().text());
        }
    }

    @Test
    void aThrowingNodeFailsOnlyItsOwnRequestNamingTheNode() {
        Flow<String, Integer> flow = Flow.named("f", "1")
                .input(Schemas.string())
                .map("parse", "1", Schemas.int32(), Integer::parseInt)
                .build();
        try (Pipeline<String, Integer> p = flow.start(FlowRuntime.inline())) {
            CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(
                    CompletionException.class, () -> p.submit("x").join());
            NodeFailedException failure = assertInstanceOf(NodeFailedException.class, e.getCause());
            assertEquals("parse", failure.nodeId());
            assertTrue(failure.getMessage().contains("NumberFormatException"), failure.getMessage());
            assertEquals(42, p.submit("42").join().value());
        }
    }

    @Test
    void anOutputItsSchemaCannotEncodeFailsNamingNodeAndReason() {
        Flow<String, String> flow = Flow.named("f", "1")
                .input(Schemas.string())
                .map("lonely_surrogate", "1", Schemas.string(), s -> s + "\uD800")
                .build();
        try (Pipeline<String, String> p = flow.start(FlowRuntime.inline())) {
            CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(
                    CompletionException.class, () -> p.submit("x").join());
            NodeFailedException failure = assertInstanceOf(NodeFailedException.class, e.getCause());
            assertEquals("lonely_surrogate", failure.nodeId());
            assertTrue(failure.getMessage().contains("cannot be encoded as string"), failure.getMessage());
        }
    }

    @Test
    void closedPipelineRefusesNewWork() {
        Pipeline<Question, Answer> p = TestFlows.questionAnswering(new CountingModel(), new ArrayList<>())
                .start(FlowRuntime.inline());
        assertEquals(List.of(), p.close(java.time.Duration.ofSeconds(1)));
        CompletionException e = org.junit.jupiter.api.Assertions.assertThrows(
                CompletionException.class, () -> p.submit(new Question("q", 1)).join());
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertNotEquals(null, e.getCause().getMessage());
    }
}
