package dev.sluice.examples.cli;

import dev.sluice.core.BadInputException;
import dev.sluice.examples.corpus.JdkJavadocCorpus;
import dev.sluice.examples.demo.AskFlow.Answer;
import dev.sluice.examples.demo.DemoData;
import dev.sluice.pipeline.RunResult;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice demo}: the quickstart a newcomer runs first. The first run embeds the corpus and saves the index in
 * the demo folder (progress on stderr); every run answers the built-in questions through the demo's flow, printing
 * each answer with its sources, run id, cache hits and time per node. A second run reuses the index and the cached
 * results and says so.
 */
@Command(
        name = "demo",
        description = {
            "The quickstart: answers built-in questions over the JDK's Javadoc and Sluice's docs.",
            "The first run embeds the corpus with all-MiniLM-L6-v2 and saves a jvector index, a result cache and an"
                    + " evidence store in the data folder (a few minutes on 2 cores); later runs reuse them."
        })
final class DemoCommand implements Callable<Integer> {
    /** The built-in questions. */
    static final List<String> QUESTIONS = List.of(
            "How do I read all lines of a text file?",
            "Which map keeps its keys in sorted order?",
            "How can a thread wait until another thread has finished?",
            "What is the difference between a stream and a collection?",
            "What are virtual threads meant for?",
            "What goes into a node's cache key?",
            // nothing in the corpus is about football: the relevance gate marks the answer as unsure
            "Who won the football world cup in 2014?");

    @Spec
    private CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", description = "The demo folder (default: ./sluice-data).")
    private Path data = DemoData.defaultFolder();

    @Mixin
    private ModelOption model;

    @Option(
            names = "--passages",
            paramLabel = "N",
            description = "Corpus size (default: " + DemoData.DEFAULT_PASSAGES + "); a new size rebuilds the index.")
    private int passages = DemoData.DEFAULT_PASSAGES;

    @Option(
            names = "--src-zip",
            paramLabel = "FILE",
            description = "The JDK source zip the Javadoc passages come from (default: $JAVA_HOME/lib/src.zip).")
    private Path srcZip = JdkJavadocCorpus.defaultSourceZip();

    @Override
    public Integer call() {
        CliFiles.requireRegularFile(model.model, "--model");
        if (passages < 1) {
            throw new BadInputException("--passages must be at least 1, got " + passages);
        }
        if (Files.exists(data) && !Files.isDirectory(data)) {
            throw new BadInputException("--data " + data + " is not a directory; give the demo folder");
        }
        DemoData.checkFiles(data); // before the first-run notice, so that a refused folder gets one line
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long startNs = System.nanoTime();
        Map<DemoData.Stage, ProgressBar> bars = new EnumMap<>(DemoData.Stage.class);
        DemoData.Progress progress = (stage, done, total) -> {
            ProgressBar bar;
            synchronized (bars) {
                bar = bars.computeIfAbsent(stage, s -> {
                    bars.values().forEach(ProgressBar::finish);
                    return stage == DemoData.Stage.EMBEDDING
                            ? new ProgressBar(err, "embedding", "passages")
                            : new ProgressBar(err, "indexing", "vectors");
                });
            }
            bar.update(done, total);
        };
        if (!Files.isRegularFile(data.resolve(DemoData.MANIFEST))) {
            err.println("sluice demo: first run: embedding " + passages + " passages with all-MiniLM-L6-v2 and saving"
                    + " a jvector index in " + data + " (a few minutes on 2 cores; later runs reuse it)");
        }
        try (DemoData opened = DemoData.openOrBuild(data, passages, srcZip, repository(), progress)) {
            bars.values().forEach(ProgressBar::finish);
            out.printf(
                    "index:   %d passages in %s (%s in %.1f s)%n",
                    opened.texts().size(),
                    data.resolve(DemoData.INDEX_DIR),
                    opened.built() ? "built and saved" : "reused the saved index, opened",
                    (System.nanoTime() - startNs) / 1e9);
            try (AskSession session = new AskSession(opened, model.model)) {
                session.printGenerator(out);
                RunResult<Answer> last = null;
                for (int i = 0; i < QUESTIONS.size(); i++) {
                    last = session.ask("[" + (i + 1) + "/" + QUESTIONS.size() + "] ", QUESTIONS.get(i), out);
                }
                session.printSummary(out, last);
            }
        }
        return SluiceCli.EXIT_OK;
    }

    /** The repository whose docs join the corpus: set by ./sluice as {@code sluice.home}; none otherwise. */
    private static Path repository() {
        String home = System.getProperty("sluice.home");
        return home == null || home.isBlank() ? null : Path.of(home);
    }
}
