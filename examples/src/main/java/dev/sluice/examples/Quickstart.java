package dev.sluice.examples;

import dev.sluice.core.hash.Seed;
import dev.sluice.core.schema.Schemas;
import dev.sluice.examples.demo.AskFlow.Answer;
import dev.sluice.examples.demo.AskFlow.Draft;
import dev.sluice.examples.demo.AskFlow.Prompt;
import dev.sluice.examples.demo.AskFlow.Question;
import dev.sluice.examples.demo.DemoData;
import dev.sluice.examples.demo.ExtractiveGenerator;
import dev.sluice.jdbc.JdbcEvidence;
import dev.sluice.jdbc.SqliteCacheTier;
import dev.sluice.pipeline.Flow;
import dev.sluice.pipeline.FlowRuntime;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.ResultCache;
import dev.sluice.pipeline.RunResult;
import dev.sluice.pipeline.evidence.EvidenceStore;
import dev.sluice.pipeline.gates.Gates;
import dev.sluice.pipeline.gates.Remedy;
import dev.sluice.rag.RagNodes;
import java.nio.file.Path;

/**
 * The README's code example, kept here so that it compiles and runs ({@code QuickstartTest} checks that the README
 * quotes it verbatim): a retrieval-augmented flow over the folder {@code sluice demo} built, with a persistent
 * result cache and an SQLite evidence store. The demo's own flow is {@link dev.sluice.examples.demo.AskFlow}.
 */
public final class Quickstart {
    private Quickstart() {}

    /**
     * Answers one question over a demo folder.
     *
     * @param folder a folder built by {@code sluice demo}, such as {@code ./sluice-data}
     * @param question the question
     * @return the run: answer, run id, output hash, per-node traces
     */
    public static RunResult<Answer> ask(Path folder, String question) {
        // spotless:off
        // README: begin
        try (DemoData data = DemoData.open(folder); // all-MiniLM-L6-v2 and the saved jvector index
                ResultCache cache = ResultCache.persistent(32 << 20, SqliteCacheTier.open(folder.resolve("cache.db")));
                EvidenceStore evidence = JdbcEvidence.sqlite(folder.resolve("evidence.db"))) {
            Flow<Question, Answer> flow = Flow.named("quickstart", "1")
                    .input(Schemas.recordOf(Question.class))
                    .map("normalize", "1", Schemas.string(), q -> q.text().strip())
                    .call("retrieve", "1", RagNodes.retrieve(data.embedder(), data.index(), 3, data.texts()))
                    .map("assemble", "1", Schemas.recordOf(Prompt.class),
                            r -> new Prompt("Question: " + r.query(), r.snippets()))
                    .call("generate", "1", Schemas.recordOf(Draft.class), new ExtractiveGenerator())
                    .map("answer", "1", Schemas.recordOf(Answer.class),
                            d -> new Answer(d.text(), d.generator(), d.snippets()))
                    .gate("relevance", "1", Gates.minRetrievalScore(Answer::bestScore, 0.7, Remedy.degradeAsIs()))
                    .build();
            FlowRuntime runtime = FlowRuntime.inline().withSeed(Seed.of(42)).withCache(cache).withEvidence(evidence);
            try (Pipeline<Question, Answer> pipeline = flow.start(runtime)) {
                return pipeline.submit(new Question(question)).join(); // answer, run id, hashes, node traces
            }
        }
        // README: end
        // spotless:on
    }
}
