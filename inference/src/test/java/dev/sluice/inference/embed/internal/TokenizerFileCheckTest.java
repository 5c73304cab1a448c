package dev.sluice.inference.embed.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sluice.core.BadInputException;
import dev.sluice.inference.embed.ModelFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crafted {@code tokenizer.json} files: each bad one is refused in Java with a message that names the file and the
 * problem, before the native tokenizer library sees it. The files that made the library abort the JVM (exit 134) are
 * also loaded in a forked JVM, see {@code ForkedTokenizerLoadTest}.
 */
class TokenizerFileCheckTest {
    static final Path TOKENIZER =
            ModelFiles.extractResource("all-minilm-l6-v2-tokenizer.json", Path.of("target", "test-models"));
    static final Path MODEL = ModelFiles.extractResource("all-minilm-l6-v2.onnx", Path.of("target", "test-models"));
    static final int MINILM_VOCABULARY = 30522;

    @TempDir
    Path dir;

    @Test
    void theRealTokenizerPassesWithAndWithoutTheModelsVocabularySize() {
        TokenizerFileCheck.check(TOKENIZER, -1);
        TokenizerFileCheck.check(TOKENIZER, MINILM_VOCABULARY);
    }

    @Test
    void theVocabularySizeIsReadFromTheOnnxModelsWordEmbedding() {
        OnnxFileCheck.check(MODEL);
        assertEquals(MINILM_VOCABULARY, OnnxFileCheck.vocabularySize(MODEL));
    }

    @Test
    void emptyVocabulary() throws IOException {
        refused(
                modified(m -> m.getAsJsonObject("model").add("vocab", new JsonObject())),
                -1,
                "has an empty model.vocab");
    }

    @Test
    void missingVocabularyModelAndType() throws IOException {
        refused(modified(m -> m.getAsJsonObject("model").remove("vocab")), -1, "has no model.vocab");
        refused(modified(m -> m.remove("model")), -1, "has no model");
        refused(
                modified(m -> m.getAsJsonObject("model").addProperty("type", "Frobnicate")),
                -1,
                "model type \"Frobnicate\"",
                "cannot load",
                "BPE, WordPiece, WordLevel, Unigram");
    }

    @Test
    void idsThatAreNegativeSharedFractionalOrNotNumbers() throws IOException {
        refused(vocabEntry("the", "-5"), -1, "token id -5 in model.vocab");
        refused(vocabEntry("the", "5"), -1, "gives id 5 to two tokens");
        refused(vocabEntry("the", "1.5"), -1, "the value \"1.5\"", "whole number");
        refused(vocabEntry("the", "\"x\""), -1, "maps token \"the\" in model.vocab to a string");
    }

    @Test
    void idsOutsideTheModelsVocabulary() throws IOException {
        refused(vocabEntry("the", "900000"), MINILM_VOCABULARY, "token id 900000 in model.vocab", "30522 tokens");
        refused(vocabEntry("the", "4000000000"), MINILM_VOCABULARY, "does not fit the model", "4000000000");
        Path added = modified(m -> {
            JsonObject token = new JsonObject();
            token.addProperty("id", 999_999);
            token.addProperty("content", "[ZZZ]");
            m.getAsJsonArray("added_tokens").add(token);
        });
        refused(added, MINILM_VOCABULARY, "token id 999999 in added_tokens");
        TokenizerFileCheck.check(added, -1); // an added token may lie past the vocabulary when its size is unknown
        refused(
                modified(m -> m.getAsJsonObject("padding").addProperty("pad_id", 999_999)),
                MINILM_VOCABULARY,
                "padding.pad_id");
        refused(
                modified(m -> {
                    JsonArray ids = new JsonArray();
                    ids.add(999_999);
                    m.getAsJsonObject("post_processor")
                            .getAsJsonObject("special_tokens")
                            .getAsJsonObject("[CLS]")
                            .add("ids", ids);
                }),
                MINILM_VOCABULARY,
                "post_processor.special_tokens");
    }

    @Test
    void withoutTheModelsVocabularySizeTheIdsMustBeDense() throws IOException {
        Path gap = modified(m -> {
            JsonObject vocab = m.getAsJsonObject("model").getAsJsonObject("vocab");
            vocab.remove("the");
            vocab.addProperty("the", 40_000);
        });
        refused(gap, -1, "ids up to 40000", "must be 0 to 30521");
        refused(gap, MINILM_VOCABULARY, "token id 40000");
        TokenizerFileCheck.check(gap, 50_000); // a model with that many rows takes it
    }

