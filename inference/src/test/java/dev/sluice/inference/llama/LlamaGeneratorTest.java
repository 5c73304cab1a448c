package dev.sluice.inference.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.BadInputException;
import dev.sluice.core.SluiceException;
import dev.sluice.fixtures.TinyLlamaModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real generation with llama.cpp on the tiny seeded model. */
class LlamaGeneratorTest {
    @TempDir
    static Path dir;

    static Path model;
    static LlamaGenerator generator;

    @BeforeAll
    static void writeAndOpen() {
        model = dir.resolve("tiny.gguf");
        TinyLlamaModel.small().write(model);
        generator =
                LlamaGenerator.open(LlamaConfig.of(model).withContextSize(256).withThreads(1));
    }

    @AfterAll
    static void close() {
        generator.close();
    }

    @Test
    void greedyGenerationIsTheSameOnEveryCall() {
        Completion first = generator.complete("The river", Sampling.greedy().withMaxTokens(24));
        Completion second = generator.complete("The river", Sampling.greedy().withMaxTokens(24));
        assertEquals(first, second);
        assertTrue(first.completionTokens() > 0 && first.completionTokens() <= 24, first.toString());
        assertEquals(generator.tokenize("The river").length + 1, first.promptTokens());
    }

    @Test
    void sameSeedSameTokensAndDifferentSeedsDifferentTokens() {
        Sampling sampling = Sampling.seeded(1234).withTemperature(1.5f).withMaxTokens(32);
        Completion a = generator.complete("water", sampling);
        assertEquals(a, generator.complete("water", sampling));
        List<String> others = new ArrayList<>();
        for (long seed = 1; seed <= 4; seed++) {
            others.add(generator.complete("water", sampling.withSeed(seed)).text());
        }
        assertTrue(others.stream().anyMatch(t -> !t.equals(a.text())), "four other seeds all gave " + a.text());
    }

    @Test
    void streamingAndCompleteAgree() {
        Sampling sampling = Sampling.seeded(99).withTemperature(1.2f).withMaxTokens(40);
        StringBuilder streamed = new StringBuilder();
        Completion viaStream;
        try (TokenStream stream = generator.stream("hello", sampling)) {
            while (stream.hasNext()) {
                String piece = stream.next();
                assertTrue(!piece.isEmpty());
                streamed.append(piece);
            }
            viaStream = stream.result();
        }
        assertEquals(streamed.toString(), viaStream.text());
        assertEquals(viaStream, generator.complete("hello", sampling));
        List<String> pieces = new ArrayList<>();
        assertEquals(viaStream, generator.complete("hello", sampling, pieces::add));
        assertEquals(streamed.toString(), String.join("", pieces));
    }

    @Test
    void maxTokensEndsWithLength() {
        Completion c = generator.complete("a", Sampling.greedy().withMaxTokens(1));
        assertEquals(1, c.completionTokens());
        assertTrue(c.finishReason() == FinishReason.LENGTH || c.text().isEmpty(), c.toString());
    }

    @Test
    void stopStringsEndGenerationAndAreNotIncluded() {
        Completion free = generator.complete("The river", Sampling.greedy().withMaxTokens(24));
        String text = free.text();
        String stop = text.length() > 4 ? text.substring(3, 5) : null;
        if (stop != null && !stop.isBlank()) {
            Completion stopped = generator.complete(
                    "The river", Sampling.greedy().withMaxTokens(24).withStopStrings(stop));
            assertEquals(FinishReason.STOP, stopped.finishReason());
            assertEquals(text.substring(0, text.indexOf(stop)), stopped.text());
        }
    }

    @Test
    void grammarConstrainsTheOutput() {
        Completion c = generator.complete(
                "answer", Sampling.seeded(5).withMaxTokens(16).withGrammar("root ::= (\"yes\" | \"no\") \" sluice\""));
        assertTrue(c.text().equals("yes sluice") || c.text().equals("no sluice"), c.text());
    }

