package dev.sluice.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.core.BadInputException;
import dev.sluice.core.schema.Schema;
import dev.sluice.core.schema.Schemas;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A DAG with a branch and a join: two "indexes" searched for the same query, joined before assembly. */
class JoinTest {
    private static final Schema<List<String>> HITS = Schemas.listOf(Schemas.string());

    private static Adapter<String, List<String>> index(String name, AtomicInteger calls) {
        return new Adapter<>() {
            @Override
            public List<String> apply(String query, AdapterContext context) {
                calls.incrementAndGet();
                if (query.contains("boom") && name.equals("wiki")) {
                    throw new IllegalStateException("index " + name + " is down");
                }
                return List.of(
                        name + ":" + query.length(), name + ":" + context.seed().value() % 100);
            }

            @Override
            public String stateVersion() {
                return name + "-v1";
            }
        };
    }

    private static Flow<String, String> flow(AtomicInteger calls) {
        Flow<String, List<String>> docs = Flow.named("docs", "1")
                .input(Schemas.string())
                .call("search_docs", "1", HITS, index("docs", calls))
                .build();
        Flow<String, List<String>> wiki = Flow.named("wiki", "1")
                .input(Schemas.string())
                .call("search_wiki", "1", HITS, index("wiki", calls))
                .build();
        return Flow.named("two-indexes", "1")
                .input(Schemas.string())
                .map("normalize", "1", Schemas.string(), String::strip)
                .join("retrieve_both", "1", docs, wiki, HITS, (a, b) -> {
                    List<String> all = new ArrayList<>(a);
                    all.addAll(b);
                    return all;
                })
                .map("assemble", "1", Schemas.string(), hits -> String.join(" | ", hits))
                .build();
    }

    @Test
    void joinsTwoBranchesIdenticallyOnBothRuntimesAndCachesTheBranches() {
        AtomicInteger calls = new AtomicInteger();
        String inline;
        try (Pipeline<String, String> p = flow(calls).start(FlowRuntime.inline())) {
            inline = p.submit(" query ").join().value();
            assertEquals(inline, p.submit("query").join().value());
        }
        assertEquals(2, calls.get(), "each branch's adapter ran once; the second request hit both caches");
        try (Pipeline<String, String> p = flow(calls).start(FlowRuntime.pipelined())) {
            assertEquals(inline, p.submit(" query ").join().value());
        }
        assertEquals(4, calls.get());
    }

    @Test
    void aFailingBranchFailsTheRequestNamingTheBranchNode() {
        try (Pipeline<String, String> p = flow(new AtomicInteger()).start(FlowRuntime.inline())) {
            CompletionException e = assertThrows(
                    CompletionException.class, () -> p.submit("boom").join());
            assertEquals(
                    "search_wiki",
                    assertInstanceOf(NodeFailedException.class, e.getCause()).nodeId());
        }
        try (Pipeline<String, String> p =
                flow(new AtomicInteger()).start(FlowRuntime.pipelined().withSubmitTimeout(Duration.ofSeconds(5)))) {
            CompletionException e = assertThrows(
                    CompletionException.class, () -> p.submit("boom").join());
            assertEquals(
                    "search_wiki",
                    assertInstanceOf(NodeFailedException.class, e.getCause()).nodeId());
        }
    }

    @Test
    void refusesBranchesOfAnotherInputType() {
        Flow<Integer, Integer> ints = Flow.named("ints", "1")
                .input(Schemas.int32())
                .map("same", "1", Schemas.int32(), i -> i)
                .build();
        assertThrows(
                BadInputException.class,
                () -> Flow.named("f", "1")
                        .input(Schemas.string())
                        .join("j", "1", castInput(ints), castInput(ints), Schemas.int32(), (a, b) -> 0));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Flow<String, Integer> castInput(Flow<Integer, Integer> flow) {
        return (Flow) flow;
    }
}
