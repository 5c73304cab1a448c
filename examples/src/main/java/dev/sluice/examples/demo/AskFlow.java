package dev.sluice.examples.demo;

import dev.sluice.core.schema.Schema;
import dev.sluice.core.schema.Schemas;
import dev.sluice.inference.embed.Embedder;
import dev.sluice.inference.llama.Completion;
import dev.sluice.inference.llama.LlamaGenerator;
import dev.sluice.inference.llama.Sampling;
import dev.sluice.pipeline.Flow;
import dev.sluice.pipeline.FlowBuilder;
import dev.sluice.pipeline.gates.Gates;
import dev.sluice.pipeline.gates.Remedy;
import dev.sluice.rag.RagNodes;
import dev.sluice.rag.Retrieval;
import dev.sluice.rag.Snippet;
import dev.sluice.rag.SnippetTexts;
import dev.sluice.vector.VectorIndex;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The flow of {@code sluice demo} and {@code sluice ask}: a question is normalised, the {@value #TOP_K} closest
 * passages are retrieved, a prompt is assembled, an answer is generated (by a llama.cpp model, or by the
 * {@link ExtractiveGenerator} when none is given), and a gate marks answers whose best passage scored below
 * {@value #MIN_SCORE} as unsure.
 *
 * <pre>
 * normalize (map) -> retrieve (adapter: embed + jvector) -> assemble (map) -> generate (adapter) -> answer (map)
 *     -> relevance (gate)
 * </pre>
 *
 * The flow is named {@value #NAME} with the extractive generator and {@value #NAME_WITH_MODEL} with a model, so
 * that {@code sluice replay} replays the runs of the first (it can rebuild that flow from the demo folder alone)
 * and reports the second as skipped. Building a flow is cheap; the flow holds no resources of its own.
 */
public final class AskFlow {
    /** The flow's name with the extractive generator. */
    public static final String NAME = "sluice-ask";
    /** The flow's name with a language model. */
    public static final String NAME_WITH_MODEL = "sluice-ask-llm";
    /** How many passages are retrieved. */
    public static final int TOP_K = 3;
    /** The lowest score of the best passage (cosine on jvector's 0-1 scale) that the gate lets pass as is. */
    public static final double MIN_SCORE = 0.7;
    /** What the gate puts before an answer whose passages are not close to the question. */
    public static final String UNSURE = "(unsure: no passage is close to the question) ";

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    /** A question. */
    public record Question(String text) {}

    /** The prompt with the passages it was built from. */
    public record Prompt(String text, List<Snippet> snippets) {}

    /**
     * What the generator produced, with the passages behind it.
     *
     * @param text the generated text
     * @param generator which generator: a model name or {@link ExtractiveGenerator#NAME}
     * @param snippets the passages of the prompt
     * @param tokens tokens generated, 0 for the extractive generator
     */
    public record Draft(String text, String generator, List<Snippet> snippets, int tokens) {}

    /**
     * The answer.
     *
     * @param text the answer's text
     * @param generator which generator wrote it
     * @param sources the passages it was built from, best first
     */
    public record Answer(String text, String generator, List<Snippet> sources) {
        /** @return the best passage's score, 0 when none was found */
        public double bestScore() {
            return sources.isEmpty() ? 0 : sources.get(0).score();
        }
    }

    private static final Schema<Question> QUESTION = Schemas.recordOf(Question.class);
    private static final Schema<Prompt> PROMPT = Schemas.recordOf(Prompt.class);
    private static final Schema<Draft> DRAFT = Schemas.recordOf(Draft.class);
    private static final Schema<Answer> ANSWER = Schemas.recordOf(Answer.class);

    private AskFlow() {}

    /**
     * Builds the flow.
     *
     * @param embedder the model that embedded the index
     * @param index the index of the passages
     * @param texts the passages' texts
     * @param model a language model, or {@code null} for the extractive generator
     * @return the flow; it borrows the embedder, index and model, which the caller closes
     */
    public static Flow<Question, Answer> build(
            Embedder embedder, VectorIndex index, SnippetTexts texts, LlamaGenerator model) {
        FlowBuilder<Question, Prompt> prompt = Flow.named(model == null ? NAME : NAME_WITH_MODEL, "1")
                .input(QUESTION)
                .map(
                        "normalize",
                        "1",
                        Schemas.string(),
                        q -> WHITESPACE.matcher(q.text()).replaceAll(" ").strip())
                .call("retrieve", "1", RagNodes.retrieve(embedder, index, TOP_K, texts))
                .map("assemble", "1", PROMPT, AskFlow::prompt);
        String modelName = model == null ? "" : model.identity().name();
        FlowBuilder<Question, Draft> drafted = model == null
                ? prompt.call("generate", "1", DRAFT, new ExtractiveGenerator())
                : prompt.join(
                        "generate",
                        "1",
                        completion(model),
                        passages(),
                        DRAFT,
                        (completion, snippets) -> new Draft(
                                completion.text().strip(), modelName, snippets, completion.completionTokens()));
        return drafted.map("answer", "1", ANSWER, d -> new Answer(d.text(), d.generator(), d.snippets()))
                .gate(
                        "relevance",
                        "1",
                        Gates.minRetrievalScore(
                                Answer::bestScore,
                                MIN_SCORE,
                                Remedy.degrade(a -> new Answer(UNSURE + a.text(), a.generator(), a.sources()))))
                .build();
    }

    private static Flow<Prompt, Completion> completion(LlamaGenerator model) {
        return Flow.named("completion", "1")
                .input(PROMPT)
                .map("prompt_text", "1", Schemas.string(), Prompt::text)
                .call(
                        "call_model",
                        "1",
                        RagNodes.generate(
                                model, Sampling.greedy().withMaxTokens(160).withStopStrings("\n\n")))
                .build();
    }

    private static Flow<Prompt, List<Snippet>> passages() {
        return Flow.named("passages", "1")
                .input(PROMPT)
                .map("snippets", "1", Schemas.listOf(Schemas.recordOf(Snippet.class)), Prompt::snippets)
                .build();
    }

    private static Prompt prompt(Retrieval retrieval) {
        StringBuilder text =
                new StringBuilder("Answer the question in one or two sentences, using only these" + " passages.\n\n");
        for (Snippet snippet : retrieval.snippets()) {
            text.append("[")
                    .append(snippet.documentId())
                    .append("] ")
                    .append(snippet.text())
                    .append("\n");
        }
        text.append("\nQuestion: ").append(retrieval.query()).append("\nAnswer:");
        return new Prompt(text.toString(), retrieval.snippets());
    }
}