    @Test
    void jsonSchemaConstrainsTheOutput() {
        String schema = "{\"type\":\"object\",\"properties\":{\"ok\":{\"type\":\"boolean\"}},\"required\":[\"ok\"]}";
        Completion c =
                generator.complete("json", Sampling.greedy().withMaxTokens(40).withJsonSchema(schema));
        assertTrue(c.text().replace(" ", "").matches("\\{\"ok\":(true|false)}"), c.text());
    }

    @Test
    void refusesInvalidGrammarsAndUnsupportedSchemasInJava() {
        assertThrows(
                BadInputException.class,
                () -> generator.complete("x", Sampling.greedy().withGrammar("root ::= (((")));
        assertThrows(
                BadInputException.class,
                () -> generator.complete("x", Sampling.greedy().withGrammar("root ::= missing")));
        for (String schema : List.of(
                "{\"$ref\":\"#/nope\"}",
                "{\"type\":\"frobnicate\"}",
                "\"x\"",
                "{bad json",
                "{\"type\":\"string\",\"pattern\":\"((\"}")) {
            assertThrows(
                    BadInputException.class,
                    () -> generator.complete("x", Sampling.greedy().withJsonSchema(schema)),
                    schema);
        }
    }

    @Test
    void appliesTheModelsChatTemplate() {
        String prompt = generator.applyChatTemplate(List.of(ChatMessage.system("be brief"), ChatMessage.user("hi")));
        assertEquals(
                "<|im_start|>system\nbe brief<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n" + "<|im_start|>assistant\n",
                prompt);
        Completion c = generator.chat(
                List.of(ChatMessage.user("hi")), Sampling.greedy().withMaxTokens(8));
        assertTrue(c.promptTokens() > 5, c.toString());
        assertThrows(
                BadInputException.class,
                () -> generator.applyChatTemplate(List.of(ChatMessage.user("hi"), ChatMessage.system("late"))));
    }

    @Test
    void cancellationMidStreamEndsWithCancelled() {
        try (TokenStream stream =
                generator.stream("The", Sampling.seeded(3).withTemperature(1.5f).withMaxTokens(200))) {
            int pieces = 0;
            while (stream.hasNext()) {
                stream.next();
                if (++pieces == 3) {
                    stream.cancel();
                }
            }
            assertEquals(FinishReason.CANCELLED, stream.result().finishReason());
            assertTrue(stream.result().completionTokens() < 200);
        }
        // the slot is free again
        assertEquals(
                FinishReason.LENGTH,
                generator
                        .complete("b", Sampling.greedy().withMaxTokens(1).withGrammar("root ::= [a-z]+"))
                        .finishReason());
    }

    @Test
    void promptLongerThanTheContextIsRefusedUnlessTruncationIsAsked() {
        String longPrompt = "river water gate ".repeat(40);
        BadInputException e = assertThrows(
                BadInputException.class,
                () -> generator.complete(longPrompt, Sampling.greedy().withMaxTokens(16)));
        assertTrue(e.getMessage().contains("a slot has 256 tokens of context"), e.getMessage());
        Completion c = generator.complete(
                longPrompt, Sampling.greedy().withMaxTokens(16).withTruncatePrompt(true));
        assertTrue(c.promptTokens() + 16 <= 256, c.toString());
    }

    @Test
    void invalidSamplingValuesAreRefusedInJava() {
        assertThrows(BadInputException.class, () -> Sampling.greedy().withTemperature(-0.1f));
        assertThrows(BadInputException.class, () -> Sampling.greedy().withTemperature(Float.NaN));
        assertThrows(BadInputException.class, () -> Sampling.greedy().withTopP(0));
        assertThrows(BadInputException.class, () -> Sampling.greedy().withTopP(1.01f));
        assertThrows(BadInputException.class, () -> Sampling.greedy().withTopP(Float.NaN));
        assertThrows(BadInputException.class, () -> Sampling.greedy().withTopK(-1));
        assertThrows(BadInputException.class, () -> Sampling.greedy().withMaxTokens(0));
        assertThrows(BadInputException.class, () -> Sampling.greedy().withStopStrings(""));
        assertThrows(BadInputException.class, () -> LlamaConfig.of(model).withThreads(-1));
        assertThrows(BadInputException.class, () -> LlamaConfig.of(model).withParallelSlots(0, Duration.ZERO));
    }

