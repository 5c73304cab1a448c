package dev.sluice.rag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.hash.Seed;
import dev.sluice.core.schema.Schemas;
import dev.sluice.fixtures.TinyLlamaModel;
import dev.sluice.inference.llama.Completion;
import dev.sluice.inference.llama.LlamaConfig;
import dev.sluice.inference.llama.LlamaGenerator;
import dev.sluice.inference.llama.Sampling;
import dev.sluice.jdbc.StoreFixtures;
import dev.sluice.pipeline.Flow;
import dev.sluice.pipeline.FlowRuntime;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.RunResult;
import dev.sluice.pipeline.evidence.EvidenceStore;
import dev.sluice.pipeline.telemetry.SluiceAttributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Spans through the SDK's in-memory exporter: one per run, a child per node, GenAI attributes on the model call. */
class TelemetryTest {
    static Path dir;
    static LlamaGenerator model;

    @TempDir
    Path storeDir;

    @BeforeAll
    static void writeModel() throws Exception {
        dir = java.nio.file.Files.createTempDirectory("sluice-telemetry");
        TinyLlamaModel.small().write(dir.resolve("tiny.gguf"));
        model = LlamaGenerator.open(
                LlamaConfig.of(dir.resolve("tiny.gguf")).withContextSize(128).withThreads(1));
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    private static SdkTracerProvider exportingTo(InMemorySpanExporter exporter) {
        return SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                .build();
    }

    private static Flow<String, Completion> flow() {
        return Flow.named("traced", "1")
                .input(Schemas.string())
                .map("assemble", "1", Schemas.string(), q -> "Question: " + q + "\nAnswer:")
                .call(
                        "call_model",
                        "1",
                        RagNodes.generate(model, Sampling.seeded(0).withMaxTokens(3)))
                .build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"inline", "pipelined", "pipelined-text"})
    void oneSpanPerNodeUnderTheRunSpanWithGenAiAttributes(String mode) {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        boolean captureText = mode.endsWith("-text");
        try (SdkTracerProvider tracing = SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build();
                EvidenceStore store = StoreFixtures.sqlite(storeDir)) {
            OpenTelemetrySdk otel =
                    OpenTelemetrySdk.builder().setTracerProvider(tracing).build();
            FlowRuntime runtime = (mode.startsWith("inline") ? FlowRuntime.inline() : FlowRuntime.pipelined())
                    .withSeed(Seed.of(7))
                    .withEvidence(store)
                    .withTelemetry(otel, captureText);
            RunResult<Completion> result;
            String traceIdInEvidence;
            try (Pipeline<String, Completion> p = flow().start(runtime)) {
                result = p.submit("what is a span")
                        .orTimeout(60, TimeUnit.SECONDS)
                        .join();
                traceIdInEvidence = p.evidence(result.runId()).orElseThrow().traceId();
            }
            List<SpanData> spans = exporter.getFinishedSpanItems();
            assertEquals(3, spans.size(), spans.toString());
            SpanData run = spans.stream()
                    .filter(s -> s.getName().equals("sluice.run traced"))
                    .findFirst()
                    .orElseThrow();
            assertEquals(result.runId().toString(), run.getAttributes().get(SluiceAttributes.RUN_ID));
            assertEquals(run.getTraceId(), traceIdInEvidence);
            for (SpanData span : spans) {
                if (span != run) {
                    assertEquals(run.getSpanId(), span.getParentSpanId(), "children of the run span: " + span);
                    assertEquals(run.getTraceId(), span.getTraceId());
                }
            }
            SpanData assemble = spans.stream()
                    .filter(s -> s.getName().equals("sluice.map assemble"))
                    .findFirst()
                    .orElseThrow();
            assertEquals("assemble", assemble.getAttributes().get(SluiceAttributes.NODE_ID));
            assertEquals(
                    result.nodes().get(0).outputHash().hex(),
                    assemble.getAttributes().get(SluiceAttributes.OUTPUT_HASH));
            assertEquals(1L, assemble.getAttributes().get(SluiceAttributes.SCHEMA_VER));

            SpanData call = spans.stream()
                    .filter(s -> s.getName().startsWith("text_completion "))
                    .findFirst()
                    .orElseThrow();
            assertEquals(SpanKind.INTERNAL, call.getKind());
            assertEquals("text_completion " + model.identity().name(), call.getName());
            var a = call.getAttributes();
            assertEquals("call_model", a.get(SluiceAttributes.NODE_ID));
            assertEquals("1", a.get(SluiceAttributes.NODE_VER));
            assertEquals(result.nodes().get(1).inputHash().hex(), a.get(SluiceAttributes.INPUT_HASH));
            assertEquals(result.outputHash().hex(), a.get(SluiceAttributes.OUTPUT_HASH));
            assertEquals(model.identity().key(), a.get(SluiceAttributes.MODEL_NAME));
            assertEquals(Seed.of(7).derive("call_model").value(), a.get(SluiceAttributes.MODEL_SEED));
            assertEquals(Seed.of(7).derive("call_model").value(), a.get(SluiceAttributes.GEN_AI_REQUEST_SEED));
            assertEquals(List.of(), a.get(SluiceAttributes.TOOLS));
            assertEquals(0L, a.get(SluiceAttributes.RETRIES));
            assertEquals("text_completion", a.get(SluiceAttributes.GEN_AI_OPERATION_NAME));
            assertEquals("llama.cpp", a.get(SluiceAttributes.GEN_AI_PROVIDER_NAME));
            assertEquals(3L, a.get(SluiceAttributes.GEN_AI_REQUEST_MAX_TOKENS));
            assertEquals((long) result.value().promptTokens(), a.get(SluiceAttributes.GEN_AI_USAGE_INPUT_TOKENS));
            assertEquals((long) result.value().completionTokens(), a.get(SluiceAttributes.GEN_AI_USAGE_OUTPUT_TOKENS));
            assertEquals(
                    1, a.get(SluiceAttributes.GEN_AI_RESPONSE_FINISH_REASONS).size());
            assertTrue(a.get(SluiceAttributes.COST_TOKENS) > 0);
            if (captureText) {
                assertTrue(a.get(SluiceAttributes.GEN_AI_INPUT_MESSAGES).contains("what is a span"));
            } else {
                assertNull(a.get(SluiceAttributes.GEN_AI_INPUT_MESSAGES), "no prompt text without opt-in");
                assertNull(a.get(SluiceAttributes.GEN_AI_OUTPUT_MESSAGES));
            }
        }
    }

