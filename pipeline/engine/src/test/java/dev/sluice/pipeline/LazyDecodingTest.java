package dev.sluice.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.schema.Schema;
import dev.sluice.core.schema.Schemas;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On a cache hit, values stay canonical bytes: a node's output is decoded only when a node that has to run reads
 * it, or once for the caller. {@link Doc} counts its constructions, and its schema builds one per decode, so the
 * count says how many values were decoded (or built by a node).
 */
class LazyDecodingTest {
    private static final AtomicInteger DOCS_BUILT = new AtomicInteger();

    /** A passage whose canonical constructor counts every instance: the adapter's and each decode's. */
    record Doc(String text, List<String> tags) {
        Doc {
            DOCS_BUILT.incrementAndGet();
        }
    }

    private static final Schema<Doc> DOC = Schemas.recordOf(Doc.class);

    /** A cached adapter from a query to a document: the first node whose output can be a cache hit. */
    private static final class Lookup implements Adapter<String, Doc> {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public Doc apply(String query, AdapterContext context) {
            calls.incrementAndGet();
            return new Doc("passage about " + query, List.of("a", "b"));
        }
    }

    /** A cached adapter that reads a document and writes another: between two hits it need not decode. */
    private static final class Annotate implements Adapter<Doc, Doc> {
        @Override
        public Doc apply(Doc doc, AdapterContext context) {
            return new Doc(doc.text() + " (annotated)", doc.tags());
        }
    }

    @BeforeEach
    void resetCount() {
        DOCS_BUILT.set(0);
    }

    private static List<FlowRuntime> runtimes() {
        return List.of(
                FlowRuntime.inline(),
                FlowRuntime.pipelined().withSubmitTimeout(Duration.ofSeconds(10)),
                FlowRuntime.pipelined().withThreads(2).withSubmitTimeout(Duration.ofSeconds(10)));
    }

    @Test
    void cacheHitsThatFeedCacheHitsAndPureNodesAreNeverDecoded() {
        for (FlowRuntime runtime : runtimes()) {
            Lookup lookup = new Lookup();
            AtomicInteger summaries = new AtomicInteger();
            Flow<String, String> flow = Flow.named("lazy", "1")
                    .input(Schemas.string())
                    .call("lookup", "1", DOC, lookup)
                    .call("annotate", "1", DOC, new Annotate())
                    .map("summary", "1", Schemas.string(), doc -> {
                        summaries.incrementAndGet();
                        return doc.text() + " " + doc.tags();
                    })
                    .build();
            try (Pipeline<String, String> p = flow.start(runtime)) {
                String first = p.submit("queues").join().value();
                DOCS_BUILT.set(0);
                RunResult<String> second = p.submit("queues").join();
                assertEquals(first, second.value(), runtime.toString());
                assertTrue(
                        second.nodes().get(0).cacheHit()
                                && second.nodes().get(1).cacheHit(),
                        runtime.toString());
                assertEquals(0, DOCS_BUILT.get(), "no document decoded on a hit, " + runtime);
                assertEquals(1, summaries.get(), "the pure node reuses its output for the same input, " + runtime);
                assertEquals(1, lookup.calls.get(), runtime.toString());
            }
        }
    }

    @Test
    void aPureNodesLargeOutputIsNotRemembered() {
        AtomicInteger calls = new AtomicInteger();
        Flow<String, String> flow = Flow.named("large", "1")
                .input(Schemas.string())
                .map("repeat", "1", Schemas.string(), s -> {
                    calls.incrementAndGet();
                    return s.repeat(100_000);
                })
                .build();
        try (Pipeline<String, String> p = flow.start(FlowRuntime.inline())) {
            assertEquals(
                    p.submit("ab").join().outputHash(), p.submit("ab").join().outputHash());
        }
        assertEquals(2, calls.get(), "a 200 KB output is computed again rather than crowding the memo");
    }

    @Test
    void theFlowsOutputIsDecodedOnceForTheCallerAndAGateDecodesWhatItReads() {
        for (FlowRuntime runtime : runtimes()) {
            Flow<String, Doc> withoutGate = Flow.named("lazy-out", "1")
                    .input(Schemas.string())
                    .call("lookup", "1", DOC, new Lookup())
                    .call("annotate", "1", DOC, new Annotate())
                    .build();
            Flow<String, Doc> withGate = Flow.named("lazy-gate", "1")
                    .input(Schemas.string())
                    .call("lookup", "1", DOC, new Lookup())
                    .gate(
                            "gate",
                            "1",
                            doc -> GateDecision.pass(
                                    doc, Map.of("chars", (double) doc.text().length())))
                    .build();
            try (Pipeline<String, Doc> plain = withoutGate.start(runtime);
                    Pipeline<String, Doc> gated = withGate.start(runtime)) {
                plain.submit("rings").join();
                gated.submit("rings").join();
                DOCS_BUILT.set(0);
                assertEquals(
                        "passage about rings (annotated)",
                        plain.submit("rings").join().value().text());
                assertEquals(1, DOCS_BUILT.get(), "only the output, for the caller, " + runtime);
                DOCS_BUILT.set(0);
                RunResult<Doc> gatedHit = gated.submit("rings").join();
                assertEquals(1, DOCS_BUILT.get(), "the gate's input, passed on as the output, " + runtime);
                assertEquals(gatedHit.nodes().get(0).outputHash(), gatedHit.outputHash(), runtime.toString());
            }
        }
    }
}
