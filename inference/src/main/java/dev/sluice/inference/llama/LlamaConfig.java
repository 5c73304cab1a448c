package dev.sluice.inference.llama;

import dev.sluice.core.BadInputException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How to load a GGUF model into llama.cpp. Checked when built; the model-dependent checks (the context size against
 * the model's) happen in {@link LlamaGenerator#open(LlamaConfig)}.
 *
 * @param modelPath the GGUF file
 * @param contextSize tokens of context shared by all slots; 0 for the model's trained length, capped at 4096
 * @param threads CPU threads; 0 to choose by model size (1 below 256 MB, where synchronising threads costs more
 *     than it gains, else up to 4)
 * @param batchSize the most prompt tokens processed in one batch
 * @param gpuLayers layers to offload to a GPU; needs the CUDA build of java-llama.cpp (classifier
 *     {@code cuda12-linux-x86-64}), else the CPU is used and a message says so
 * @param parallelSlots how many generations may run at once; each gets {@code contextSize / parallelSlots} tokens
 * @param mmap map the model file instead of reading it
 * @param mlock lock the model in RAM
 * @param slotWait how long a request waits for a free slot before it is refused; zero refuses at once
 */
public record LlamaConfig(
        Path modelPath,
        int contextSize,
        int threads,
        int batchSize,
        int gpuLayers,
        int parallelSlots,
        boolean mmap,
        boolean mlock,
        Duration slotWait) {
    /** Checks every value. */
    public LlamaConfig {
        if (modelPath == null) {
            throw new BadInputException("a llama config needs a model path");
        }
        check("context size", contextSize, 0, 1 << 20);
        check("threads", threads, 0, 512);
        check("batch size", batchSize, 1, 1 << 16);
        check("GPU layers", gpuLayers, 0, 1024);
        check("parallel slots", parallelSlots, 1, 64);
        if (slotWait == null || slotWait.isNegative()) {
            throw new BadInputException("slot wait " + slotWait + " must be zero or positive");
        }
    }

    /**
     * @param modelPath the GGUF file
     * @return defaults: model context (at most 4096), threads by model size, batch 512, CPU, one slot, mmap on,
     *     mlock off, wait up to 60 s for a slot
     */
    public static LlamaConfig of(Path modelPath) {
        return new LlamaConfig(modelPath, 0, 0, 512, 0, 1, true, false, Duration.ofSeconds(60));
    }

    /**
     * @param value context tokens
     * @return a copy with it
     */
    public LlamaConfig withContextSize(int value) {
        return new LlamaConfig(modelPath, value, threads, batchSize, gpuLayers, parallelSlots, mmap, mlock, slotWait);
    }

    /**
     * @param value CPU threads
     * @return a copy with it
     */
    public LlamaConfig withThreads(int value) {
        return new LlamaConfig(
                modelPath, contextSize, value, batchSize, gpuLayers, parallelSlots, mmap, mlock, slotWait);
    }

    /**
     * @param value the batch size
     * @return a copy with it
     */
    public LlamaConfig withBatchSize(int value) {
        return new LlamaConfig(modelPath, contextSize, threads, value, gpuLayers, parallelSlots, mmap, mlock, slotWait);
    }

    /**
     * @param value layers to offload
     * @return a copy with it
     */
    public LlamaConfig withGpuLayers(int value) {
        return new LlamaConfig(modelPath, contextSize, threads, batchSize, value, parallelSlots, mmap, mlock, slotWait);
    }

    /**
     * @param slots parallel slots
     * @param wait how long a request waits for one
     * @return a copy with them
     */
    public LlamaConfig withParallelSlots(int slots, Duration wait) {
        return new LlamaConfig(modelPath, contextSize, threads, batchSize, gpuLayers, slots, mmap, mlock, wait);
    }

    /**
     * @param useMmap map the file
     * @param useMlock lock it in RAM
     * @return a copy with them
     */
    public LlamaConfig withMemory(boolean useMmap, boolean useMlock) {
        return new LlamaConfig(
                modelPath, contextSize, threads, batchSize, gpuLayers, parallelSlots, useMmap, useMlock, slotWait);
    }

    private static void check(String what, int value, int min, int max) {
        if (value < min || value > max) {
            throw new BadInputException(what + " " + value + " must be from " + min + " to " + max);
        }
    }
}
