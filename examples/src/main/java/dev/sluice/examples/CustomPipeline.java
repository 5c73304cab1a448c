package dev.sluice.examples;

import dev.sluice.core.hash.Seed;
import dev.sluice.core.schema.Schema;
import dev.sluice.core.schema.Schemas;
import dev.sluice.fixtures.TinyLlamaModel;
import dev.sluice.inference.embed.OnnxEmbedder;
import dev.sluice.inference.llama.Completion;
import dev.sluice.inference.llama.LlamaConfig;
import dev.sluice.inference.llama.LlamaGenerator;
import dev.sluice.inference.llama.Sampling;
import dev.sluice.pipeline.Flow;
import dev.sluice.pipeline.FlowRuntime;
import dev.sluice.pipeline.NodeTrace;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.RunResult;
import dev.sluice.pipeline.gates.Gates;
import dev.sluice.pipeline.gates.Remedy;
import dev.sluice.rag.RagNodes;
import dev.sluice.rag.Retrieval;
import dev.sluice.rag.Snippet;
import dev.sluice.vector.FlatIndex;
import dev.sluice.vector.KeyKind;
import dev.sluice.vector.Metadata;
import dev.sluice.vector.Similarity;
import dev.sluice.vector.VectorStore;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fluent flow API in one page: custom pure nodes, a retrieve node on a real embedding model and an exact
 * index, a generate node on a tiny self-written llama model, a quality gate that re-runs the model with a stricter
 * prompt and then falls back to an extractive answer, and the cache answering the second, identical request.
 *
 * <p>Run it with {@code ./sluice example custom-pipeline}. The tiny model has random weights, so its text is
 * gibberish; the gate notices (no snippet words in the answer), asks the model again, and falls back to the top
 * snippet.
 */
public final class CustomPipeline {
    /** What the user asks. */
    public record Question(String text) {}

    /** The prompt with the passages it was built from. */
    public record Prompt(String text, List<Snippet> snippets) {}

    /** The model's completion with the passages behind it: the join of the generation and its evidence. */
    public record Draft(Completion completion, List<Snippet> snippets) {}

    /** What the flow answers: the text, its sources, whether it is the model's, and the extractive fallback. */
    public record Answer(String text, List<String> sources, boolean fromModel, String topSnippet) {}

    private static final Map<String, String> PASSAGES = Map.of(
            "ring-buffers", "Sluice connects pipeline stages with Agrona ring buffers over off-heap memory.",
            "cache", "Every model call is cached under a hash of its inputs, model, seed, tools and version.",
            "replay", "Recorded runs can be replayed to see which answers a change to a prompt would alter.",
            "gguf",
                    "Model files are validated in Java before llama.cpp sees them, so a bad file cannot crash the JVM.");

    private CustomPipeline() {}

