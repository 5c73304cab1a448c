package dev.sluice.examples.corpus;

import dev.sluice.core.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * English passages of one to three sentences taken from the Javadoc comments of the {@code java.base} sources in the
 * JDK's {@code lib/src.zip}: a real, license-clean corpus of tens of thousands of passages that every JDK has on
 * disk.
 *
 * <p>Each <code>/** ... *&#47;</code> comment loses its leading asterisks, its block tags ({@code @param}, {@code @return}
 * and the rest, from the first one on), its HTML tags and entities; inline tags keep their text ({@code {@code x}}
 * becomes {@code x}, {@code {@link List#add label}} becomes {@code label}). The text is cut into sentences, and
 * neighbouring sentences are joined until a passage holds at least {@value #MIN_WORDS_TO_CLOSE} words or three
 * sentences. Passages shorter than {@value #MIN_WORDS} words and repeats of an earlier passage are dropped.
 *
 * <p><b>Determinism.</b> Source files are read in the order of their names, comments in file order, so the same
 * {@code src.zip} always gives the same passages in the same order, with the same ids.
 *
 * <p><b>Cost.</b> One pass over the {@code java.base} entries of the zip, stopping when enough passages are found:
 * about a second for 20,000 passages. Stateless and thread-safe.
 */
public final class JdkJavadocCorpus {
    /** The folder of the module whose sources are read, inside {@code src.zip}. */
    public static final String MODULE_PREFIX = "java.base/";

    private static final int MIN_WORDS = 6;
    private static final int MIN_WORDS_TO_CLOSE = 20;
    private static final int MAX_SENTENCES = 3;

    private static final Pattern COMMENT = Pattern.compile("/\\*\\*(.*?)\\*/", Pattern.DOTALL);
    private static final Pattern LINE_START = Pattern.compile("(?m)^\\s*\\*+ ?");
    private static final Pattern BLOCK_TAG = Pattern.compile("(?m)^\\s*@\\w+");
    private static final Pattern PRE_BLOCK = Pattern.compile("(?is)<pre>.*?</pre>");
    private static final Pattern LINK_WITH_LABEL =
            Pattern.compile("\\{@(?:link|linkplain)\\s+[^\\s({}]+(?:\\([^)]*\\))?\\s+([^{}]+)}");
    private static final Pattern INLINE_TAG = Pattern.compile("\\{@\\w+\\s*([^{}]*)}");
    private static final Pattern HTML_TAG = Pattern.compile("<[^>]*>");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+(?=[A-Z])");

    private JdkJavadocCorpus() {}

    /**
     * One passage of the corpus.
     *
     * @param id stable identifier: the document id, {@code #}, and the passage's ordinal within the document
     * @param documentId the source file inside {@code src.zip}, such as {@code java.base/java/util/List.java}
     * @param text one to three sentences of plain English text
     */
    public record Passage(String id, String documentId, String text) {}

    /** @return {@code lib/src.zip} of the running JDK (which may not exist: some JDK images leave it out) */
    public static Path defaultSourceZip() {
        return Path.of(System.getProperty("java.home"), "lib", "src.zip");
    }

