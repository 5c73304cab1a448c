package dev.sluice.pipeline;

import dev.sluice.core.schema.Schema;
import dev.sluice.core.schema.Schemas;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Flows used by several tests: pure nodes, a counting adapter standing in for a model, a gate and a sink. */
final class TestFlows {
    record Question(String text, int topK) { }

    record Answer(String text, List<String> sources, double score) { }

    static final Schema<Question> QUESTION = Schemas.recordOf(Question.class);
    static final Schema<Answer> ANSWER = Schemas.recordOf(Answer.class);

    /** An adapter whose output depends only on its input and seed, which counts its calls and emits tokens. */
    static final class CountingModel implements Adapter<String, Answer> {
        final AtomicInteger calls = new AtomicInteger();
        volatile String stateVersion = "index-1";

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

    static Flow<Question, Answer> questionAnswering(CountingModel model, List<Answer> sunk) {
        return Flow.named("qa", "1")
                .input(QUESTION)
                .map("normalize", "1", Schemas.string(), q -> q.text().strip().toLowerCase(Locale.ROOT))
                .map("assemble", "1", Schemas.string(), text -> "q: " + text)
                .call("call_model", "1", ANSWER, model)
                .gate("quality_gate", "1", answer -> answer.sources().isEmpty()
                        ? GateDecision.of(GateDecision.Outcome.FALLBACK,
                                new Answer("no sources", List.of(), 0), "no sources", Map.of("sources", 0.0))
                        : GateDecision.pass(answer, Map.of("sources", (double) answer.sources().size())))
                .sink("persist", sunk::add)
                .build();
    }

    private TestFlows() {
    }
}
