package dev.sluice.rag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.BadInputException;
import dev.sluice.core.hash.ContentHash;
import dev.sluice.core.hash.Seed;
import dev.sluice.core.schema.Schemas;
import dev.sluice.fixtures.TinyLlamaModel;
import dev.sluice.inference.llama.Completion;
import dev.sluice.inference.llama.LlamaConfig;
import dev.sluice.inference.llama.LlamaGenerator;
import dev.sluice.inference.llama.Sampling;
import dev.sluice.jdbc.StoreFixtures;
import dev.sluice.pipeline.Adapter;
import dev.sluice.pipeline.AdapterContext;
import dev.sluice.pipeline.Flow;
import dev.sluice.pipeline.FlowRuntime;
import dev.sluice.pipeline.GateDecision;
import dev.sluice.pipeline.GateDecision.Outcome;
import dev.sluice.pipeline.NodeFailedException;
import dev.sluice.pipeline.NodeTrace;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.ReplayReport;
import dev.sluice.pipeline.Rerun;
import dev.sluice.pipeline.RunResult;
import dev.sluice.pipeline.evidence.EvidenceStore;
import dev.sluice.pipeline.evidence.QualityEval;
import dev.sluice.pipeline.gates.Gates;
import dev.sluice.pipeline.gates.Remedy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gate's {@code rewrite} that re-runs an earlier node with a changed input: on a real (tiny, self-written) GGUF
 * model, in both runtimes, through the cache, the evidence store and replay; when the re-runs are used up; and the
 * checks on where a re-run may go.
 */
class GateRerunTest {
    static final String LONG_QUESTION = "why does a slow stage fill the ring buffer";

    @TempDir
    Path dir;

    static String shortened(String question) {
        return String.join(" ", List.of(question.split(" ")).subList(0, 4));
    }

    static Flow<String, Completion> flow(LlamaGenerator model, long maxTotalTokens) {
        Function<String, String> assemble = q -> "Question: " + q + "\nAnswer:";
        return Flow.named("rerun", "1")
                .input(Schemas.string())
                .map("assemble", "1", Schemas.string(), assemble)
                .call(
                        "answer",
                        "1",
                        RagNodes.generate(
                                model, Sampling.seeded(0).withTemperature(0.8f).withMaxTokens(4)))
                .gate(
                        "budget",
                        "1",
                        Gates.tokenBudget(
                                (Completion c) -> c.promptTokens() + c.completionTokens(),
                                maxTotalTokens,
                                Remedy.rerun("assemble", (String q, Completion overBudget) -> shortened(q))))
                .build();
    }

