package dev.sluice.examples.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.core.BadInputException;
import dev.sluice.examples.corpus.JdkJavadocCorpus.Passage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdkJavadocCorpusTest {
    private static Path srcZip() {
        Path zip = JdkJavadocCorpus.defaultSourceZip();
        assumeTrue(Files.isRegularFile(zip), "this JDK has no " + zip);
        return zip;
    }

    @Test
    void readsDistinctPlainPassagesWithStableIds() {
        List<Passage> passages = JdkJavadocCorpus.load(srcZip(), 2_000);
        assertEquals(2_000, passages.size());
        Set<String> texts = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (Passage p : passages) {
            assertTrue(texts.add(p.text()), "repeated passage " + p.text());
            assertTrue(ids.add(p.id()), "repeated id " + p.id());
            assertTrue(p.id().startsWith(p.documentId() + "#"), p.id());
            assertTrue(p.documentId().startsWith("java.base/") && p.documentId().endsWith(".java"));
            assertFalse(p.text().contains("{@"), p.text());
            assertFalse(p.text().contains("<p>"), p.text());
            assertFalse(p.text().startsWith("*"), p.text());
            assertFalse(p.text().contains("@param"), p.text());
            assertTrue(p.text().split(" ").length >= 6, p.text());
        }
    }

    @Test
    void sameZipGivesSamePassagesInSameOrder() {
        Path zip = srcZip();
        List<Passage> first = JdkJavadocCorpus.load(zip, 500);
        assertEquals(first, JdkJavadocCorpus.load(zip, 500));
        assertEquals(first.subList(0, 100), JdkJavadocCorpus.load(zip, 100));
    }

    @Test
    void plainTextKeepsInlineTagTextAndDropsMarkupAndBlockTags() {
        String body = """
                 * Returns the {@code size} of this <b>list</b>, see {@link java.util.List#add the add method}
                 * and {@link Map#get}; 1 &lt; 2.
                 *
                 * @param x ignored
                 * @return the size
                """;
        assertEquals(
                "Returns the size of this list , see the add method and Map.get; 1 < 2.",
                JdkJavadocCorpus.plainText(body));
    }

    @Test
    void rejectsMissingFileAndNonPositiveCount(@TempDir Path dir) throws IOException {
        BadInputException missing =
                assertThrows(BadInputException.class, () -> JdkJavadocCorpus.load(dir.resolve("src.zip"), 10));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        BadInputException count =
                assertThrows(BadInputException.class, () -> JdkJavadocCorpus.load(dir.resolve("src.zip"), 0));
        assertTrue(count.getMessage().contains("was 0"), count.getMessage());
        Path notZip = Files.writeString(dir.resolve("not.zip"), "plain text");
        assertThrows(BadInputException.class, () -> JdkJavadocCorpus.load(notZip, 10));
    }
}
