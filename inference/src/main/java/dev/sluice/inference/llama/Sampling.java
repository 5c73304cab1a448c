package dev.sluice.inference.llama;

import dev.sluice.core.BadInputException;
import java.util.List;

/**
 * How tokens are chosen, how many, and when to stop. Every value is checked here, in Java, because llama.cpp
 * aborts the process on some invalid ones (a NaN, for example) instead of reporting them.
 *
 * <p>Reproducibility: with the same model file, prompt, settings and seed, generation gives the same tokens on
 * every call, in every slot and in every fresh JVM, as long as {@link #cachePrompt()} is off (the default). With the
 * prompt cache on, a repeated prompt reuses cached state and, with more than one thread, can give different text;
 * with the cache on, only one thread is reproducible.
 *
 * @param seed the sampling seed (folded to 32 bits for llama.cpp)
 * @param temperature 0 for greedy decoding, else a finite value up to 100
 * @param topK keep the K most likely tokens, 0 for all
 * @param topP nucleus sampling, in (0, 1]; 1 disables it
 * @param minP drop tokens less likely than this fraction of the most likely one, in [0, 1); 0 disables it
 * @param repeatPenalty penalise repeats of the last 64 tokens, in (0, 10]; 1 disables it
 * @param maxTokens the most tokens to generate, at least 1
 * @param stopStrings strings that end generation when generated (not included in the text); at most 16, none empty
 * @param grammar a GBNF grammar the output must follow, or empty
 * @param jsonSchema a JSON schema the output must follow, or empty; not together with a grammar
 * @param cachePrompt reuse a slot's cached prompt state between calls (faster, reproducible only with one thread)
 * @param truncatePrompt cut the prompt from its start when it and {@code maxTokens} do not fit the slot's
 *     context, instead of refusing it
 */
