package dev.sluice.inference.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sluice.core.BadInputException;
import dev.sluice.fixtures.ForkedJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokenizer files that made the Rust tokenizer library panic inside its JNI call, which aborts the JVM (exit 134,
 * "failed to initiate panic"), each given to an embedder in a fresh JVM: every one must end in a clean
 * {@link BadInputException} naming the file, and the JVM must live on.
 */
class ForkedTokenizerLoadTest {
    @TempDir
    Path dir;

    /** The forked side: builds an embedder with each tokenizer in turn and says how it went, one line each. */
    public static final class Loader {
        private Loader() {}

        /** @param args the model file, then tokenizer files */
        public static void main(String[] args) {
            Path model = Path.of(args[0]);
            for (int i = 1; i < args.length; i++) {
                Path tokenizer = Path.of(args[i]);
                String name = tokenizer.getFileName().toString();
                try (OnnxEmbedder embedder =
                        OnnxEmbedder.builder(model, tokenizer).build()) {
                    System.out.println("LOADED " + name + " " + embedder.dimension());
                } catch (BadInputException e) {
                    System.out.println("REJECTED " + name + ": " + e.getMessage());
                } catch (RuntimeException e) {
                    System.out.println("UNEXPECTED " + name + ": " + e);
                }
            }
            System.exit(0);
        }
    }

    @Test
    void tokenizersThatAbortedTheJvmAreRejectedCleanly() throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("empty-vocab", minilm(m -> m.getAsJsonObject("model").add("vocab", new JsonObject())));
        files.put(
                "template-without-cls",
                minilm(m -> m.getAsJsonObject("post_processor")
                        .getAsJsonObject("special_tokens")
                        .remove("[CLS]")));
        files.put("wordlevel-empty", "{\"model\":{\"type\":\"WordLevel\",\"vocab\":{},\"unk_token\":\"[UNK]\"}}");
        files.put("unigram-empty", "{\"model\":{\"type\":\"Unigram\",\"vocab\":[],\"unk_id\":null}}");
        files.put("unigram-without-unk", "{\"model\":{\"type\":\"Unigram\",\"vocab\":[[\"a\",-1.0]],\"unk_id\":null}}");
        files.put("bpe-empty", "{\"model\":{\"type\":\"BPE\",\"vocab\":{},\"merges\":[]}}");
        List<String> args =
                new ArrayList<>(List.of(MiniLm.MODEL.toAbsolutePath().toString()));
        for (Map.Entry<String, String> file : files.entrySet()) {
            args.add(Files.writeString(dir.resolve(file.getKey() + ".json"), file.getValue())
                    .toAbsolutePath()
                    .toString());
        }
        args.add(MiniLm.TOKENIZER.toAbsolutePath().toString()); // and the real one still loads

        ForkedJvm.Result result = ForkedJvm.run(dir, Loader.class, args.toArray(String[]::new));

        assertFalse(result.crashed(), "the JVM crashed: " + result);
        assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
        List<String> lines =
                result.stdout().lines().filter(l -> !l.startsWith("SLF4J")).toList();
        assertEquals(files.size() + 1, lines.size(), result.stdout());
        for (String name : files.keySet()) {
            assertTrue(
                    lines.stream()
                            .anyMatch(l -> l.startsWith("REJECTED " + name + ".json: tokenizer file ")
                                    && l.contains(name + ".json")),
                    name + " not rejected cleanly:\n" + result.stdout());
        }
        assertTrue(lines.getLast().startsWith("LOADED all-minilm-l6-v2-tokenizer.json 384"), result.stdout());
    }

    private static String minilm(java.util.function.Consumer<JsonObject> change) throws IOException {
        JsonObject tokenizer =
                JsonParser.parseString(Files.readString(MiniLm.TOKENIZER)).getAsJsonObject();
        change.accept(tokenizer);
        return tokenizer.toString();
    }
}