    @Test
    void publisherDeliversThePiecesOfTheSameGeneration() throws Exception {
        Sampling sampling = Sampling.seeded(8).withTemperature(1.2f).withMaxTokens(20);
        String expected = generator.complete("gate", sampling).text();
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            CompletableFuture<String> done = new CompletableFuture<>();
            Flow.Publisher<String> publisher = generator.publisher("gate", sampling, executor);
            publisher.subscribe(new Flow.Subscriber<>() {
                private final StringBuilder text = new StringBuilder();

                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    subscription.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(String item) {
                    text.append(item);
                }

                @Override
                public void onError(Throwable throwable) {
                    done.completeExceptionally(throwable);
                }

                @Override
                public void onComplete() {
                    done.complete(text.toString());
                }
            });
            assertEquals(expected, done.get(60, TimeUnit.SECONDS));
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void twoSlotsGiveTheSameTokensAsOneAndAThirdRequestIsRefused() throws Exception {
        Sampling sampling = Sampling.seeded(77).withTemperature(1.0f).withMaxTokens(24);
        String expected = generator.complete("sluice", sampling).text();
        try (LlamaGenerator two = LlamaGenerator.open(
                LlamaConfig.of(model).withContextSize(512).withThreads(1).withParallelSlots(2, Duration.ZERO))) {
            assertEquals(256, two.contextPerSlot());
            try (TokenStream a = two.stream("sluice", sampling);
                    TokenStream b = two.stream("sluice", sampling)) {
                SluiceException busy = assertThrows(SluiceException.class, () -> two.stream("x", sampling));
                assertTrue(busy.getMessage().contains("all 2 slots"), busy.getMessage());
                CompletableFuture<String> other = CompletableFuture.supplyAsync(() -> drain(b));
                assertEquals(expected, drain(a));
                assertEquals(expected, other.get(60, TimeUnit.SECONDS));
            }
        }
    }

    private static String drain(TokenStream stream) {
        StringBuilder text = new StringBuilder();
        while (stream.hasNext()) {
            text.append(stream.next());
        }
        return text.toString();
    }

    @Test
    void useAfterCloseThrowsAndCloseIsIdempotent() {
        LlamaGenerator own =
                LlamaGenerator.open(LlamaConfig.of(model).withContextSize(256).withThreads(1));
        String expected = own.complete("a", Sampling.greedy().withMaxTokens(4)).text();
        assertEquals(
                expected,
                generator.complete("a", Sampling.greedy().withMaxTokens(4)).text());
        own.close();
        own.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> own.complete("a", Sampling.greedy()));
        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> own.tokenize("a"));
        assertNotEquals(null, generator.complete("a", Sampling.greedy().withMaxTokens(2)));
    }

    @Test
    void closeWhileGeneratingCancelsTheStream() throws Exception {
        LlamaGenerator own =
                LlamaGenerator.open(LlamaConfig.of(model).withContextSize(256).withThreads(1));
        TokenStream stream =
                own.stream("The", Sampling.seeded(3).withTemperature(1.5f).withMaxTokens(200));
        CompletableFuture<Completion> result = CompletableFuture.supplyAsync(() -> {
            drain(stream);
            return stream.result();
        });
        own.close();
        Completion c = result.get(60, TimeUnit.SECONDS);
        assertTrue(c.finishReason() == FinishReason.CANCELLED || c.completionTokens() < 200, c.toString());
        stream.close();
        assertThrows(IllegalStateException.class, () -> own.stream("a", Sampling.greedy()));
    }

    @Test
    void identityNamesRuntimeArchitectureAndFileHash() {
        assertTrue(
                generator.identity().key().startsWith("llama.cpp:llama/sluice-tiny@sha256:"),
                generator.identity().key());
    }
}
