package dev.sluice.pipeline;

import dev.sluice.core.schema.Schema;
import dev.sluice.core.schema.Schemas;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Flows used by the tests of the engine and of the modules that plug into it (the engine's test jar): pure nodes, a
 * counting adapter standing in for a model, a gate and a sink.
 */
public final class TestFlows {
    /**
     * A question.
     *
     * @param text its text
     * @param topK how many sources it wants
     */
    public record Question(String text, int topK) {}

    /**
     * An answer.
     *
     * @param text its text
     * @param sources the documents behind it
     * @param score a seeded score
     */
    public record Answer(String text, List<String> sources, double score) {}

    /** The schema of a question. */
    public static final Schema<Question> QUESTION = Schemas.recordOf(Question.class);
    /** The schema of an answer. */
    public static final Schema<Answer> ANSWER = Schemas.recordOf(Answer.class);

    /** An adapter whose output depends only on its input and seed, which counts its calls and emits tokens. */
    public static final class CountingModel implements Adapter<String, Answer> {
        /** How many times the model ran. */
        public final AtomicInteger calls = new AtomicInteger();
        /** The version of the state it claims to read. */
        public volatile String stateVersion = "index-1";

        @Override
        public Answer apply(String prompt, AdapterContext context) {
            calls.incrementAndGet();
            List<String> sources = new ArrayList<>();
            for (String word : prompt.split(" ")) {
                if (word.length() > 3) {
                    sources.add("doc-" + word.length());
                }
                context.emitToken(word);
            }
            long mix = context.seed().derive(prompt).value();
            return new Answer("answer to " + prompt, sources, (mix >>> 11) * 0x1.0p-53);
        }

        @Override
        public String modelIdentity() {
            return "test:counting-model@sha256:00";
        }

        @Override
        public List<String> tools() {
            return List.of("search");
        }

        @Override
        public String stateVersion() {
            return stateVersion;
        }

        @Override
        public int maxConcurrency() {
            return 4;
        }
    }

    /**
     * @param model the model node's adapter
     * @param sunk receives every answer
     * @return normalize, assemble, call_model, quality_gate, persist
     */
    public static Flow<Question, Answer> questionAnswering(CountingModel model, List<Answer> sunk) {
        return Flow.named("qa", "1")
                .input(QUESTION)
                .map("normalize", "1", Schemas.string(), q -> q.text().strip().toLowerCase(Locale.ROOT))
                .map("assemble", "1", Schemas.string(), text -> "q: " + text)
                .call("call_model", "1", ANSWER, model)
                .gate(
                        "quality_gate",
                        "1",
                        answer -> answer.sources().isEmpty()
                                ? GateDecision.of(
                                        GateDecision.Outcome.FALLBACK,
                                        new Answer("no sources", List.of(), 0),
                                        "no sources",
                                        Map.of("sources", 0.0))
                                : GateDecision.pass(answer, Map.of("sources", (double)
                                        answer.sources().size())))
                .sink("persist", sunk::add)
                .build();
    }

    private TestFlows() {}
}
