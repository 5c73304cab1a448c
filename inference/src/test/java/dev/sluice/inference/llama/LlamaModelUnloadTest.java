package dev.sluice.inference.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.fixtures.TinyLlamaModel;
import dev.sluice.inference.llama.internal.SharedModels;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models are counted by reference and freed when unused: loading and closing many different models leaves neither
 * native threads nor registered models nor (reported, not asserted) resident memory behind. Before, each model kept
 * about 27 MB and its task-loop thread until the JVM exited.
 *
 * <p>A model's native threads are counted by their name: they carry the name of the {@code llama-load-N} thread that
 * loaded the model (Linux names a new thread after the one that starts it).
 */
class LlamaModelUnloadTest {
    private static final int MODELS = 30;

    @TempDir
    Path dir;

    @BeforeEach
    void freeModelsOfEarlierTests() {
        assumeTrue(SharedModels.canFreeModels(), SharedModels.whyModelsStayLoaded());
        LlamaGenerator.releaseIdleModels();
    }

    @Test
    void loadingAndClosingThirtyDifferentModelsLeavesNoThreadsOrModelsBehind() throws IOException {
        int registered = SharedModels.registeredCount();
        int held = SharedModels.heldCount();
        long loopThreads = modelThreads();
        long osThreads = osThreads();
        int jvmThreads = ManagementFactory.getThreadMXBean().getThreadCount();
        int loads = SharedModels.nativeLoadCount();
        int frees = SharedModels.nativeFreeCount();
        System.gc();
        long rssBeforeKb = rssKb();

        for (int i = 0; i < MODELS; i++) {
            Path model = dir.resolve("tiny-" + i + ".gguf");
            TinyLlamaModel.small().withSeed(i).write(model);
            try (LlamaGenerator generator = LlamaGenerator.open(
                    LlamaConfig.of(model).withContextSize(128).withThreads(1))) {
                generator.complete("The river", Sampling.greedy().withMaxTokens(2));
                assertEquals(
                        loopThreads + 1 + Math.min(i, 1),
                        settledModelThreads(loopThreads + 1 + Math.min(i, 1)),
                        "while model " + i + " is open (and the one before is idle)");
            }
            Files.delete(model);
        }
        long idleLoopThreads = settledModelThreads(loopThreads + 1);
        int freed = LlamaGenerator.releaseIdleModels();
        System.gc();
        long rssAfterKb = rssKb();

        System.out.printf(
                "%d models loaded and closed: RSS %d MB before, %d MB after (%+d MB); OS threads %d -> %d; llama loop"
                        + " threads %d -> %d; JVM-registered threads %d -> %d (java-llama.cpp never detaches its"
                        + " loop thread from the JVM)%n",
                MODELS,
                rssBeforeKb >> 10,
                rssAfterKb >> 10,
                (rssAfterKb - rssBeforeKb) >> 10,
                osThreads,
                osThreads(),
                loopThreads,
                modelThreads(),
                jvmThreads,
                ManagementFactory.getThreadMXBean().getThreadCount());

        assertEquals(loopThreads + 1, idleLoopThreads, "one idle model stays loaded until released");
        assertEquals(1, freed);
        assertEquals(loopThreads, settledModelThreads(loopThreads), "every model's native thread ended");
        assertEquals(registered, SharedModels.registeredCount(), "registered models");
        assertEquals(held, SharedModels.heldCount(), "models not closed");
        assertEquals(loads + MODELS, SharedModels.nativeLoadCount());
        assertEquals(frees + MODELS, SharedModels.nativeFreeCount(), "models whose native memory was freed");
    }

    @Test
    void generatorsOfOneFileShareOneModelUntilTheLastCloses() throws IOException {
        Path model = dir.resolve("shared.gguf");
        TinyLlamaModel.small().withSeed(77).write(model);
        LlamaConfig config = LlamaConfig.of(model).withContextSize(128).withThreads(1);
        int loads = SharedModels.nativeLoadCount();
        int frees = SharedModels.nativeFreeCount();
        long threads = modelThreads();

        LlamaGenerator first = LlamaGenerator.open(config);
        LlamaGenerator second = LlamaGenerator.open(config);
        assertEquals(loads + 1, SharedModels.nativeLoadCount(), "one load for both");
        String text = first.complete("a", Sampling.greedy().withMaxTokens(3)).text();
        first.close();
        assertEquals(
                text, second.complete("a", Sampling.greedy().withMaxTokens(3)).text(), "the model lives on");
        second.close();
        assertEquals(1, SharedModels.idleCount(), "idle, kept for the next open");

        try (LlamaGenerator again = LlamaGenerator.open(config)) {
            assertEquals(loads + 1, SharedModels.nativeLoadCount(), "the idle model is reused");
            assertEquals(
                    text,
                    again.complete("a", Sampling.greedy().withMaxTokens(3)).text());
        }
        assertEquals(1, LlamaGenerator.releaseIdleModels());
        assertEquals(frees + 1, SharedModels.nativeFreeCount());
        assertEquals(threads, settledModelThreads(threads));

        try (LlamaGenerator reloaded = LlamaGenerator.open(config)) {
            assertEquals(loads + 2, SharedModels.nativeLoadCount(), "a freed model loads again");
            assertEquals(
                    text,
                    reloaded.complete("a", Sampling.greedy().withMaxTokens(3)).text());
        }
        LlamaGenerator.releaseIdleModels();
        assertThrows(IllegalStateException.class, () -> first.tokenize("a"));
    }

    @Test
    void aModelWithARequestRunningIsFreedWhenTheRequestEnds() throws Exception {
        Path model = dir.resolve("busy.gguf");
        TinyLlamaModel.small().withSeed(78).write(model);
        int frees = SharedModels.nativeFreeCount();
        LlamaGenerator generator =
                LlamaGenerator.open(LlamaConfig.of(model).withContextSize(256).withThreads(1));
        TokenStream stream =
                generator.stream("The", Sampling.seeded(5).withTemperature(1.5f).withMaxTokens(200));
        stream.next(); // the request runs
        CompletableFuture<Completion> rest = CompletableFuture.supplyAsync(() -> {
            while (stream.hasNext()) {
                stream.next();
            }
            return stream.result();
        });
        generator.close(); // cancels the stream; the model is idle
        assertEquals(1, LlamaGenerator.releaseIdleModels());
        Completion completion = rest.get(60, TimeUnit.SECONDS);
        assertTrue(completion.completionTokens() >= 1, completion.toString());
        assertEquals(frees + 1, SharedModels.nativeFreeCount(), "freed once the stream ended");
        assertThrows(IllegalStateException.class, () -> generator.stream("a", Sampling.greedy()));
    }

    /**
     * The thread that loaded a model ends just after the load returns (the JVM has let go of it, the system not quite
     * yet), and it has the same name: give it a moment.
     *
     * @return {@link #modelThreads()} once it is {@code expected}, or after five seconds
     */
    private static long settledModelThreads(long expected) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        long count = modelThreads();
        while (count != expected && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            count = modelThreads();
        }
        return count;
    }

    /** @return the live native threads of llama.cpp models: named after the {@code llama-load-N} thread */
    private static long modelThreads() throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.filter(task -> {
                        try {
                            return Files.readString(task.resolve("comm")).startsWith("llama-load-");
                        } catch (IOException e) {
                            return false; // ended while listed
                        }
                    })
                    .count();
        }
    }

    private static long osThreads() throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.count();
        }
    }

    private static long rssKb() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
                .findFirst()
                .orElseThrow();
    }
}
