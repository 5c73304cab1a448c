package dev.sluice.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.core.schema.Schemas;
import dev.sluice.pipeline.Flow;
import dev.sluice.pipeline.FlowRuntime;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.RunResult;
import dev.sluice.pipeline.evidence.EvidenceStore;
import dev.sluice.pipeline.evidence.QualityEval;
import dev.sluice.pipeline.gates.Gates;
import dev.sluice.pipeline.gates.Remedy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gate decisions as the SQLite evidence store records them. */
class GateEvidenceTest {
    private static final Function<String, String> TEXT = Function.identity();

    @TempDir
    Path dir;

    @Test
    void everyDecisionIsRecordedWithTheDecidingMetric() {
        Flow<String, String> flow = Flow.named("gated", "1")
                .input(Schemas.string())
                .gate(
                        "quality",
                        "1",
                        Gates.all(
                                Gates.minLength(TEXT, 3, Remedy.fallback(s -> "fallback")),
                                Gates.maxLength(TEXT, 10, Remedy.rewrite(s -> s.substring(0, 10)))))
                .build();
        try (EvidenceStore store = StoreFixtures.sqlite(dir);
                Pipeline<String, String> p = flow.start(FlowRuntime.inline().withEvidence(store))) {
            RunResult<String> trimmed = p.submit("a rather long answer").join();
            assertEquals("a rather l", trimmed.value());
            List<QualityEval> evals = p.evidence(trimmed.runId()).orElseThrow().quality();
            assertEquals(1, evals.size(), "the length metric, measured by both gates, recorded once");
            assertEquals(
                    new QualityEval(
                            Gates.LENGTH_CHARS,
                            20,
                            Map.of(
                                    "node",
                                    "quality",
                                    "outcome",
                                    "REWRITE",
                                    "reason",
                                    "length_chars 20.0 is out of bounds"),
                            true),
                    evals.getFirst());
        }
    }
}
