package dev.sluice.examples;

import dev.sluice.core.schema.Schemas;
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
import dev.sluice.rag.RagNodes;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Replay as a regression test for prompts: record a few runs of a flow in an SQLite evidence store, replay them
 * through the same flow (nothing changed), then through a flow whose prompt template changed (its node version
 * bumped), and print which answers changed, at which node, with the old and the new text.
 *
 * <p>Run it with {@code ./sluice example replay-regression}. The model is a tiny llama model with random weights
 * written on the fly, so the answers are gibberish, but they are real llama.cpp output and they depend on the prompt.
 */
public final class ReplayRegression {
    private static final List<String> QUESTIONS =
            List.of("What is a ring buffer?", "Why are runs replayable?", "How is the cache keyed?");

    private ReplayRegression() {}

    static Flow<String, String> flow(LlamaGenerator model, String promptVersion, String template) {
        return Flow.named("faq", "1")
                .input(Schemas.string())
                .map("normalize", "1", Schemas.string(), q -> q.strip().toLowerCase(Locale.ROOT))
                .map("prompt", promptVersion, Schemas.string(), template::formatted)
                .call(
                        "call_model",
                        "1",
                        RagNodes.generate(model, Sampling.greedy().withMaxTokens(12)))
                .map("answer", "1", Schemas.string(), Completion::text)
                .build();
    }

    /**
     * Records, replays unchanged, changes the prompt, replays again and prints the differences.
     *
     * @param out where to print
     * @throws Exception if the model cannot be written or loaded
     */
    public static void run(PrintWriter out) throws Exception {
        Path work = Files.createTempDirectory("sluice-replay-regression");
        Path modelFile = work.resolve("tiny.gguf");
        TinyLlamaModel.small().write(modelFile);
        try (EvidenceStore store = JdbcEvidence.sqlite(work.resolve("evidence.db"));
                LlamaGenerator model = LlamaGenerator.open(
                        LlamaConfig.of(modelFile).withContextSize(256).withThreads(1))) {
            FlowRuntime runtime = FlowRuntime.inline().withEvidence(store);
            Flow<String, String> v1 = flow(model, "1", "Question: %s\nAnswer:");
            Map<UUID, RunResult<String>> recorded = new LinkedHashMap<>();
            try (Pipeline<String, String> pipeline = v1.start(runtime)) {
                for (String question : QUESTIONS) {
                    RunResult<String> run = pipeline.submit(question).join();
                    recorded.put(run.runId(), run);
                }
                out.println("recorded " + recorded.size() + " runs of flow 'faq' with prompt v1");
                out.print("replay, nothing changed: "
                        + pipeline.replay(Instant.EPOCH, Instant.now()).toText());
            }

            Flow<String, String> v2 = flow(model, "2", "You answer questions about Sluice.\nQ: %s\nA:");
            try (Pipeline<String, String> pipeline = v2.start(runtime)) {
                ReplayReport report = pipeline.replay(Instant.EPOCH, Instant.now());
                out.print("replay, prompt v2:\n" + report.toText());
                for (ReplayReport.Run run : report.runs()) {
                    if (run.status() == ReplayReport.Status.CHANGED) {
                        String question =
                                QUESTIONS.get(List.copyOf(recorded.keySet()).indexOf(run.runId()));
                        out.println("  " + question);
                        out.println("  - " + recorded.get(run.runId()).value().strip());
                        out.println("  + "
                                + pipeline.submit(question).join().value().strip());
                    }
                }
            }
        }
    }

    /**
     * Runs the example.
     *
     * @param args none
     * @throws Exception if the model cannot be loaded
     */
    public static void main(String[] args) throws Exception {
        run(new PrintWriter(System.out, true));
        System.exit(0); // llama.cpp keeps a native thread alive
    }
}
