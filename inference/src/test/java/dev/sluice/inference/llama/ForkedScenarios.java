package dev.sluice.inference.llama;

import dev.sluice.fixtures.TinyLlamaModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The programs {@link LlamaForkedJvmTest} runs in fresh JVMs. {@code hostile DIR}: every dangerous input, each line
 * {@code OK name: exception} or {@code UNEXPECTED name: ...}. {@code generate MODEL THREADS}: greedy and seeded
 * completions, one per line. Both end with {@link System#exit(int)}, as a program using llama.cpp must.
 */
public final class ForkedScenarios {
    private ForkedScenarios() {}

    /**
     * @param args the scenario and its arguments
     * @throws Exception on unexpected failures
     */
    public static void main(String[] args) throws Exception {
        if (args[0].equals("generate")) {
            try (LlamaGenerator generator = LlamaGenerator.open(
                    LlamaConfig.of(Path.of(args[1])).withContextSize(256).withThreads(Integer.parseInt(args[2])))) {
                for (int repeat = 0; repeat < 2; repeat++) {
                    System.out.println(
                            generator.complete("The river", Sampling.greedy().withMaxTokens(32)));
                    System.out.println(generator.complete(
                            "The river",
                            Sampling.seeded(42).withTemperature(1.2f).withMaxTokens(32)));
                }
            }
            System.exit(0);
        }
        hostile(Path.of(args[1]));
        System.exit(0);
    }

    private static void hostile(Path dir) throws Exception {
        Path model = dir.resolve("tiny.gguf");
        TinyLlamaModel.small().write(model);
        byte[] valid = Files.readAllBytes(model);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("truncated", Arrays.copyOf(valid, valid.length / 2));
        files.put("bad-magic", patch(valid, 0, 0x12345678));
        files.put("unknown-version", patch(valid, 4, 9));
        files.put("absurd-tensor-count", patchLong(valid, 8, Long.MAX_VALUE / 3));
        files.put("absurd-key-count", patchLong(valid, 16, 1L << 50));
        files.put("string-length-past-end", patchLong(valid, 24, 1L << 45)); // the first key's length
        files.put("random-bytes", randomBytes(4096));
        int firstTensor = indexOf(valid, "token_embd.weight") + "token_embd.weight".length();
        files.put("n-dims-5", patch(valid, firstTensor, 5));
        files.put("unknown-tensor-type", patch(valid, firstTensor + 4 + 16, 77));
        files.put("offset-past-end", patchLong(valid, firstTensor + 4 + 16 + 4, 1L << 40));
        files.put("overlapping-offset", patchLong(valid, indexOf(valid, "blk.0.attn_norm.weight") + 22 + 4 + 8 + 4, 0));
        files.put("missing-block-count", replace(valid, "llama.block_count", "llama.block_xount"));
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path file = dir.resolve(e.getKey() + ".gguf");
            Files.write(file, e.getValue());
            expectException(
                    "file " + e.getKey(),
                    () -> LlamaGenerator.open(LlamaConfig.of(file)).close());
        }
        expectException("directory", () -> LlamaGenerator.open(LlamaConfig.of(dir)));
        expectException("missing file", () -> LlamaGenerator.open(LlamaConfig.of(dir.resolve("absent.gguf"))));

        LlamaGenerator generator =
                LlamaGenerator.open(LlamaConfig.of(model).withContextSize(128).withThreads(1));
        expectException(
                "NaN temperature",
                () -> generator.complete("a", Sampling.greedy().withTemperature(Float.NaN)));
        expectException(
                "negative temperature",
                () -> generator.complete("a", Sampling.greedy().withTemperature(-1)));
        expectException(
                "top-p 0", () -> generator.complete("a", Sampling.greedy().withTopP(0)));
        expectException(
                "invalid grammar",
                () -> generator.complete("a", Sampling.greedy().withGrammar("root ::= (")));
        for (String schema : List.of(
                "{\"$ref\":\"#/nope\"}",
                "{\"type\":\"frobnicate\"}",
                "\"x\"",
                "{\"type\":\"string\",\"pattern\":\"((\"}",
                "{\"properties\":{\"a\":{\"$ref\":\"http://x\"}}}")) {
            expectException(
                    "schema " + schema,
                    () -> generator.complete("a", Sampling.greedy().withJsonSchema(schema)));
        }
        expectException(
                "prompt longer than the context",
                () -> generator.complete("river ".repeat(200), Sampling.greedy().withMaxTokens(8)));
        TokenStream running =
                generator.stream("The", Sampling.seeded(1).withTemperature(1.5f).withMaxTokens(100));
        CompletableFuture<Completion> result = CompletableFuture.supplyAsync(() -> {
            while (running.hasNext()) {
                running.next();
            }
            return running.result();
        });
        generator.close();
        System.out.println(
                "OK close while generating: " + result.get(60, TimeUnit.SECONDS).finishReason());
        generator.close();
        System.out.println("OK double close");
        expectException("use after close", () -> generator.complete("a", Sampling.greedy()));
    }

    private static void expectException(String name, Runnable action) {
        try {
            action.run();
            System.out.println("UNEXPECTED " + name + ": no exception");
        } catch (RuntimeException e) {
            System.out.println("OK " + name + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static byte[] patch(byte[] bytes, int at, int value) {
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
        return copy;
    }

    private static byte[] patchLong(byte[] bytes, int at, long value) {
        byte[] copy = bytes.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putLong(at, value);
        return copy;
    }

    private static byte[] replace(byte[] bytes, String from, String to) {
        byte[] copy = bytes.clone();
        System.arraycopy(to.getBytes(), 0, copy, indexOf(bytes, from), to.length());
        return copy;
    }

    private static int indexOf(byte[] bytes, String text) {
        byte[] needle = text.getBytes();
        outer:
        for (int i = 0; i <= bytes.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException(text + " not found");
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new java.util.SplittableRandom(5).nextBytes(bytes);
        return bytes;
    }
}