public record Sampling(
        long seed,
        float temperature,
        int topK,
        float topP,
        float minP,
        float repeatPenalty,
        int maxTokens,
        List<String> stopStrings,
        String grammar,
        String jsonSchema,
        boolean cachePrompt,
        boolean truncatePrompt) {

    /** Checks every value. */
    public Sampling {
        if (!(temperature >= 0 && temperature <= 100)) {
            throw new BadInputException("temperature " + temperature + " must be 0 (greedy) or up to 100");
        }
        if (topK < 0) {
            throw new BadInputException("top-k " + topK + " must be 0 (off) or positive");
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new BadInputException("top-p " + topP + " must be in (0, 1]");
        }
        if (!(minP >= 0 && minP < 1)) {
            throw new BadInputException("min-p " + minP + " must be in [0, 1)");
        }
        if (!(repeatPenalty > 0 && repeatPenalty <= 10)) {
            throw new BadInputException("repeat penalty " + repeatPenalty + " must be in (0, 10]");
        }
        if (maxTokens < 1) {
            throw new BadInputException("max tokens " + maxTokens + " must be at least 1");
        }
        stopStrings = List.copyOf(stopStrings);
        if (stopStrings.size() > 16 || stopStrings.stream().anyMatch(String::isEmpty)) {
            throw new BadInputException("stop strings " + stopStrings + ": at most 16, none empty");
        }
        grammar = grammar == null ? "" : grammar;
        jsonSchema = jsonSchema == null ? "" : jsonSchema;
        if (!grammar.isEmpty() && !jsonSchema.isEmpty()) {
            throw new BadInputException("give a grammar or a JSON schema, not both");
        }
    }

    /** @return greedy decoding (temperature 0) of at most 128 tokens: the same text every time */
    public static Sampling greedy() {
        return new Sampling(0, 0, 0, 1, 0, 1, 128, List.of(), "", "", false, false);
    }

    /**
     * @param seed the seed
     * @return seeded sampling at temperature 0.8, top-k 40, top-p 0.95, min-p 0.05, at most 128 tokens
     */
    public static Sampling seeded(long seed) {
        return new Sampling(seed, 0.8f, 40, 0.95f, 0.05f, 1, 128, List.of(), "", "", false, false);
    }

    /**
     * @param value the seed
     * @return a copy with it
     */
    public Sampling withSeed(long value) {
        return new Sampling(
                value,
                temperature,
                topK,
                topP,
                minP,
                repeatPenalty,
                maxTokens,
                stopStrings,
                grammar,
                jsonSchema,
                cachePrompt,
                truncatePrompt);
    }

    /**
     * @param value the temperature
     * @return a copy with it
     */
    public Sampling withTemperature(float value) {
        return new Sampling(
                seed,
                value,
                topK,
                topP,
                minP,
                repeatPenalty,
                maxTokens,
                stopStrings,
                grammar,
                jsonSchema,
                cachePrompt,
                truncatePrompt);
    }

    /**
     * @param value top-k
     * @return a copy with it
     */
    public Sampling withTopK(int value) {
        return new Sampling(
                seed,
                temperature,
                value,
                topP,
                minP,
                repeatPenalty,
                maxTokens,
                stopStrings,
                grammar,
                jsonSchema,
                cachePrompt,
                truncatePrompt);
    }

    /**
     * @param value top-p
     * @return a copy with it
     */
    public Sampling withTopP(float value) {
        return new Sampling(
                seed,
                temperature,
                topK,
                value,
                minP,
                repeatPenalty,
                maxTokens,
                stopStrings,
                grammar,
                jsonSchema,
                cachePrompt,
                truncatePrompt);
    }

    /**
     * @param value the maximum number of tokens
     * @return a copy with it
     */
    public Sampling withMaxTokens(int value) {
        return new Sampling(
                seed,
                temperature,
                topK,
                topP,
                minP,
                repeatPenalty,
                value,
                stopStrings,
                grammar,
                jsonSchema,
                cachePrompt,
                truncatePrompt);
    }

    /**
     * @param values the stop strings
     * @return a copy with them
     */
    public Sampling withStopStrings(String... values) {
        return new Sampling(
                seed,
                temperature,
                topK,
                topP,
                minP,
                repeatPenalty,
                maxTokens,
                List.of(values),
                grammar,
                jsonSchema,
                cachePrompt,
                truncatePrompt);
    }

    /**
     * @param gbnf a GBNF grammar
     * @return a copy with it
     */
    public Sampling withGrammar(String gbnf) {
        return new Sampling(
                seed,
                temperature,
                topK,
                topP,
                minP,
                repeatPenalty,
                maxTokens,
                stopStrings,
                gbnf,
                jsonSchema,
                cachePrompt,
                truncatePrompt);
    }

    /**
     * @param schema a JSON schema
     * @return a copy with it
     */
    public Sampling withJsonSchema(String schema) {
        return new Sampling(
                seed,
                temperature,
                topK,
                topP,
                minP,
                repeatPenalty,
                maxTokens,
                stopStrings,
                grammar,
                schema,
                cachePrompt,
                truncatePrompt);
    }

    /**
     * @param value whether to reuse cached prompt state
     * @return a copy with it
     */
    public Sampling withCachePrompt(boolean value) {
        return new Sampling(
                seed,
                temperature,
                topK,
                topP,
                minP,
                repeatPenalty,
                maxTokens,
                stopStrings,
                grammar,
                jsonSchema,
                value,
                truncatePrompt);
    }

    /**
     * @param value whether to cut an over-long prompt from its start
     * @return a copy with it
     */
    public Sampling withTruncatePrompt(boolean value) {
        return new Sampling(
                seed,
                temperature,
                topK,
                topP,
                minP,
                repeatPenalty,
                maxTokens,
                stopStrings,
                grammar,
                jsonSchema,
                cachePrompt,
                value);
    }

    /** @return the seed as llama.cpp takes it: 32 bits, never its "random seed" value 0xFFFFFFFF */
    int nativeSeed() {
        int folded = (int) (seed ^ (seed >>> 32));
        return folded == -1 ? 0x7FFF_FFFF : folded;
    }
}