    /** A hit leaves the output as bytes; a recording span still gets what the decoded values say. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aCacheHitsSpanCarriesTheUsageAndTextOfTheCachedCompletion(boolean pipelined) {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (SdkTracerProvider tracing = exportingTo(exporter)) {
            FlowRuntime runtime = (pipelined ? FlowRuntime.pipelined() : FlowRuntime.inline())
                    .withTelemetry(
                            OpenTelemetrySdk.builder()
                                    .setTracerProvider(tracing)
                                    .build(),
                            true);
            RunResult<Completion> hit;
            try (Pipeline<String, Completion> p = flow().start(runtime)) {
                p.submit("what is a hit").orTimeout(60, TimeUnit.SECONDS).join();
                hit = p.submit("what is a hit").orTimeout(60, TimeUnit.SECONDS).join();
            }
            assertTrue(hit.nodes().get(1).cacheHit());
            List<SpanData> calls = exporter.getFinishedSpanItems().stream()
                    .filter(s -> s.getName().startsWith("text_completion "))
                    .toList();
            assertEquals(2, calls.size());
            var a = calls.get(1).getAttributes();
            assertEquals(true, a.get(SluiceAttributes.CACHE_HIT));
            assertEquals((long) hit.value().promptTokens(), a.get(SluiceAttributes.GEN_AI_USAGE_INPUT_TOKENS));
            assertEquals((long) hit.value().completionTokens(), a.get(SluiceAttributes.GEN_AI_USAGE_OUTPUT_TOKENS));
            assertTrue(a.get(SluiceAttributes.GEN_AI_INPUT_MESSAGES).contains("Question: what is a hit"));
            assertEquals(
                    calls.get(0).getAttributes().get(SluiceAttributes.GEN_AI_OUTPUT_MESSAGES),
                    a.get(SluiceAttributes.GEN_AI_OUTPUT_MESSAGES));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aFailingNodeMarksItsSpanAndTheRunSpan(boolean pipelined) {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (SdkTracerProvider tracing = exportingTo(exporter)) {
            OpenTelemetrySdk otel =
                    OpenTelemetrySdk.builder().setTracerProvider(tracing).build();
            Flow<String, String> failing = Flow.named("failing", "1")
                    .input(Schemas.string())
                    .map("explode", "1", Schemas.string(), s -> {
                        throw new IllegalStateException("exploded");
                    })
                    .build();
            try (Pipeline<String, String> p = failing.start(
                    (pipelined ? FlowRuntime.pipelined() : FlowRuntime.inline()).withTelemetry(otel, false))) {
                assertTrue(p.submit("x")
                                .handle((r, e) -> e)
                                .orTimeout(30, TimeUnit.SECONDS)
                                .join()
                        != null);
            }
            List<SpanData> spans = exporter.getFinishedSpanItems();
            assertEquals(2, spans.size());
            for (SpanData span : spans) {
                assertEquals(StatusCode.ERROR, span.getStatus().getStatusCode(), span.toString());
            }
            assertFalse(spans.get(0)
                    .getAttributes()
                    .get(SluiceAttributes.ERROR_TYPE)
                    .isEmpty());
        }
    }
}
