package dev.sluice.inference.gguf;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.BadInputException;
import dev.sluice.core.CorruptDataException;
import dev.sluice.fixtures.GgufWriter;
import dev.sluice.fixtures.TinyLlamaModel;
import dev.sluice.inference.gguf.CraftedCases.Case;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each file llama.cpp b4916 aborts on, refuses, or mishandles at run time ({@link CraftedCases}) is refused in Java
 * with a {@link BadInputException} naming the key or tensor and the reason; the loadable files they derive from pass.
 */
class LlamaCppRulesTest {
    @TempDir
    Path dir;

    private static GgufFile parse(byte[] bytes) {
        return GgufFile.parse(MemorySegment.ofArray(bytes), "crafted.gguf");
    }

    static List<Case> cases() {
        return CraftedCases.all();
    }

    @Test
    void theLoadableModelsPass() {
        CraftedCases.baselines().forEach((name, model) -> {
            GgufFile gguf = parse(model.get().bytes());
            assertDoesNotThrow(gguf::requireLoadable, name);
        });
        CraftedCases.variants().forEach((name, model) -> {
            GgufFile gguf = parse(model.get().bytes());
            assertDoesNotThrow(gguf::requireLoadable, name);
        });
        assertEquals(
                GgufFile.allowedArchitectures(),
                CraftedCases.baselines().keySet().stream()
                        .filter(name -> !name.endsWith("-gpt2"))
                        .sorted()
                        .toList());
        for (GgufWriter.TensorType type : GgufWriter.TensorType.values()) {
            Path file = dir.resolve(type + ".gguf");
            TinyLlamaModel.small().withWeightType(type).write(file);
            GgufFile.read(file).requireLoadable();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusesWhatLlamaCppAbortsOnOrRefuses(Case c) {
        BadInputException e =
                assertThrows(BadInputException.class, () -> parse(c.bytes()).requireLoadable());
        assertInstanceOf(CorruptDataException.class, e);
        assertTrue(
                e.getMessage().contains(c.message()),
                c.name() + ": expected '" + c.message() + "' in: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("GGUF file crafted.gguf "), e.getMessage());
    }

    @Test
    void mutatedLoadableFilesEitherLoadOrGiveCorruptDataException() {
        byte[] valid = CraftedGguf.tinyLlama().bytes();
        int headerBytes = (int) parse(valid).tensors().getFirst().offsetBytes();
        java.util.SplittableRandom random = new java.util.SplittableRandom(13);
        int refused = 0;
        for (int i = 0; i < 2000; i++) {
            byte[] bytes = valid.clone();
            int at = random.nextInt(headerBytes - 8);
            switch (random.nextInt(3)) {
                case 0 -> bytes[at] = (byte) random.nextInt(256);
                case 1 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
                default ->
                    RawGguf.le(8).putLong(random.nextLong(-2, 3000)).flip().get(bytes, at, 8);
            }
            try {
                parse(bytes).requireLoadable();
            } catch (CorruptDataException expected) {
                refused++;
            } catch (RuntimeException e) {
                throw new AssertionError("seed 13, mutation " + i + " at " + at + " threw " + e, e);
            }
        }
        assertTrue(refused > 1000, "refused " + refused);
    }

    @Test
    void casesAreDistinctAndEachIsOneChangeFromALoadableFile() {
        Set<String> names = new HashSet<>();
        for (Case c : cases()) {
            assertTrue(names.add(c.name()), c.name());
        }
        assertTrue(cases().size() >= 35, "cases: " + cases().size());
    }

    @Test
    void theFiveCasesThatAbortedTheJvmAreRefusedByReadAlone() {
        for (Case c : cases().subList(0, 5)) {
            CorruptDataException e = assertThrows(CorruptDataException.class, () -> parse(c.bytes()), c.name());
            assertTrue(e.getMessage().contains(c.message()), e.getMessage());
        }
    }

    @Test
    void readAloneStillAcceptsConsistentFilesThatAreNotLoadable() {
        // the minimal hand-written model has a token embedding only: inspectable, not loadable
        GgufFile minimal = parse(RawGguf.validLlama().build());
        CorruptDataException e = assertThrows(CorruptDataException.class, minimal::requireLoadable);
        assertTrue(e.getMessage().contains("has no token for byte 0x00"), e.getMessage());
    }

    @Test
    void anEmptyTokenCountsAsLlamaCppNamesIt() {
        List<String> tokens = CraftedGguf.tinyLlama().tokens();
        tokens.set(300, "");
        tokens.set(301, "[EMPTY_300]");
        CorruptDataException e = assertThrows(
                CorruptDataException.class,
                () -> parse(CraftedGguf.tinyLlama()
                        .strings("tokenizer.ggml.tokens", tokens)
                        .bytes()));
        assertTrue(
                e.getMessage().contains("'[EMPTY_300]' twice in tokenizer.ggml.tokens (ids 300 and 301"),
                e.getMessage());
        tokens.set(301, "[EMPTY_301]"); // another id's name: no clash
        parse(CraftedGguf.tinyLlama().strings("tokenizer.ggml.tokens", tokens).bytes())
                .requireLoadable();
    }

    /** A template in the style of real tool-calling templates: macros, loops, filters, tests, nested subscripts. */
    static final String REAL_TEMPLATE = """
            {%- macro render(content) -%}{%- if content is string -%}{{ content | trim }}{%- else -%}\
            {%- for part in content -%}{%- if part['type'] == 'text' -%}{{ part['text'] }}{%- endif -%}{%- endfor -%}\
            {%- endif -%}{%- endmacro -%}
            {%- set system = messages[0]['content'] if messages[0]['role'] == 'system' else 'You are helpful.' -%}
            {{- bos_token + '<|im_start|>system\n' + render(system) -}}
            {%- if tools is defined and tools | length > 0 -%}{{- '\n# Tools\n' -}}{%- for tool in tools -%}\
            {{- '\n' + tool | tojson(indent=2) -}}{%- endfor -%}{%- endif -%}{{- '<|im_end|>\n' -}}
            {%- for message in messages[1:] if message['role'] != 'system' -%}
              {%- if message['role'] == 'assistant' and message.tool_calls is defined and not (message.content) -%}
                {%- for call in message.tool_calls -%}{{- '<tool_call>' + (call.function | tojson) + '</tool_call>' -}}\
            {%- endfor -%}
              {%- elif message['role'] in ['user', 'assistant', 'tool'] -%}
                {{- '<|im_start|>' + message['role'] + '\n' + render(message['content']) + '<|im_end|>\n' -}}
              {%- else -%}{{- raise_exception('Unknown role: ' ~ message['role']) -}}{%- endif -%}
            {%- endfor -%}
            {%- if add_generation_prompt -%}{{- '<|im_start|>assistant\n' -}}{%- endif -%}
            {# a comment with {{ braces }} and {% tags %} #}{% raw %}{{ not parsed }}{% endraw %}
            """;

    @Test
    void realisticChatTemplatesPass() {
        parse(CraftedGguf.tinyLlama()
                        .string("tokenizer.chat_template", REAL_TEMPLATE)
                        .string("tokenizer.chat_template.tool_use", REAL_TEMPLATE)
                        .bytes())
                .requireLoadable();
        parse(CraftedGguf.tinyLlama()
                        .string("tokenizer.chat_template", TinyLlamaModel.CHAT_TEMPLATE)
                        .bytes())
                .requireLoadable();
    }

    @Test
    void perBlockArraysOfOneValueAreAccepted() {
        parse(CraftedGguf.tinyLlama()
                        .i32s("llama.attention.head_count", new int[] {4, 4})
                        .i32s("llama.feed_forward_length", new int[] {128, 128})
                        .bytes())
                .requireLoadable();
        CorruptDataException e = assertThrows(
                CorruptDataException.class,
                () -> parse(CraftedGguf.tinyLlama()
                        .i32s("llama.feed_forward_length", new int[] {128, 256})
                        .bytes()));
        assertTrue(e.getMessage().contains("one value from 1 to"), e.getMessage());
    }

    @Test
    void aGpt2VocabularyWithItsMergesIsAcceptedAndTheMergesAreNotKept() {
        GgufFile gguf = parse(CraftedGguf.tinyLlama()
                .string("tokenizer.ggml.model", "gpt2")
                .string("tokenizer.ggml.pre", "llama-bpe")
                .strings("tokenizer.ggml.merges", java.util.Collections.nCopies(5000, "a b"))
                .bytes());
        gguf.requireLoadable();
        assertEquals(new GgufSkippedArray("string", 5000), gguf.metadata().get("tokenizer.ggml.merges"));
        assertTrue(gguf.toJson().contains("\"tokenizer.ggml.merges\": {\"arrayLength\": 5000}"), gguf.toJson());
    }

    @Test
    void theVocabularyScoresAndTypesAreKeptWhole() {
        GgufFile gguf = parse(CraftedGguf.tinyLlama().bytes());
        List<String> expected = TinyLlamaModel.vocabulary();
        assertEquals(expected, gguf.tokens());
        assertEquals(expected.size(), ((List<?>) gguf.metadata().get("tokenizer.ggml.scores")).size());
        assertEquals(6L, ((List<?>) gguf.metadata().get("tokenizer.ggml.token_type")).get(10));
        assertNull(gguf.metadata().get("tokenizer.ggml.merges"));
        assertFalse(gguf.toJson().isEmpty());
    }
}