    @Test
    void templateThatUsesAnUndefinedSpecialToken() throws IOException {
        refused(
                modified(m -> m.getAsJsonObject("post_processor")
                        .getAsJsonObject("special_tokens")
                        .remove("[CLS]")),
                -1,
                "uses special token \"[CLS]\"",
                "special_tokens do not define it");
    }

    @Test
    void unknownTokensThatTheModelCannotProduce() throws IOException {
        refused(
                modified(m -> m.getAsJsonObject("model").addProperty("unk_token", "[NOPE]")),
                -1,
                "unknown token \"[NOPE]\" is not in model.vocab");
        refused(
                write(
                        "unigram-no-unk.json",
                        "{\"model\":{\"type\":\"Unigram\",\"vocab\":[[\"a\",-1.0]],\"unk_id\":null}}"),
                -1,
                "Unigram model without a model.unk_id");
        refused(
                write(
                        "unigram-unk-past.json",
                        "{\"model\":{\"type\":\"Unigram\",\"vocab\":[[\"a\",-1.0]],\"unk_id\":3}}"),
                -1,
                "model.unk_id 3");
        TokenizerFileCheck.check(
                write(
                        "unigram.json",
                        "{\"model\":{\"type\":\"Unigram\",\"vocab\":[[\"<unk>\",0],[\"a\",-1.5]],\"unk_id\":0}}"),
                -1);
    }

    @Test
    void vocabularyOfTheWrongShape() throws IOException {
        refused(
                write("wordlevel-list.json", "{\"model\":{\"type\":\"WordLevel\",\"vocab\":[[\"a\",0]]}}"),
                -1,
                "WordLevel model whose vocab is a list");
        refused(
                write("unigram-object.json", "{\"model\":{\"type\":\"Unigram\",\"vocab\":{\"a\":0},\"unk_id\":0}}"),
                -1,
                "Unigram model whose vocab is an object");
        refused(write("vocab-string.json", "{\"model\":{\"type\":\"BPE\",\"vocab\":\"a\"}}"), -1, "a JSON string");
        refused(
                write("unigram-entry.json", "{\"model\":{\"type\":\"Unigram\",\"vocab\":[[\"a\"]],\"unk_id\":0}}"),
                -1,
                "model.vocab entry 0");
    }

    @Test
    void truncationThatLeavesNoRoom() throws IOException {
        refused(
                modified(m -> m.getAsJsonObject("truncation").addProperty("max_length", 0)),
                -1,
                "truncation.max_length 0");
    }

    @Test
    void filesThatAreNotTokenizerJson() throws IOException {
        refused(write("empty.json", ""), -1, "ends before its JSON does");
        refused(write("text.json", "hello {"), -1, "is not valid JSON");
        refused(write("list.json", "[1, 2]"), -1, "is a JSON list");
        refused(write("two.json", "{\"model\":null} {}"), -1, "is not valid JSON");
        refused(write("cut.json", Files.readString(TOKENIZER).substring(0, 5000)), -1, "is not valid JSON");
        String deep = "{\"model\":" + "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_001);
        refused(write("deep.json", deep), -1, "is not valid JSON", "esting"); // Gson's nesting limit
        refused(dir.resolve("absent.json"), -1, "does not exist");
        Path latin1 = dir.resolve("latin1.json");
        Files.write(latin1, new byte[] {'{', '"', (byte) 0xE9, '"', ':', '1', '}'});
        refused(latin1, -1, "is not valid JSON");
    }

    @Test
    void everyRefusalNamesTheFile() throws IOException {
        Path file = modified(m -> m.getAsJsonObject("model").add("vocab", new JsonObject()));
        BadInputException e = assertThrows(BadInputException.class, () -> TokenizerFileCheck.check(file, -1));
        assertTrue(e.getMessage().startsWith("tokenizer file " + file + " "), e.getMessage());
    }

    private Path vocabEntry(String token, String idJson) throws IOException {
        return modified(
                m -> m.getAsJsonObject("model").getAsJsonObject("vocab").add(token, JsonParser.parseString(idJson)));
    }

    private Path modified(Consumer<JsonObject> change) throws IOException {
        JsonObject tokenizer =
                JsonParser.parseString(Files.readString(TOKENIZER)).getAsJsonObject();
        change.accept(tokenizer);
        return write("tokenizer-" + System.nanoTime() + ".json", tokenizer.toString());
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static void refused(Path file, long vocabularySize, String... fragments) {
        BadInputException e =
                assertThrows(BadInputException.class, () -> TokenizerFileCheck.check(file, vocabularySize));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' lacks '" + fragment + "'");
        }
    }
}
