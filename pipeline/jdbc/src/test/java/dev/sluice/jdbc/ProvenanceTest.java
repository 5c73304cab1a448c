package dev.sluice.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.hash.ContentHash;
import dev.sluice.core.schema.Schemas;
import dev.sluice.pipeline.Adapter;
import dev.sluice.pipeline.AdapterContext;
import dev.sluice.pipeline.Flow;
import dev.sluice.pipeline.FlowRuntime;
import dev.sluice.pipeline.GateDecision;
import dev.sluice.pipeline.NodeFailedException;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.ReplayReport;
import dev.sluice.pipeline.RunResult;
import dev.sluice.pipeline.evidence.Evidence;
import dev.sluice.pipeline.evidence.EvidenceLink;
import dev.sluice.pipeline.evidence.EvidenceStore;
import dev.sluice.pipeline.evidence.QualityEval;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Evidence chains, the journal and replay through both runtimes, on SQLite and PostgreSQL. */
class ProvenanceTest {
    @TempDir
    Path dir;

    /** A retrieval stand-in that reports the documents it "found" as evidence, as a real retriever does. */
    static final class Retriever implements Adapter<String, String> {
        @Override
        public String apply(String question, AdapterContext context) {
            StringBuilder snippets = new StringBuilder();
            for (String word : question.split(" ")) {
                String snippet = "about " + word;
                context.evidence(
                        EvidenceLink.Kind.DOC,
                        "doc-" + word,
                        ContentHash.of(Schemas.string(), snippet).hex(),
                        snippet,
                        Map.of("score", "0.9"));
                snippets.append(snippet).append('\n');
            }
            return snippets.toString();
        }

        @Override
        public String modelIdentity() {
            return "test:retriever@sha256:01";
        }
    }

    static Flow<String, String> flow(String template) {
        return Flow.named("prov", "1")
                .input(Schemas.string())
                .call("retrieve", "1", Schemas.string(), new Retriever())
                .map("assemble", "1", Schemas.string(), context -> template + context)
                .gate(
                        "min_length",
                        "1",
                        text -> text.length() >= 20
                                ? GateDecision.pass(text, Map.of("length_chars", (double) text.length()))
                                : GateDecision.of(
                                        GateDecision.Outcome.FALLBACK,
                                        "no answer",
                                        "too short",
                                        Map.of("length_chars", (double) text.length())))
                .map("fail_on_boom", "1", Schemas.string(), text -> {
                    if (text.contains("boom")) {
                        throw new IllegalArgumentException("boom in the text");
                    }
                    return text;
                })
                .build();
    }

