package dev.sluice.rag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.BadInputException;
import dev.sluice.core.hash.ContentHash;
import dev.sluice.core.schema.Schemas;
import dev.sluice.inference.embed.ModelFiles;
import dev.sluice.inference.embed.OnnxEmbedder;
import dev.sluice.jdbc.SqliteCacheTier;
import dev.sluice.pipeline.Flow;
import dev.sluice.pipeline.FlowRuntime;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.ResultCache;
import dev.sluice.pipeline.RunResult;
import dev.sluice.vector.FlatIndex;
import dev.sluice.vector.KeyKind;
import dev.sluice.vector.Metadata;
import dev.sluice.vector.Similarity;
import dev.sluice.vector.VectorStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A retrieve node over the real all-MiniLM-L6-v2 model and a FlatIndex of a few passages. */
class RetrieveNodeTest {
    private static final Path MODELS = Path.of("target", "test-models");
    private static final Map<String, String> PASSAGES = new LinkedHashMap<>();

    static {
        PASSAGES.put("ring", "A ring buffer hands messages from one thread to another without locks.");
        PASSAGES.put("cache", "The result cache returns the stored output when the same key is seen again.");
        PASSAGES.put("gguf", "GGUF files hold the weights and the tokenizer of a llama.cpp model.");
        PASSAGES.put("jvector", "A graph index finds approximate nearest neighbours in well under a millisecond.");
        PASSAGES.put("seed", "A fixed seed makes sampling reproducible across runs and machines.");
    }

    static OnnxEmbedder embedder;
    static VectorStore store;

    @BeforeAll
    static void embedPassages() {
        embedder = OnnxEmbedder.builder(
                        ModelFiles.extractResource("all-minilm-l6-v2.onnx", MODELS),
                        ModelFiles.extractResource("all-minilm-l6-v2-tokenizer.json", MODELS))
                .build();
        store = VectorStore.create("passages", embedder.dimension(), Similarity.COSINE, KeyKind.STRING);
        PASSAGES.forEach((key, text) -> store.add(
                key,
                embedder.embed(text),
                new Metadata(
                        "doc-" + key,
                        ContentHash.of(text.getBytes(StandardCharsets.UTF_8)).hex())));
    }

    @AfterAll
    static void close() {
        store.close();
        embedder.close();
    }

    private static Flow<String, Retrieval> flow(FlatIndex index) {
        return Flow.named("rag", "1")
                .input(Schemas.string())
                .map("normalize", "1", Schemas.string(), String::strip)
                .call("retrieve", "1", RagNodes.retrieve(embedder, index, 2, PASSAGES::get))
                .build();
    }

    @Test
    void findsTheRelevantPassageWithItsEvidenceAndCachesTheRetrieval() {
        FlatIndex index = FlatIndex.of(store);
        try (Pipeline<String, Retrieval> p = flow(index).start(FlowRuntime.inline())) {
            RunResult<Retrieval> first = p.submit("how do threads exchange messages without locking?")
                    .join();
            Snippet top = first.value().snippets().get(0);
            assertEquals("ring", top.key());
            assertEquals("doc-ring", top.documentId());
            assertEquals(
                    ContentHash.of(PASSAGES.get("ring").getBytes(StandardCharsets.UTF_8))
                            .hex(),
                    top.snippetHash());
            assertEquals(PASSAGES.get("ring"), top.text());
            assertEquals(2, first.value().snippets().size());
            assertTrue(p.submit(" how do threads exchange messages without locking? ")
                    .join()
                    .nodes()
                    .get(1)
                    .cacheHit());
        }
    }

    @Test
    void everyRetrievedPassageIsADocumentLinkOfTheEvidenceEvenOnACacheHit(@org.junit.jupiter.api.io.TempDir Path dir) {
        try (dev.sluice.pipeline.evidence.EvidenceStore evidence =
                        dev.sluice.jdbc.JdbcEvidence.sqlite(dir.resolve("evidence.db"));
                Pipeline<String, Retrieval> p =
                        flow(FlatIndex.of(store)).start(FlowRuntime.inline().withEvidence(evidence))) {
            RunResult<Retrieval> miss =
                    p.submit("what makes sampling reproducible?").join();
            RunResult<Retrieval> hit =
                    p.submit("what makes sampling reproducible?").join();
            evidence.flush();
            for (RunResult<Retrieval> run : java.util.List.of(miss, hit)) {
                var docs =
                        p.evidence(run.runId()).orElseThrow().links(dev.sluice.pipeline.evidence.EvidenceLink.Kind.DOC);
                assertEquals(2, docs.size(), docs::toString);
                assertEquals("doc-seed", docs.get(0).ref());
                assertEquals(
                        ContentHash.of(PASSAGES.get("seed").getBytes(StandardCharsets.UTF_8))
                                .hex(),
                        docs.get(0).hash());
            }
        }
    }

