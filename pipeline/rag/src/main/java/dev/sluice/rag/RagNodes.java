package dev.sluice.rag;

import dev.sluice.core.BadInputException;
import dev.sluice.core.schema.Schema;
import dev.sluice.core.schema.Schemas;
import dev.sluice.inference.embed.Embedder;
import dev.sluice.inference.llama.Completion;
import dev.sluice.inference.llama.LlamaGenerator;
import dev.sluice.inference.llama.Sampling;
import dev.sluice.pipeline.TypedAdapter;
import dev.sluice.vector.VectorIndex;
import java.util.Map;
import java.util.function.Function;

/**
 * The retrieval-augmented generation nodes, to add to a flow with {@code FlowBuilder.call(id, version, node)}:
 *
 * <pre>{@code
 * Flow.named("faq", "1").input(Schemas.string())
 *     .call("retrieve", "1", RagNodes.retrieve(embedder, index, 3, texts))
 *     .call("prompt", "1", RagNodes.prompt(template, r -> Map.of("question", r.query(), ...)))
 *     .call("generate", "1", RagNodes.generate(model, Sampling.greedy(128)))
 * }</pre>
 *
 * Each factory checks its arguments when called and returns an adapter with its output schema. The adapters are
 * thread-safe; they do not close the embedder, index or model they were given.
 */
public final class RagNodes {
    /** The schema of a retrieve node's output edge. */
    public static final Schema<Retrieval> RETRIEVAL = Schemas.recordOf(Retrieval.class);
    /** The schema of a generate node's output edge. */
    public static final Schema<Completion> COMPLETION = Schemas.recordOf(Completion.class);

    private RagNodes() {}

    /**
     * A retrieval node: the text on the edge is the query; it is embedded, the index is searched for the {@code k}
     * nearest passages and their texts are looked up. Every passage becomes a DOC link of the run's evidence.
     * Cached under the embedding model's identity, the index's version and {@code k}: adding to or deleting from
     * the index changes the key.
     *
     * @param embedder embeds the query; the same model that embedded the indexed passages
     * @param index the index to search
     * @param k how many passages, at least 1 (fewer when the index holds fewer)
     * @param texts finds a passage's text from its key
     * @return the node
     * @throws BadInputException if an argument is null, {@code k < 1}, or the embedder's dimension differs from the
     *     index's
     */
    public static TypedAdapter<String, Retrieval> retrieve(
            Embedder embedder, VectorIndex index, int k, SnippetTexts texts) {
        require(embedder, "an embedder");
        require(index, "an index");
        require(texts, "a snippet text source");
        if (k < 1) {
            throw new BadInputException("retrieve needs k of at least 1, got " + k);
        }
        if (embedder.dimension() != index.store().dimension()) {
            throw new BadInputException("retrieve: the embedder's dimension " + embedder.dimension()
                    + " does not match the index's " + index.store().dimension());
        }
        return new TypedAdapter<>(RETRIEVAL, new RetrieveAdapter(embedder, index, k, texts));
    }

    /**
     * A prompt node: renders a template with variables taken from the edge's value. The evidence chain records the
     * template's id, the variables and the prompt's hash (a PROMPT link), so an answer can be traced to the
     * template that asked for it. Not cached (rendering is cheaper than a lookup); the model node after it is keyed
     * by the rendered prompt.
     *
     * @param template the template
     * @param variables the template's variables for a value on the edge
     * @param <T> the edge's type
     * @return the node
     * @throws BadInputException if an argument is null
     */
    public static <T> TypedAdapter<T, String> prompt(
            PromptTemplate template, Function<? super T, Map<String, String>> variables) {
        require(template, "a template");
        require(variables, "a variables function");
        return new TypedAdapter<>(Schemas.string(), new PromptAdapter<T>(template, variables));
    }

    /**
     * A generation node: the text on the edge is the prompt, the output is the model's {@link Completion}. The
     * model samples with the node's seed (derived from the pipeline's seed and the node id) in place of the seed in
     * {@code sampling}, so that one pipeline seed fixes every run; the other sampling settings, the model file's
     * identity and that seed make the cache key. Tokens stream to the request's token listener; the span carries
     * the GenAI attributes (model, sampling, token usage, finish reason).
     *
     * @param model an open generator
     * @param sampling how to sample and when to stop
     * @return the node
     * @throws BadInputException if an argument is null
     */
    public static TypedAdapter<String, Completion> generate(LlamaGenerator model, Sampling sampling) {
        require(model, "a model");
        require(sampling, "sampling settings");
        return new TypedAdapter<>(COMPLETION, new GenerateAdapter(model, sampling));
    }

    private static void require(Object argument, String what) {
        if (argument == null) {
            throw new BadInputException("the node needs " + what + ", got null");
        }
    }
}
