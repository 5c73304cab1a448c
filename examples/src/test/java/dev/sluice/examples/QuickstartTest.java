package dev.sluice.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.examples.corpus.JdkJavadocCorpus;
import dev.sluice.examples.demo.AskFlow.Answer;
import dev.sluice.examples.demo.DemoData;
import dev.sluice.pipeline.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickstartTest {
    @TempDir
    Path dir;

    @Test
    void theReadmeQuotesTheQuickstartVerbatim() throws Exception {
        List<String> source = Files.readAllLines(Path.of("src/main/java/dev/sluice/examples/Quickstart.java"));
        int begin = source.indexOf("        // README: begin");
        int end = source.indexOf("        // README: end");
        assertTrue(begin > 0 && end > begin);
        String snippet = source.subList(begin + 1, end).stream()
                .map(line -> line.length() >= 8 ? line.substring(8) : line.strip())
                .collect(Collectors.joining("\n"));
        String readme = Files.readString(Path.of("../README.md"));
        assertTrue(
                readme.contains(snippet), "README.md must quote Quickstart.ask verbatim (dedented by 8):\n" + snippet);
    }

    @Test
    void answersOverADemoFolderAndTheSecondAskHitsTheCache() {
        try (DemoData built =
                DemoData.openOrBuild(dir, 40, JdkJavadocCorpus.defaultSourceZip(), null, DemoData.Progress.NONE)) {
            assertTrue(built.built());
        }
        RunResult<Answer> first = Quickstart.ask(dir, "How do I read a file?");
        assertEquals(3, first.value().sources().size());
        assertFalse(first.value().text().isBlank());
        assertFalse(first.anyCacheHit());
        RunResult<Answer> second = Quickstart.ask(dir, "How do I read a file?");
        assertTrue(second.anyCacheHit());
        assertEquals(first.outputHash(), second.outputHash());
    }
}