    @Test
    void aGateOverBudgetRerunsTheModelOnAShorterQuestionIdenticallyInBothRuntimes() {
        Path modelFile = dir.resolve("tiny.gguf");
        TinyLlamaModel.small().write(modelFile);
        try (LlamaGenerator model = LlamaGenerator.open(
                LlamaConfig.of(modelFile).withContextSize(128).withThreads(1))) {
            long shortTotal = totalTokens(model, shortened(LONG_QUESTION));
            assertTrue(totalTokens(model, LONG_QUESTION) > shortTotal, "the long question costs more tokens");
            Flow<String, Completion> flow = flow(model, shortTotal);

            RunResult<Completion> inline;
            try (EvidenceStore store = StoreFixtures.sqlite(dir);
                    Pipeline<String, Completion> p =
                            flow.start(FlowRuntime.inline().withSeed(Seed.of(7)).withEvidence(store))) {
                inline = p.submit(LONG_QUESTION).join();
                GateDecision<?> decision = inline.nodes().get(2).gateDecision().orElseThrow();
                assertEquals(Outcome.REWRITE, decision.outcome());
                assertTrue(
                        decision.reason().startsWith("re-ran node 'assemble' 1 time because tokens "),
                        decision.reason());
                assertEquals(Gates.TOKENS, decision.decidedBy());
                assertTrue(
                        decision.scores().get(Gates.TOKENS) > shortTotal,
                        decision.scores().toString());
                assertEquals((double) shortTotal, decision.scores().get("rerun1." + Gates.TOKENS));
                assertEquals(
                        ContentHash.of(Schemas.string(), shortened(LONG_QUESTION)),
                        inline.nodes().get(0).inputHash(),
                        "the assemble node ran last on the shortened question");
                assertEquals(
                        shortTotal,
                        inline.value().promptTokens() + inline.value().completionTokens());

                List<QualityEval> evals =
                        p.evidence(inline.runId()).orElseThrow().quality();
                assertEquals(
                        List.of("rerun1." + Gates.TOKENS, Gates.TOKENS),
                        evals.stream().map(QualityEval::metric).toList(),
                        "in the order of their names");
                assertTrue(!evals.get(0).decided() && evals.get(1).decided(), "the first check decided: " + evals);
                assertEquals("REWRITE", evals.get(1).meta().get("outcome"));

                RunResult<Completion> again = p.submit(LONG_QUESTION).join();
                assertEquals(inline.outputHash(), again.outputHash());
                assertTrue(again.nodes().get(1).cacheHit(), "the re-run's model call is cached too");
                assertTrue(
                        p.replay(Instant.EPOCH, Instant.MAX).runs().stream()
                                .allMatch(r -> r.status() == ReplayReport.Status.UNCHANGED),
                        "replay reproduces re-runs");
            }
            try (Pipeline<String, Completion> p =
                    flow.start(FlowRuntime.pipelined().withSeed(Seed.of(7)).withThreads(2))) {
                RunResult<Completion> pipelined = p.submit(LONG_QUESTION).join();
                assertEquals(inline.outputHash(), pipelined.outputHash());
                assertEquals(inline.value(), pipelined.value());
                for (int k = 0; k < 3; k++) {
                    NodeTrace expected = inline.nodes().get(k);
                    NodeTrace actual = pipelined.nodes().get(k);
                    assertEquals(expected.inputHash(), actual.inputHash(), expected.nodeId());
                    assertEquals(expected.outputHash(), actual.outputHash(), expected.nodeId());
                    assertEquals(expected.gateDecision(), actual.gateDecision(), expected.nodeId());
                }
            }
        }
    }

    private static long totalTokens(LlamaGenerator model, String question) {
        Flow<String, Completion> ungated = Flow.named("measure", "1")
                .input(Schemas.string())
                .map("assemble", "1", Schemas.string(), q -> "Question: " + q + "\nAnswer:")
                .call(
                        "answer",
                        "1",
                        RagNodes.generate(
                                model, Sampling.seeded(0).withTemperature(0.8f).withMaxTokens(4)))
                .build();
        try (Pipeline<String, Completion> p = ungated.start(FlowRuntime.inline().withSeed(Seed.of(7)))) {
            Completion c = p.submit(question).join().value();
            return c.promptTokens() + c.completionTokens();
        }
    }

    /** Answers with the prompt, repeated as often as it asks; counts its calls. */
    static final class Repeater implements Adapter<String, String> {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public String apply(String prompt, AdapterContext context) {
            calls.incrementAndGet();
            return prompt.repeat(3);
        }
    }

