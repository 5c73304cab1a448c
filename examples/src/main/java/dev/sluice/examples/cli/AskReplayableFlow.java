package dev.sluice.examples.cli;

import dev.sluice.core.BadInputException;
import dev.sluice.examples.demo.AskFlow;
import dev.sluice.examples.demo.AskFlow.Answer;
import dev.sluice.examples.demo.AskFlow.Question;
import dev.sluice.examples.demo.DemoData;
import dev.sluice.pipeline.FlowRuntime;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.ReplayReport;
import dev.sluice.pipeline.ResultCache;
import dev.sluice.pipeline.RunResult;
import dev.sluice.pipeline.TokenListener;
import dev.sluice.pipeline.evidence.Evidence;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Lets {@code sluice replay} rebuild the demo's flow ({@value AskFlow#NAME}, the extractive generator) from the demo
 * folder that holds the evidence store ({@code sluice-data/evidence.db} lives beside {@code sluice-data/index}).
 * Registered in {@code META-INF/services}. The pipeline it returns owns the opened demo data and closes it.
 */
public final class AskReplayableFlow implements ReplayableFlow {
    /** For {@link java.util.ServiceLoader}. */
    public AskReplayableFlow() {}

    @Override
    public String flowName() {
        return AskFlow.NAME;
    }

    @Override
    public Pipeline<?, ?> start(FlowRuntime runtime) {
        return start(
                runtime,
                DemoData.defaultFolder().resolve(DemoData.EVIDENCE_FILE).toString());
    }

    @Override
    public Pipeline<?, ?> start(FlowRuntime runtime, String storeLocation) {
        if (storeLocation.startsWith("jdbc:")) {
            throw new BadInputException("the demo's runs can be replayed from the demo folder's SQLite store only,"
                    + " not from " + storeLocation);
        }
        Path folder = Path.of(storeLocation).toAbsolutePath().getParent();
        DemoData data = DemoData.open(folder);
        try {
            return new Owning(
                    AskFlow.build(data.embedder(), data.index(), data.texts(), null)
                            .start(runtime),
                    data);
        } catch (RuntimeException e) {
            data.close();
            throw e;
        }
    }

    /** A pipeline that closes the demo data it runs on when it is closed. */
    private record Owning(Pipeline<Question, Answer> pipeline, DemoData data) implements Pipeline<Question, Answer> {
        @Override
        public CompletableFuture<RunResult<Answer>> submit(Question input, TokenListener tokens) {
            return pipeline.submit(input, tokens);
        }

        @Override
        public Optional<Evidence> evidence(UUID runId) {
            return pipeline.evidence(runId);
        }

        @Override
        public ReplayReport replay(Instant from, Instant to) {
            return pipeline.replay(from, to);
        }

        @Override
        public ResultCache.Stats cacheStats() {
            return pipeline.cacheStats();
        }

        @Override
        public List<String> close(Duration timeout) {
            try {
                return pipeline.close(timeout);
            } finally {
                data.close();
            }
        }
    }
}
