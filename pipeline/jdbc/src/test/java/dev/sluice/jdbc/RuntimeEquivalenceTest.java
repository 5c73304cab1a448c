package dev.sluice.jdbc;

import dev.sluice.pipeline.FlowRuntime;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.RunResult;
import dev.sluice.pipeline.TestFlows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.core.hash.Seed;
import dev.sluice.pipeline.TestFlows.Answer;
import dev.sluice.pipeline.TestFlows.CountingModel;
import dev.sluice.pipeline.TestFlows.Question;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The inline runtime is the reference: the pipelined one must give byte-identical outputs and hashes. */
class RuntimeEquivalenceTest {
    private static List<Question> questions(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] words = {"what", "is", "sluice", "ring", "buffer", "cache", "vector", "index", "a", "of"};
        List<Question> questions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder text = new StringBuilder();
            for (int w = random.nextInt(1, 8); w > 0; w--) {
                text.append(words[random.nextInt(words.length)]).append(' ');
            }
            questions.add(new Question(text.toString(), random.nextInt(1, 10)));
        }
        return questions;
    }

    @Test
    void thousandInputsGiveIdenticalHashesInlineAndPipelinedOnOneAndTwoThreads() {
        List<Question> questions = questions(1_000, 20_261_126L);
        List<RunResult<Answer>> inline = new ArrayList<>();
        try (Pipeline<Question, Answer> p = TestFlows.questionAnswering(new CountingModel(), new ArrayList<>())
                .start(FlowRuntime.inline().withSeed(Seed.of(42)))) {
            for (Question q : questions) {
                inline.add(p.submit(q).join());
            }
        }
        for (int threads = 1; threads <= 2; threads++) {
            FlowRuntime runtime = FlowRuntime.pipelined().withSeed(Seed.of(42)).withThreads(threads)
                    .withSubmitTimeout(Duration.ofSeconds(10));
            try (Pipeline<Question, Answer> p = TestFlows.questionAnswering(new CountingModel(), new ArrayList<>())
                    .start(runtime)) {
                List<CompletableFuture<RunResult<Answer>>> futures = new ArrayList<>();
                for (Question q : questions) {
                    futures.add(p.submit(q));
                }
                for (int i = 0; i < questions.size(); i++) {
                    RunResult<Answer> expected = inline.get(i);
                    RunResult<Answer> actual = futures.get(i).join();
                    assertEquals(expected.outputHash(), actual.outputHash(), "question " + i + ", threads " + threads);
                    for (int n = 0; n < expected.nodes().size(); n++) {
                        assertEquals(expected.nodes().get(n).outputHash(), actual.nodes().get(n).outputHash());
                        assertEquals(expected.nodes().get(n).inputHash(), actual.nodes().get(n).inputHash());
                    }
                }
            }
        }
    }
}