    @Test
    void whenTheRerunsAreUsedUpTheExhaustedRemedyDecidesInBothRuntimes() {
        for (FlowRuntime runtime :
                List.of(FlowRuntime.inline(), FlowRuntime.pipelined().withThreads(2))) {
            Repeater model = new Repeater();
            Flow<String, String> flow = Flow.named("exhausted", "1")
                    .input(Schemas.string())
                    .call("answer", "1", Schemas.string(), model)
                    .gate(
                            "short",
                            "1",
                            Gates.maxLength(
                                    Function.<String>identity(),
                                    5,
                                    Remedy.rerun(
                                            "answer",
                                            2,
                                            (String prompt, String tooLong) -> prompt.substring(1),
                                            Remedy.fallback(s -> "n/a"))))
                    .build();
            try (Pipeline<String, String> p = flow.start(runtime)) {
                RunResult<String> result = p.submit("abcdef").join();
                assertEquals("n/a", result.value());
                assertEquals(3, model.calls.get(), "the first call and two re-runs");
                GateDecision<?> decision = result.nodes().get(1).gateDecision().orElseThrow();
                assertEquals(Outcome.FALLBACK, decision.outcome());
                assertEquals(
                        Map.of(
                                Gates.LENGTH_CHARS,
                                18.0,
                                "rerun1." + Gates.LENGTH_CHARS,
                                15.0,
                                "rerun2." + Gates.LENGTH_CHARS,
                                12.0),
                        decision.scores());
                assertTrue(
                        decision.reason().contains("re-ran node 'answer' 2 times")
                                && decision.reason().contains("still failing: length_chars 12.0"),
                        decision.reason());
                assertEquals(
                        ContentHash.of(Schemas.string(), "cdef"),
                        result.nodes().get(0).inputHash());
                assertTrue(decision.rerun().isEmpty());

                RunResult<String> passes = p.submit("abc").join(); // "abcabcabc", then "bcbcbc", then "ccc"
                assertEquals("ccc", passes.value());
                GateDecision<?> rewritten = passes.nodes().get(1).gateDecision().orElseThrow();
                assertEquals(Outcome.REWRITE, rewritten.outcome());
                assertEquals(
                        "re-ran node 'answer' 2 times because length_chars 9.0 is out of bounds", rewritten.reason());
            } catch (AssertionError e) {
                throw new AssertionError(runtime + ": " + e.getMessage(), e);
            }
        }
    }

    @Test
    void aRerunMustTargetAnEarlierNodeWithNoSinkBetween() {
        var gate = Gates.maxLength(
                Function.<String>identity(), 3, Remedy.rerun("answer", (String prompt, String tooLong) -> prompt));
        BadInputException unknown = assertThrows(
                BadInputException.class,
                () -> Flow.named("f", "1")
                        .input(Schemas.string())
                        .map("answr", "1", Schemas.string(), s -> s)
                        .gate("short", "1", gate));
        assertTrue(
                unknown.getMessage().contains("may re-run node 'answer', which is not before it in flow 'f'"),
                unknown.getMessage());
        BadInputException sink = assertThrows(
                BadInputException.class,
                () -> Flow.named("f", "1")
                        .input(Schemas.string())
                        .map("answer", "1", Schemas.string(), s -> s)
                        .sink("mail", s -> {})
                        .gate("short", "1", gate));
        assertTrue(sink.getMessage().contains("sink 'mail' lies between them"), sink.getMessage());
        assertThrows(
                BadInputException.class, () -> new Rerun<String>("answer", 0, (a, b) -> a, Outcome.DEGRADE, s -> s));
        assertThrows(
                BadInputException.class,
                () -> Remedy.rerun("answer", 1, (String a, String b) -> a, Remedy.rewrite(s -> s)));
    }

    @Test
    void aGateThatRerunsANodeItDidNotDeclareFailsItsRequestNamingIt() {
        Flow<String, String> flow = Flow.named("undeclared", "1")
                .input(Schemas.string())
                .map("answer", "1", Schemas.string(), s -> s + s)
                .gate(
                        "sneaky",
                        "1",
                        (String s) -> GateDecision.rerun(
                                s,
                                "too long",
                                Map.of("n", 1.0),
                                "n",
                                new Rerun<String>("answer", 1, (a, b) -> a, Outcome.DEGRADE, v -> v)))
                .build();
        for (FlowRuntime runtime : List.of(FlowRuntime.inline(), FlowRuntime.pipelined())) {
            try (Pipeline<String, String> p = flow.start(runtime)) {
                CompletionException e = assertThrows(
                        CompletionException.class, () -> p.submit("x").join());
                NodeFailedException failed = assertInstanceOf(NodeFailedException.class, e.getCause());
                assertEquals("sneaky", failed.nodeId());
                assertTrue(
                        failed.getMessage().contains("does not declare in Gate.rerunTargets()"), failed.getMessage());
            }
        }
    }
}
