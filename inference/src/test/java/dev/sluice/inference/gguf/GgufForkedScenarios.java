package dev.sluice.inference.gguf;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import dev.sluice.core.BadInputException;
import dev.sluice.inference.llama.LlamaConfig;
import dev.sluice.inference.llama.LlamaGenerator;
import dev.sluice.inference.llama.Sampling;
import dev.sluice.inference.llama.internal.NativeLlama;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Programs the GGUF tests run in fresh JVMs, each ending with {@link System#exit(int)} as a program that loaded
 * llama.cpp must. {@code inspect FILE}: reads a file and counts its skipped arrays. {@code load DIR}: opens the
 * crafted baseline through {@link LlamaGenerator} and generates, then opens the crafted files that aborted the JVM,
 * each line {@code OK name: ...} or {@code UNEXPECTED name: ...}. {@code native FILE}: hands a file straight to
 * java-llama.cpp, bypassing Sluice's checks, and generates from a prompt that needs byte tokens; prints
 * {@code LOADED} or {@code REFUSED} (an abort ends the JVM before either).
 */
public final class GgufForkedScenarios {
    /** The crafted cases {@code load} opens through {@link LlamaGenerator}. */
    static final Set<String> LOAD_CASES = Set.of(
            "duplicate-token",
            "all-tokens-empty",
            "expert-used-above-expert-count",
            "bert-tokenizer-on-llama",
            "alignment-1",
            "rope-scaling-unknown",
            "missing-tensor");

    private GgufForkedScenarios() {}

    /**
     * @param args the scenario and its argument
     * @throws Exception on unexpected failures
     */
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "inspect" -> inspect(Path.of(args[1]));
            case "load" -> load(Path.of(args[1]));
            case "native" -> loadNatively(Path.of(args[1]));
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.exit(0);
    }

    private static void inspect(Path file) {
        GgufFile gguf = GgufFile.read(file);
        long skipped = gguf.metadata().values().stream()
                .filter(v -> v instanceof GgufSkippedArray)
                .count();
        int json = gguf.toJson().length();
        Runtime runtime = Runtime.getRuntime();
        System.out.println("OK inspect: " + skipped + " blobs, " + json + " chars of JSON, heap used "
                + (runtime.totalMemory() - runtime.freeMemory()) + " of max " + runtime.maxMemory());
    }

    private static void load(Path dir) {
        Path baseline = CraftedGguf.tinyLlama().write(dir.resolve("baseline.gguf"));
        try (LlamaGenerator generator = LlamaGenerator.open(
                LlamaConfig.of(baseline).withContextSize(128).withThreads(1))) {
            String text = generator
                    .complete("The river", Sampling.greedy().withMaxTokens(4))
                    .text();
            System.out.println("OK baseline: generated " + text.length() + " chars");
        }
        for (CraftedCases.Case c : CraftedCases.all()) {
            if (!LOAD_CASES.contains(c.name())) {
                continue;
            }
            Path file = dir.resolve(c.name() + ".gguf");
            c.change().apply(CraftedGguf.tinyLlama()).write(file);
            try {
                LlamaGenerator.open(LlamaConfig.of(file).withContextSize(128).withThreads(1))
                        .close();
                System.out.println("UNEXPECTED " + c.name() + ": loaded");
            } catch (BadInputException e) {
                System.out.println("OK " + c.name() + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
            } catch (RuntimeException e) {
                System.out.println("UNEXPECTED " + c.name() + ": " + e);
            }
        }
    }

    private static void loadNatively(Path file) {
        NativeLlama.ensureLoaded();
        ModelParameters parameters = new ModelParameters()
                .setModel(file.toString())
                .setCtxSize(128)
                .setThreads(1)
                .setThreadsBatch(1)
                .setParallel(1)
                .disableContextShift()
                .skipWarmup()
                .disableLog();
        LlamaModel model;
        try {
            model = new LlamaModel(parameters);
        } catch (RuntimeException e) {
            System.out.println("REFUSED " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return;
        }
        System.out.println("LOADED");
        System.out.flush();
        for (String prompt : List.of("The river \u0001 é 日本\n\u0000", "a")) {
            try {
                String text = model.complete(new InferenceParameters(prompt).setNPredict(4));
                System.out.println("GENERATED " + text.length() + " chars");
            } catch (RuntimeException e) {
                System.out.println("GENERATION-REFUSED " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        System.out.flush();
        System.out.println("ENCODED " + model.encode("The river \u0001 é 日本\n").length + " tokens");
    }
}
