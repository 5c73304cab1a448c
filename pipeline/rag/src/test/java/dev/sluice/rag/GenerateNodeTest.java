package dev.sluice.rag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.hash.Seed;
import dev.sluice.core.schema.Schemas;
import dev.sluice.fixtures.TinyLlamaModel;
import dev.sluice.inference.llama.Completion;
import dev.sluice.inference.llama.LlamaConfig;
import dev.sluice.inference.llama.LlamaGenerator;
import dev.sluice.inference.llama.Sampling;
import dev.sluice.pipeline.Flow;
import dev.sluice.pipeline.FlowRuntime;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.ResultCache;
import dev.sluice.pipeline.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A generate node on a real (tiny, self-written) llama.cpp model, cached and seeded by the pipeline. */
class GenerateNodeTest {
    static Path dir;
    static LlamaGenerator model;

    @BeforeAll
    static void writeModel() throws Exception {
        dir = Files.createTempDirectory("sluice-generate-node");
        Path file = dir.resolve("tiny.gguf");
        TinyLlamaModel.small().write(file);
        model = LlamaGenerator.open(LlamaConfig.of(file).withContextSize(256).withThreads(1));
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    private static Flow<String, String> flow() {
        return Flow.named("gen", "1")
                .input(Schemas.string())
                .map("assemble", "1", Schemas.string(), q -> "Question: " + q + "\nAnswer:")
                .call(
                        "call_model",
                        "1",
                        RagNodes.generate(model, Sampling.seeded(1).withMaxTokens(12)))
                .map("text", "1", Schemas.string(), Completion::text)
                .build();
    }

    @Test
    void generatesStreamsAndHitsTheCacheOnTheSecondRequest() {
        List<String> pieces = new ArrayList<>();
        try (Pipeline<String, String> p = flow().start(FlowRuntime.inline().withSeed(Seed.of(42)))) {
            RunResult<String> first = p.submit("what is sluice", (node, piece) -> pieces.add(piece))
                    .join();
            assertEquals(String.join("", pieces), first.value(), "the streamed pieces make the answer");
            assertTrue(first.nodes().get(1).tokens() > 0);
            RunResult<String> second = p.submit("what is sluice").join();
            assertTrue(second.nodes().get(1).cacheHit());
            assertEquals(first.outputHash(), second.outputHash());
        }
    }

    @Test
    void thePipelineSeedFixesTheGenerationOnBothRuntimes() {
        String inline42;
        String inline7;
        try (Pipeline<String, String> p =
                flow().start(FlowRuntime.inline().withSeed(Seed.of(42)).withCache(ResultCache.inMemory(0)))) {
            inline42 = p.submit("tell me about ring buffers").join().value();
            assertEquals(inline42, p.submit("tell me about ring buffers").join().value());
        }
        try (Pipeline<String, String> p =
                flow().start(FlowRuntime.inline().withSeed(Seed.of(7)).withCache(ResultCache.inMemory(0)))) {
            inline7 = p.submit("tell me about ring buffers").join().value();
        }
        assertNotEquals(inline42, inline7, "another pipeline seed samples differently");
        try (Pipeline<String, String> p = flow().start(FlowRuntime.pipelined().withSeed(Seed.of(42)))) {
            RunResult<String> r = p.submit("tell me about ring buffers")
                    .orTimeout(60, TimeUnit.SECONDS)
                    .join();
            assertEquals(inline42, r.value());
            assertFalse(r.anyCacheHit());
        }
    }
}