    @Test
    void aHitFromThePersistentCacheAfterARestartStillReportsItsDocuments(@org.junit.jupiter.api.io.TempDir Path dir) {
        String question = "what makes sampling reproducible?";
        try (ResultCache cache = ResultCache.persistent(1 << 20, SqliteCacheTier.open(dir.resolve("cache.db")));
                Pipeline<String, Retrieval> p =
                        flow(FlatIndex.of(store)).start(FlowRuntime.inline().withCache(cache))) {
            p.submit(question).join();
        }
        try (ResultCache reopened = ResultCache.persistent(1 << 20, SqliteCacheTier.open(dir.resolve("cache.db")));
                dev.sluice.pipeline.evidence.EvidenceStore evidence =
                        dev.sluice.jdbc.JdbcEvidence.sqlite(dir.resolve("evidence.db"));
                Pipeline<String, Retrieval> p = flow(FlatIndex.of(store))
                        .start(FlowRuntime.inline().withCache(reopened).withEvidence(evidence))) {
            RunResult<Retrieval> hit = p.submit(question).join();
            assertTrue(hit.nodes().get(1).cacheHit());
            evidence.flush();
            var docs = p.evidence(hit.runId()).orElseThrow().links(dev.sluice.pipeline.evidence.EvidenceLink.Kind.DOC);
            assertEquals(2, docs.size(), docs::toString);
            assertEquals("doc-seed", docs.get(0).ref());
            assertEquals(1, reopened.stats().hits(), "the evidence lookup is not counted as a cache hit");
        }
    }

    @Test
    void aChangedIndexNeverServesAStaleRetrieval() {
        VectorStore growing = VectorStore.create("growing", embedder.dimension(), Similarity.COSINE, KeyKind.STRING);
        try (growing) {
            growing.add("cache", embedder.embed(PASSAGES.get("cache")), null);
            FlatIndex index = FlatIndex.of(growing);
            Map<String, String> texts = new LinkedHashMap<>(PASSAGES);
            Flow<String, Retrieval> flow = Flow.named("rag", "1")
                    .input(Schemas.string())
                    .call("retrieve", "1", RagNodes.retrieve(embedder, index, 1, texts::get))
                    .build();
            try (Pipeline<String, Retrieval> p = flow.start(FlowRuntime.inline())) {
                assertEquals(
                        "cache",
                        p.submit("lock-free message passing")
                                .join()
                                .value()
                                .snippets()
                                .get(0)
                                .key());
                growing.add("ring", embedder.embed(PASSAGES.get("ring")), null);
                RunResult<Retrieval> after =
                        p.submit("lock-free message passing").join();
                assertFalse(after.anyCacheHit(), "the index changed, so the key changed");
                assertEquals("ring", after.value().snippets().get(0).key());
            }
        }
    }

    @Test
    void refusesAMismatchedDimensionOrABadK() {
        try (VectorStore small = VectorStore.create("small", 8, Similarity.COSINE, KeyKind.STRING)) {
            BadInputException e = assertThrows(
                    BadInputException.class,
                    () -> Flow.named("rag", "1")
                            .input(Schemas.string())
                            .call("retrieve", "1", RagNodes.retrieve(embedder, FlatIndex.of(small), 2, k -> k)));
            assertTrue(e.getMessage().contains("384") && e.getMessage().contains("8"), e.getMessage());
        }
        assertThrows(
                BadInputException.class,
                () -> Flow.named("rag", "1")
                        .input(Schemas.string())
                        .call("retrieve", "1", RagNodes.retrieve(embedder, FlatIndex.of(store), 0, k -> k)));
    }
}
