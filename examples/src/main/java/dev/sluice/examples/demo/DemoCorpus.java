package dev.sluice.examples.demo;

import dev.sluice.core.BadInputException;
import dev.sluice.examples.corpus.JdkJavadocCorpus;
import dev.sluice.examples.corpus.JdkJavadocCorpus.Passage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The demo's corpus: the paragraphs of the project's own documentation ({@code README.md} and {@code docs/*.md},
 * when the repository is known) followed by Javadoc passages of the JDK's {@code java.base}, taken in equal shares
 * (evenly spaced through each package) from a few packages that newcomers ask about (language basics, collections, concurrency, streams, files, time, networking), so that a small
 * corpus still covers them. Deterministic: the same files give the same passages in the same order.
 *
 * <p>Cost: one pass over {@code src.zip} (a second or two); stateless.
 */
public final class DemoCorpus {
    /** The {@code java.base} folders the Javadoc share is taken from, in equal parts. */
    static final List<String> JDK_PACKAGES = List.of(
            "java.base/java/lang/",
            "java.base/java/util/",
            "java.base/java/util/concurrent/",
            "java.base/java/io/",
            "java.base/java/nio/file/",
            "java.base/java/time/",
            "java.base/java/net/",
            "java.base/java/util/stream/");

    /** How many passages are read from the zip before the shares are picked from them. */
    private static final int JDK_POOL = 40_000;

    private static final int MIN_PARAGRAPH_WORDS = 8;
    private static final Pattern MARKUP = Pattern.compile("[`*#>|]+|\\[([^]]*)]\\([^)]*\\)");
    private static final Pattern LIST_MARKER = Pattern.compile("^([-+]|\\d+\\.)\\s+");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private DemoCorpus() {}

    /**
     * Loads the corpus.
     *
     * @param srcZip the JDK's {@code lib/src.zip}
     * @param repository the repository root whose {@code README.md} and {@code docs/} are read; {@code null} for
     *     none
     * @param maxPassages the most passages in all, at least 1
     * @return the passages, documentation first
     * @throws BadInputException if {@code maxPassages < 1} or the zip cannot be read
     */
    public static List<Passage> load(Path srcZip, Path repository, int maxPassages) {
        if (maxPassages < 1) {
            throw new BadInputException("the corpus needs at least 1 passage, got " + maxPassages);
        }
        List<Passage> passages = new ArrayList<>(maxPassages);
        if (repository != null) {
            for (Path doc : documentation(repository)) {
                passages.addAll(paragraphs(repository, doc));
            }
            if (passages.size() > maxPassages / 2) {
                passages = new ArrayList<>(passages.subList(0, maxPassages / 2));
            }
        }
        int wanted = maxPassages - passages.size();
        List<Passage> pool = JdkJavadocCorpus.load(srcZip, Math.max(JDK_POOL, wanted));
        List<List<Passage>> byPackage = new ArrayList<>();
        for (String prefix : JDK_PACKAGES) {
            // a package's own files only: java/util/ takes no file of java/util/concurrent/
            byPackage.add(pool.stream()
                    .filter(p ->
                            p.documentId().startsWith(prefix) && p.documentId().indexOf('/', prefix.length()) < 0)
                    .toList());
        }
        // smallest packages first, so that what they cannot fill goes to the larger ones
        byPackage.sort(Comparator.comparingInt(List::size));
        for (int i = 0; i < byPackage.size(); i++) {
            List<Passage> share = byPackage.get(i);
            int quota = Math.min(share.size(), wanted / (byPackage.size() - i));
            // evenly spaced through the package, so that its passages come from all of its files
            for (int j = 0; j < quota; j++) {
                passages.add(share.get((int) ((long) j * share.size() / quota)));
            }
            wanted -= quota;
        }
        return List.copyOf(passages);
    }

    private static List<Path> documentation(Path repository) {
        List<Path> files = new ArrayList<>();
        Path readme = repository.resolve("README.md");
        if (Files.isRegularFile(readme)) {
            files.add(readme);
        }
        Path docs = repository.resolve("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> list = Files.list(docs)) {
                list.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new BadInputException("cannot list " + docs + ": " + e.getMessage(), e);
            }
        }
        return files;
    }

    /** The prose paragraphs of a Markdown file, without code blocks, tables and markup. */
    static List<Passage> paragraphs(Path repository, Path file) {
        String documentId = repository.relativize(file).toString().replace('\\', '/');
        List<Passage> out = new ArrayList<>();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        boolean inCode = false;
        StringBuilder paragraph = new StringBuilder();
        for (String line : (text + "\n\n").split("\n", -1)) {
            String stripped = line.strip();
            if (stripped.startsWith("```")) {
                inCode = !inCode;
                paragraph.setLength(0);
                continue;
            }
            if (inCode || stripped.startsWith("|") || stripped.startsWith("#") || stripped.startsWith("<")) {
                continue;
            }
            if (!stripped.isEmpty()) {
                paragraph.append(LIST_MARKER.matcher(stripped).replaceFirst("")).append(' ');
                continue;
            }
            String prose = WHITESPACE
                    .matcher(MARKUP.matcher(paragraph).replaceAll("$1"))
                    .replaceAll(" ")
                    .strip();
            paragraph.setLength(0);
            if (prose.split(" ").length >= MIN_PARAGRAPH_WORDS) {
                out.add(new Passage(documentId + "#" + out.size(), documentId, prose));
            }
        }
        return out;
    }
}
