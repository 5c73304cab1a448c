package dev.sluice.rag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.hash.Seed;
import dev.sluice.core.schema.Schemas;
import dev.sluice.fixtures.ForkedJvm;
import dev.sluice.fixtures.TinyLlamaModel;
import dev.sluice.inference.llama.Completion;
import dev.sluice.inference.llama.LlamaConfig;
import dev.sluice.inference.llama.LlamaGenerator;
import dev.sluice.inference.llama.Sampling;
import dev.sluice.jdbc.JdbcEvidence;
import dev.sluice.pipeline.Flow;
import dev.sluice.pipeline.FlowRuntime;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.ReplayReport;
import dev.sluice.pipeline.RunResult;
import dev.sluice.pipeline.evidence.EvidenceStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Record runs with seeded generation on a real (tiny, self-written) GGUF model, then replay the journal in a
 * fresh JVM: the same flow gives every output again, byte for byte; a flow whose prompt changed for one topic
 * reports exactly the runs of that topic, changed first at the prompt node.
 */
class ReplayDeterminismTest {
    static final int RUNS = 500;
    static final List<String> TOPICS = List.of("ring buffers", "seeds", "caches", "spans", "gates");

    @TempDir
    Path dir;

    static String question(int i) {
        return "question " + i + " about " + TOPICS.get(i % TOPICS.size());
    }

    /** The flow; {@code variant} "changed" words the prompt of the "caches" topic differently. */
    static Flow<String, Completion> flow(LlamaGenerator model, String variant) {
        return Flow.named("replayed", "1")
                .input(Schemas.string())
                .map(
                        "assemble",
                        "1",
                        Schemas.string(),
                        q -> variant.equals("changed") && q.endsWith("caches")
                                ? "Please answer briefly. Question: " + q + "\nAnswer:"
                                : "Question: " + q + "\nAnswer:")
                .call(
                        "call_model",
                        "1",
                        RagNodes.generate(
                                model, Sampling.seeded(0).withTemperature(0.8f).withMaxTokens(3)))
                .build();
    }

    static LlamaGenerator open(Path modelFile) {
        return LlamaGenerator.open(
                LlamaConfig.of(modelFile).withContextSize(128).withThreads(1));
    }

    /** Replays a store in this JVM and prints one line per changed run, then the counts. */
    public static final class Replayer {
        public static void main(String[] args) {
            try (LlamaGenerator model = open(Path.of(args[0]));
                    EvidenceStore store = JdbcEvidence.sqlite(Path.of(args[1]));
                    Pipeline<String, Completion> p = flow(model, args[2])
                            .start(FlowRuntime.inline().withSeed(Seed.of(42)).withEvidence(store))) {
                ReplayReport report = p.replay(Instant.EPOCH, Instant.MAX);
                for (ReplayReport.Run run : report.runs()) {
                    if (run.status() != ReplayReport.Status.UNCHANGED) {
                        System.out.println(run.status() + " " + run.runId() + " " + run.firstChangedNode());
                    }
                }
                System.out.println("unchanged " + report.count(ReplayReport.Status.UNCHANGED));
            }
            System.out.flush();
            System.exit(0); // llama.cpp leaves a non-daemon native thread attached to the JVM
        }
    }

    @Test
    void replayInAFreshJvmReproducesEveryRunAndAPromptChangeReportsExactlyItsRuns() throws Exception {
        Path modelFile = dir.resolve("tiny.gguf");
        TinyLlamaModel.small().write(modelFile);
        Path storeFile = dir.resolve("journal.db");
        Set<UUID> cachesRuns = new HashSet<>();
        try (LlamaGenerator model = open(modelFile);
                EvidenceStore store = JdbcEvidence.sqlite(storeFile);
                Pipeline<String, Completion> p = flow(model, "original")
                        .start(FlowRuntime.inline().withSeed(Seed.of(42)).withEvidence(store))) {
            for (int i = 0; i < RUNS; i++) {
                RunResult<Completion> r = p.submit(question(i)).join();
                if (question(i).endsWith("caches")) {
                    cachesRuns.add(r.runId());
                }
            }
        }
        String same = ForkedJvm.run(dir, Replayer.class, modelFile.toString(), storeFile.toString(), "original")
                .requireSuccess();
        assertEquals(
                "unchanged " + RUNS, same.strip().lines().reduce((a, b) -> b).orElseThrow(), same);

        String changed = ForkedJvm.run(dir, Replayer.class, modelFile.toString(), storeFile.toString(), "changed")
                .requireSuccess();
        Set<UUID> reported = new HashSet<>();
        for (String line : changed.strip().lines().toList()) {
            if (line.startsWith("CHANGED ")) {
                String[] parts = line.split(" ");
                reported.add(UUID.fromString(parts[1]));
                assertEquals("assemble", parts[2], line);
            }
        }
        assertEquals(RUNS / TOPICS.size(), cachesRuns.size());
        assertEquals(cachesRuns, reported, changed);
        assertTrue(changed.contains("unchanged " + (RUNS - cachesRuns.size())), changed);
    }
}
