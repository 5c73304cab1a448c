package dev.sluice.examples.cli;

import dev.sluice.core.hash.Seed;
import dev.sluice.examples.demo.AskFlow;
import dev.sluice.examples.demo.AskFlow.Answer;
import dev.sluice.examples.demo.AskFlow.Question;
import dev.sluice.examples.demo.DemoData;
import dev.sluice.examples.demo.ExtractiveGenerator;
import dev.sluice.inference.llama.LlamaConfig;
import dev.sluice.inference.llama.LlamaGenerator;
import dev.sluice.jdbc.JdbcEvidence;
import dev.sluice.jdbc.SqliteCacheTier;
import dev.sluice.pipeline.FlowRuntime;
import dev.sluice.pipeline.NodeKind;
import dev.sluice.pipeline.NodeTrace;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.ResultCache;
import dev.sluice.pipeline.RunResult;
import dev.sluice.pipeline.evidence.EvidenceStore;
import dev.sluice.rag.Snippet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * What {@code sluice demo} and {@code sluice ask} share: the demo's flow started on an inline runtime with the
 * folder's persistent result cache and evidence store, and the printing of each answer (text, sources with scores,
 * run id, cache hits, time per node). Not thread-safe; close it to release the model, the index and the stores.
 */
final class AskSession implements AutoCloseable {
    /** The seed of the demo's pipeline: fixed, so that runs are reproducible and cacheable. */
    static final long SEED = 42;

    private static final int CACHE_MEMORY_BYTES = 32 << 20;
    private static final int SNIPPET_PREVIEW_CHARS = 110;

    private final DemoData data;
    private final LlamaGenerator model;
    private final ResultCache cache;
    private final EvidenceStore evidence;
    private final Pipeline<Question, Answer> pipeline;
    private int adapterCalls;
    private int adapterHits;

    AskSession(DemoData data, Path modelFile) {
        this(data, modelFile, UnaryOperator.identity());
    }

    /**
     * @param data the opened demo folder
     * @param modelFile a GGUF model, or {@code null} for the extractive generator
     * @param evidenceWrapper wraps the folder's evidence store (tests watch it through this)
     */
    AskSession(DemoData data, Path modelFile, UnaryOperator<EvidenceStore> evidenceWrapper) {
        this.data = data;
        LlamaGenerator opened = null;
        ResultCache openedCache = null;
        EvidenceStore openedEvidence = null;
        try {
            opened = modelFile == null
                    ? null
                    : LlamaGenerator.open(LlamaConfig.of(modelFile).withContextSize(2048));
            openedCache = ResultCache.persistent(CACHE_MEMORY_BYTES, SqliteCacheTier.open(data.cacheFile()));
            openedEvidence = evidenceWrapper.apply(JdbcEvidence.sqlite(data.evidenceFile()));
            this.pipeline = AskFlow.build(data.embedder(), data.index(), data.texts(), opened)
                    .start(FlowRuntime.inline()
                            .withSeed(Seed.of(SEED))
                            .withCache(openedCache)
                            .withEvidence(openedEvidence));
        } catch (RuntimeException e) {
            closeAll(opened, openedCache, openedEvidence);
            throw e;
        }
        this.model = opened;
        this.cache = openedCache;
        this.evidence = openedEvidence;
    }

    /** Prints which generator answers. */
    void printGenerator(PrintWriter out) {
        if (model == null) {
            out.println("generator: no language model was given (--model FILE.gguf), so answers come from the built-in"
                    + " extractive generator: the best passage, trimmed to " + ExtractiveGenerator.MAX_CHARS
                    + " characters");
        } else {
            out.println("generator: " + TerminalText.line(model.identity().name()) + " through llama.cpp (greedy)");
        }
    }

    /**
     * Asks a question and prints the answer. The run id is printed only once the run's evidence is committed
     * ({@link EvidenceStore#flush()}), so that every id printed can be looked up, even if the process is killed
     * right after printing it.
     *
     * @param label printed before the question, such as {@code "[2/6] "}
     * @param question the question
     * @param out where to print
     * @return the run
     */
    RunResult<Answer> ask(String label, String question, PrintWriter out) {
        RunResult<Answer> run = pipeline.submit(new Question(question)).join();
        evidence.flush(); // the run was appended before join returned; commit it before its id is printed
        Answer answer = run.value();
        out.println();
        out.println(label + TerminalText.line(question));
        out.println("answer:  " + TerminalText.text(answer.text()));
        out.println("sources:");
        int rank = 1;
        for (Snippet snippet : answer.sources()) {
            out.printf(
                    "  %d. %.3f  %s%n       \"%s\"%n",
                    rank++,
                    snippet.score(),
                    TerminalText.line(snippet.key()),
                    TerminalText.line(preview(snippet.text())));
        }
        StringBuilder hits = new StringBuilder();
        StringBuilder nodes = new StringBuilder();
        for (NodeTrace node : run.nodes()) {
            if (node.kind() == NodeKind.CALL) {
                adapterCalls++;
                if (node.cacheHit()) {
                    adapterHits++;
                    hits.append(hits.isEmpty() ? "" : ", ").append(node.nodeId());
                }
            }
            nodes.append(nodes.isEmpty() ? "" : " | ")
                    .append(node.nodeId())
                    .append(String.format(" %.2f ms", node.elapsedNs() / 1e6));
            node.gateDecision().ifPresent(d -> nodes.append(" ").append(d.outcome()));
        }
        out.println("run:     " + run.runId() + "  cache: "
                + (hits.isEmpty() ? "miss (computed now, stored for next time)" : "hit (" + hits + ")"));
        out.println("nodes:   " + nodes);
        out.flush();
        return run;
    }

    /** Prints how many adapter calls the cache answered, and how to see the evidence. */
    void printSummary(PrintWriter out, RunResult<Answer> lastRun) {
        ResultCache.Stats stats = cache.stats();
        out.println();
        out.printf(
                "cache:    %d of %d model and retrieval calls were cache hits (%d read from %s)%s%n",
                adapterHits,
                adapterCalls,
                stats.persistentHits(),
                data.cacheFile(),
                adapterHits == adapterCalls && adapterCalls > 0
                        ? ": every answer came from an earlier run's results"
                        : "");
        out.println("evidence: ./sluice evidence --store " + data.evidenceFile() + " " + lastRun.runId());
        out.println("replay:   ./sluice replay --store " + data.evidenceFile());
    }

    private static String preview(String text) {
        return text.length() <= SNIPPET_PREVIEW_CHARS ? text : text.substring(0, SNIPPET_PREVIEW_CHARS) + "\u2026";
    }

    @Override
    public void close() {
        try {
            pipeline.close();
        } finally {
            closeAll(model, cache, evidence);
        }
    }

    private static void closeAll(AutoCloseable... resources) {
        RuntimeException failure = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("cannot close " + resource, e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