    private FlowRuntime runtime(boolean pipelined, EvidenceStore store) {
        return (pipelined ? FlowRuntime.pipelined() : FlowRuntime.inline()).withEvidence(store);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyRunLeavesItsEvidenceChain(boolean pipelined) {
        try (EvidenceStore store = StoreFixtures.sqlite(dir);
                Pipeline<String, String> p = flow("Context:\n").start(runtime(pipelined, store))) {
            RunResult<String> first =
                    p.submit("ring buffers").orTimeout(30, TimeUnit.SECONDS).join();
            RunResult<String> hit =
                    p.submit("ring buffers").orTimeout(30, TimeUnit.SECONDS).join();
            assertTrue(hit.nodes().getFirst().cacheHit());
            for (RunResult<String> run : List.of(first, hit)) {
                Evidence e = p.evidence(run.runId()).orElseThrow();
                assertEquals(run.outputHash().hex(), e.outputHash());
                assertEquals("prov", e.flowName());
                assertEquals(
                        List.of("retrieve", "assemble", "min_length", "fail_on_boom"),
                        e.nodes().stream().map(n -> n.nodeId()).toList());
                assertEquals(
                        List.of("doc-ring", "doc-buffers"),
                        e.links(EvidenceLink.Kind.DOC).stream()
                                .map(EvidenceLink::ref)
                                .toList(),
                        "a cache hit repeats the documents of the run it reuses");
                assertEquals(
                        ContentHash.of(Schemas.string(), "about ring").hex(),
                        e.links(EvidenceLink.Kind.DOC).getFirst().hash());
                EvidenceLink config = e.links(EvidenceLink.Kind.CONFIG).getFirst();
                assertEquals("test:retriever@sha256:01", config.ref());
                assertEquals("retrieve", config.meta().get("node"));
                assertEquals(run.outputHash().hex(), e.output().orElseThrow().hash());
                QualityEval decided = e.decisions().getFirst();
                assertEquals("length_chars", decided.metric());
                assertEquals("PASS", decided.meta().get("outcome"));
                assertTrue(e.toText().contains("doc-buffers"));
            }
        }
    }

    @Test
    void aFailedRunIsRecordedWithItsError() {
        try (EvidenceStore store = StoreFixtures.sqlite(dir);
                Pipeline<String, String> p =
                        flow("Context:\n").start(FlowRuntime.pipelined().withEvidence(store))) {
            CompletionException e = assertThrows(
                    CompletionException.class,
                    () -> p.submit("boom goes the question")
                            .orTimeout(30, TimeUnit.SECONDS)
                            .join());
            assertTrue(e.getCause() instanceof NodeFailedException);
            store.flush();
            Evidence failed = store.journal(Instant.EPOCH, Instant.MAX).stream()
                    .map(j -> p.evidence(j.runId()).orElseThrow())
                    .findFirst()
                    .orElseThrow();
            assertFalse(failed.succeeded());
            assertTrue(failed.error().contains("boom in the text"), failed.error());
            assertEquals(3, failed.nodes().size(), "the nodes that ran before the failure");
        }
    }

    @Test
    void aGateFallbackIsTheDecidingEvaluation() {
        try (EvidenceStore store = StoreFixtures.sqlite(dir);
                Pipeline<String, String> p = flow("").start(FlowRuntime.inline().withEvidence(store))) {
            RunResult<String> r = p.submit("x").join();
            assertEquals("no answer", r.value());
            QualityEval decided =
                    p.evidence(r.runId()).orElseThrow().decisions().getFirst();
            assertEquals("FALLBACK", decided.meta().get("outcome"));
            assertEquals(8.0, decided.value(), "'about x\\n' is 8 characters");
        }
    }

    @Test
    void withoutAStoreEvidenceIsAClearError() {
        try (Pipeline<String, String> p = flow("").start(FlowRuntime.inline())) {
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> p.evidence(java.util.UUID.randomUUID()));
            assertTrue(e.getMessage().contains("withEvidence"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void replayOfUnchangedFlowReportsNoDifferenceAndAChangedPromptReportsItsNode(boolean postgres) throws Exception {
        List<String> questions = List.of("ring buffers", "what is a seed", "boom here", "cache keys", "spans");
        try (EvidenceStore store = postgres ? StoreFixtures.postgres("replay") : StoreFixtures.sqlite(dir)) {
            try (Pipeline<String, String> p =
                    flow("Context:\n").start(FlowRuntime.pipelined().withEvidence(store))) {
                for (String q : questions) {
                    p.submit(q)
                            .handle((r, e) -> r)
                            .orTimeout(30, TimeUnit.SECONDS)
                            .join();
                }
            }
            try (Pipeline<String, String> p =
                    flow("Context:\n").start(FlowRuntime.inline().withEvidence(store))) {
                ReplayReport same = p.replay(Instant.EPOCH, Instant.MAX);
                assertEquals(5, same.runs().size());
                assertEquals(4, same.count(ReplayReport.Status.UNCHANGED), same.toText());
                assertEquals(1, same.count(ReplayReport.Status.FAILED), "the run that failed fails again");
                assertEquals(5, store.journal(Instant.EPOCH, Instant.MAX).size(), "a replay records nothing");
            }
            try (Pipeline<String, String> p =
                    flow("Context v2:\n").start(FlowRuntime.inline().withEvidence(store))) {
                ReplayReport changed = p.replay(Instant.EPOCH, Instant.MAX);
                assertEquals(4, changed.changed().size(), changed.toText());
                for (ReplayReport.Run run : changed.changed()) {
                    assertEquals("assemble", run.firstChangedNode());
                }
            }
        }
    }
}