    /**
     * Builds the flow, asks the same question twice and prints what happened.
     *
     * @param out where to print
     * @throws Exception if a model cannot be loaded
     */
    public static void run(PrintWriter out) throws Exception {
        Path work = Files.createTempDirectory("sluice-custom-pipeline");
        Path modelFile = work.resolve("tiny.gguf");
        TinyLlamaModel.small().write(modelFile);
        try (OnnxEmbedder embedder = DefaultModels.embedder().build();
                VectorStore store =
                        VectorStore.create("passages", embedder.dimension(), Similarity.COSINE, KeyKind.STRING);
                LlamaGenerator model = LlamaGenerator.open(
                        LlamaConfig.of(modelFile).withContextSize(512).withThreads(1))) {
            PASSAGES.forEach((key, text) -> store.add(key, embedder.embed(text), new Metadata("docs/" + key, null)));

            Schema<Prompt> prompt = Schemas.recordOf(Prompt.class);
            Flow<Prompt, Completion> generation = Flow.named("generation", "1")
                    .input(prompt)
                    .map("prompt_text", "1", Schemas.string(), Prompt::text)
                    .call(
                            "call_model",
                            "1",
                            RagNodes.generate(model, Sampling.seeded(0).withMaxTokens(24)))
                    .build();
            Flow<Prompt, List<Snippet>> evidence = Flow.named("evidence", "1")
                    .input(prompt)
                    .map("snippets", "1", Schemas.listOf(Schemas.recordOf(Snippet.class)), Prompt::snippets)
                    .build();
            Flow<Question, Answer> flow = Flow.named("custom-rag", "1")
                    .input(Schemas.recordOf(Question.class))
                    .map(
                            "normalize",
                            "1",
                            Schemas.string(),
                            q -> q.text().strip().toLowerCase(Locale.ROOT))
                    .call("retrieve", "1", RagNodes.retrieve(embedder, FlatIndex.of(store), 3, PASSAGES::get))
                    .map("assemble", "1", prompt, CustomPipeline::prompt)
                    .join("draft", "1", generation, evidence, Schemas.recordOf(Draft.class), Draft::new)
                    .map("answer", "1", Schemas.recordOf(Answer.class), CustomPipeline::answer)
                    .gate(
                            "grounded",
                            "1",
                            Gates.metric(
                                    "shared_words",
                                    CustomPipeline::sharedWords,
                                    n -> n > 0,
                                    Remedy.rerun(
                                            "draft",
                                            1,
                                            (Prompt p, Answer ungrounded) -> insist(p),
                                            Remedy.fallback(CustomPipeline::extractive))))
                    .build();

            try (Pipeline<Question, Answer> pipeline =
                    flow.start(FlowRuntime.inline().withSeed(Seed.of(42)))) {
                for (int attempt = 1; attempt <= 2; attempt++) {
                    RunResult<Answer> result = pipeline.submit(new Question("How are model calls cached?"))
                            .join();
                    out.printf("request %d: %s%n", attempt, result.value().text());
                    for (NodeTrace node : result.nodes()) {
                        out.printf(
                                "  %-12s %-5s %8.3f ms%s%n",
                                node.nodeId(),
                                node.cacheHit() ? "hit" : "",
                                node.elapsedNs() / 1e6,
                                node.gateDecision()
                                        .map(d -> "  gate: " + d.outcome()
                                                + (d.reason().isEmpty() ? "" : " (" + d.reason() + ")"))
                                        .orElse(""));
                    }
                }
                out.println("cache: " + pipeline.cacheStats());
            }
        }
    }

    private static Prompt prompt(Retrieval retrieval) {
        StringBuilder text = new StringBuilder("Answer from the passages.\n");
        for (Snippet snippet : retrieval.snippets()) {
            text.append("- ").append(snippet.text()).append('\n');
        }
        return new Prompt(
                text.append("Question: ")
                        .append(retrieval.query())
                        .append("\nAnswer:")
                        .toString(),
                retrieval.snippets());
    }

    private static Answer answer(Draft draft) {
        List<String> sources =
                draft.snippets().stream().map(Snippet::documentId).toList();
        String top = draft.snippets().isEmpty() ? "" : draft.snippets().get(0).text();
        return new Answer(draft.completion().text().strip(), sources, true, top);
    }

    /**
     * A deliberately simple grounding metric: how many words of five letters or more the answer shares with its
     * best passage. The tiny test model (random weights) never shares one, so the example shows the whole remedy:
     * the gate asks the model again with a stricter prompt ({@link #insist}), then falls back to the passage.
     */
    private static double sharedWords(Answer answer) {
        String passage = answer.topSnippet().toLowerCase(Locale.ROOT);
        return Arrays.stream(answer.text().toLowerCase(Locale.ROOT).split("\\W+"))
                .filter(word -> word.length() >= 5 && passage.contains(word))
                .count();
    }

    /** The prompt of the re-run: the same passages, with the instruction to use their words. */
    private static Prompt insist(Prompt prompt) {
        return new Prompt(
                prompt.text().replace("Answer from the passages.", "Answer with the words of the passages."),
                prompt.snippets());
    }

    /** The fallback: the best passage itself, with its source. */
    private static Answer extractive(Answer answer) {
        return new Answer(
                answer.topSnippet(),
                answer.sources().subList(0, Math.min(1, answer.sources().size())),
                false,
                answer.topSnippet());
    }

    /**
     * Runs the example.
     *
     * @param args none
     * @throws Exception if a model cannot be loaded
     */
    public static void main(String[] args) throws Exception {
        run(new PrintWriter(System.out, true));
        System.exit(0); // llama.cpp keeps a native thread alive
    }
}
