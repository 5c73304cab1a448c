package dev.sluice.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.BadInputException;
import dev.sluice.core.CorruptDataException;
import dev.sluice.examples.corpus.JdkJavadocCorpus;
import dev.sluice.examples.corpus.JdkJavadocCorpus.Passage;
import dev.sluice.vector.KeyKind;
import dev.sluice.vector.Similarity;
import dev.sluice.vector.VectorStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoPartsTest {
    @TempDir
    Path dir;

    @Test
    void markdownParagraphsLoseCodeTablesHeadingsAndMarkup() throws Exception {
        Path doc = dir.resolve("docs").resolve("guide.md");
        Files.createDirectories(doc.getParent());
        Files.writeString(doc, """
                # A heading that is skipped

                The `ResultCache` keeps outputs under a **hash** of their inputs, see [formats](formats.md) for the
                layout of every file.

                ```java
                int code = 1; // code blocks are skipped even when long enough to count as a paragraph
                ```

                | a | table | is | skipped | too | even | when | long |

                Short one.

                - a list item that is long enough to be kept as a paragraph
                - and its second item
                """);
        List<Passage> passages = DemoCorpus.paragraphs(dir, doc);
        assertEquals(2, passages.size(), passages::toString);
        assertEquals(
                "a list item that is long enough to be kept as a paragraph and its second item",
                passages.get(1).text());
        assertEquals(
                new Passage(
                        "docs/guide.md#0",
                        "docs/guide.md",
                        "The ResultCache keeps outputs under a hash of"
                                + " their inputs, see formats for the layout of every file."),
                passages.get(0));
    }

    @Test
    void corpusTakesEqualSharesOfThePackagesAndIsDeterministic() {
        Path zip = JdkJavadocCorpus.defaultSourceZip();
        List<Passage> passages = DemoCorpus.load(zip, null, 160);
        assertEquals(160, passages.size());
        Map<String, Long> perPackage = passages.stream()
                .collect(Collectors.groupingBy(
                        p -> p.documentId().substring(0, p.documentId().lastIndexOf('/') + 1), Collectors.counting()));
        assertEquals(
                DemoCorpus.JDK_PACKAGES.stream().collect(Collectors.toMap(Function.identity(), p -> 20L)), perPackage);
        assertEquals(passages, DemoCorpus.load(zip, null, 160));
        assertThrows(BadInputException.class, () -> DemoCorpus.load(zip, null, 0));
    }

    @Test
    void extractiveAnswersAreTheTopPassageCutAtASentenceEnd() {
        assertEquals("Short.", ExtractiveGenerator.trim("Short."));
        String sentence = "This sentence has exactly enough words to matter here. ";
        String trimmed = ExtractiveGenerator.trim(sentence.repeat(20));
        assertTrue(trimmed.length() <= ExtractiveGenerator.MAX_CHARS && trimmed.endsWith("here."), trimmed);
        String words = ExtractiveGenerator.trim("word ".repeat(200));
        assertTrue(words.length() <= ExtractiveGenerator.MAX_CHARS && words.endsWith("word\u2026"), words);
    }

    @Test
    void passageTextsThatDoNotMatchTheIndexAreRejected() {
        List<Passage> passages =
                List.of(new Passage("a#0", "a", "first passage"), new Passage("a#1", "a", "second passage"));
        Path file = dir.resolve("passages.tsv");
        PassageTexts.write(file, passages);
        try (VectorStore store = VectorStore.create("t", 2, Similarity.COSINE, KeyKind.STRING)) {
            store.add("a#0", new float[] {1, 0}, PassageTexts.metadata(passages.get(0)));
            store.add("a#1", new float[] {0, 1}, PassageTexts.metadata(new Passage("a#1", "a", "edited passage")));
            CorruptDataException e = assertThrows(CorruptDataException.class, () -> PassageTexts.open(file, store));
            assertTrue(e.getMessage().contains("line 2 (a#1) does not match row 1"), e.getMessage());
        }
    }
}