    /**
     * Reads passages from the {@code java.base} sources of a JDK source zip.
     *
     * @param srcZip the JDK's {@code lib/src.zip}
     * @param maxPassages how many passages to return at most; fewer only when the sources hold fewer
     * @return the first {@code maxPassages} distinct passages, in a deterministic order
     * @throws BadInputException if {@code maxPassages} is not positive, or the file is missing, not a zip, or holds
     *     no {@code java.base} sources
     */
    public static List<Passage> load(Path srcZip, int maxPassages) {
        if (maxPassages <= 0) {
            throw new BadInputException("maxPassages must be positive, was " + maxPassages);
        }
        if (!Files.isRegularFile(srcZip)) {
            throw new BadInputException("JDK source zip " + srcZip + " does not exist; install the JDK's src.zip"
                    + " (for example the openjdk-*-source package) or name another file");
        }
        List<Passage> passages = new ArrayList<>(Math.min(maxPassages, 1 << 16));
        Set<String> seen = new HashSet<>();
        try (ZipFile zip = new ZipFile(srcZip.toFile(), StandardCharsets.UTF_8)) {
            List<? extends ZipEntry> sources = zip.stream()
                    .filter(e -> !e.isDirectory()
                            && e.getName().startsWith(MODULE_PREFIX)
                            && e.getName().endsWith(".java"))
                    .sorted(Comparator.comparing(ZipEntry::getName))
                    .toList();
            if (sources.isEmpty()) {
                throw new BadInputException(srcZip + " holds no " + MODULE_PREFIX + "*.java sources");
            }
            for (ZipEntry entry : sources) {
                String source;
                try (InputStream in = zip.getInputStream(entry)) {
                    source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                if (addPassages(entry.getName(), source, maxPassages, seen, passages)) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new BadInputException("cannot read JDK source zip " + srcZip + ": " + e.getMessage(), e);
        }
        return List.copyOf(passages);
    }

    /** Adds the passages of one source file; returns whether {@code maxPassages} is reached. */
    private static boolean addPassages(
            String documentId, String source, int maxPassages, Set<String> seen, List<Passage> out) {
        int ordinal = 0;
        Matcher comment = COMMENT.matcher(source);
        while (comment.find()) {
            List<String> sentences = sentences(plainText(comment.group(1)));
            StringBuilder passage = new StringBuilder();
            int sentencesInPassage = 0;
            for (int i = 0; i < sentences.size(); i++) {
                if (!passage.isEmpty()) {
                    passage.append(' ');
                }
                passage.append(sentences.get(i));
                sentencesInPassage++;
                boolean last = i == sentences.size() - 1;
                if (last || sentencesInPassage == MAX_SENTENCES || wordCount(passage) >= MIN_WORDS_TO_CLOSE) {
                    String text = passage.toString();
                    if (wordCount(passage) >= MIN_WORDS && !text.contains("{@") && seen.add(text)) {
                        out.add(new Passage(documentId + "#" + ordinal++, documentId, text));
                        if (out.size() == maxPassages) {
                            return true;
                        }
                    }
                    passage.setLength(0);
                    sentencesInPassage = 0;
                }
            }
        }
        return false;
    }

    /** The description of one comment body as one line of plain text, without tags, markup or asterisks. */
    static String plainText(String commentBody) {
        String text = LINE_START.matcher(commentBody).replaceAll("");
        Matcher blockTag = BLOCK_TAG.matcher(text);
        if (blockTag.find()) {
            text = text.substring(0, blockTag.start());
        }
        text = PRE_BLOCK.matcher(withoutSnippets(text)).replaceAll(" ");
        text = LINK_WITH_LABEL.matcher(text).replaceAll("$1");
        String previous;
        do { // inline tags may nest, such as {@code {@literal x}}: strip from the inside out
            previous = text;
            text = INLINE_TAG
                    .matcher(text)
                    .replaceAll(m -> Matcher.quoteReplacement(m.group(1).replace('#', '.')));
        } while (!text.equals(previous));
        text = HTML_TAG.matcher(text).replaceAll(" ");
        text = text.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&nbsp;", " ")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
        return WHITESPACE.matcher(text).replaceAll(" ").strip();
    }

    /** Removes each {@code {@snippet ...}} with its body, which may hold balanced braces. */
    private static String withoutSnippets(String text) {
        StringBuilder kept = new StringBuilder(text.length());
        int from = 0;
        int start;
        while ((start = text.indexOf("{@snippet", from)) >= 0) {
            kept.append(text, from, start);
            int depth = 0;
            int end = start;
            while (end < text.length()) {
                char c = text.charAt(end++);
                if (c == '{') {
                    depth++;
                } else if (c == '}' && --depth == 0) {
                    break;
                }
            }
            from = end;
        }
        return kept.append(text, from, text.length()).toString();
    }

    private static List<String> sentences(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        return List.of(SENTENCE_END.split(text));
    }

    private static int wordCount(CharSequence text) {
        int words = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            boolean space = text.charAt(i) == ' ';
            if (!space && !inWord) {
                words++;
            }
            inWord = !space;
        }
        return words;
    }
}
