package dev.sluice.examples.demo;

import dev.sluice.core.BadInputException;
import dev.sluice.core.CorruptDataException;
import dev.sluice.core.hash.ContentHash;
import dev.sluice.examples.corpus.JdkJavadocCorpus.Passage;
import dev.sluice.rag.SnippetTexts;
import dev.sluice.vector.Metadata;
import dev.sluice.vector.VectorStore;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The texts of the indexed passages, which the vector store does not hold: a UTF-8 file with one passage per line,
 * {@code key TAB documentId TAB text} (passage texts are single-spaced lines without tabs). Each row of the store
 * carries the SHA-256 of its text as its snippet hash, so opening checks every text against the index it belongs to.
 *
 * <p>Held on the heap (about 1 MB for 3,000 passages); immutable and thread-safe.
 */
public final class PassageTexts implements SnippetTexts {
    /** The largest passages file read: about a hundred times the default corpus. */
    public static final int MAX_FILE_BYTES = 256 << 20;

    private final Map<String, String> textsByKey;

    private PassageTexts(Map<String, String> textsByKey) {
        this.textsByKey = textsByKey;
    }

    /**
     * @param text a passage's text
     * @return the snippet hash recorded for it in the store's metadata
     */
    public static String snippetHash(String text) {
        return ContentHash.of(text.getBytes(StandardCharsets.UTF_8)).hex();
    }

    /**
     * @param passage a passage
     * @return the store metadata of its row: document id and snippet hash
     */
    public static Metadata metadata(Passage passage) {
        return new Metadata(passage.documentId(), snippetHash(passage.text()));
    }

    /**
     * Writes the passages' file, replacing it atomically.
     *
     * @param file the file
     * @param passages the passages in store order
     */
    public static void write(Path file, List<Passage> passages) {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(temporary); // a leftover link or FIFO is removed, never written through
        } catch (IOException e) {
            throw new BadInputException("cannot delete " + temporary + ": " + e.getMessage(), e);
        }
        try (BufferedWriter out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            for (Passage passage : passages) {
                out.write(oneLine(passage.id())
                        + '\t'
                        + oneLine(passage.documentId())
                        + '\t'
                        + oneLine(passage.text())
                        + '\n');
            }
        } catch (IOException e) {
            throw new BadInputException("cannot write " + temporary + ": " + e.getMessage(), e);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BadInputException("cannot move " + temporary + " to " + file + ": " + e.getMessage(), e);
        }
    }

    private static String oneLine(String text) {
        return text.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }

    /**
     * Reads the passages' file and checks it against the store it belongs to: the same keys, and texts whose hashes
     * are the store's snippet hashes.
     *
     * @param file the file
     * @param store the store of the index
     * @return the texts
     * @throws CorruptDataException if a line is malformed or a text does not match its row
     */
    public static PassageTexts open(Path file, VectorStore store) {
        List<String> lines = readLines(file);
        if (lines.size() != store.size()) {
            throw new CorruptDataException(
                    file + " has " + lines.size() + " passages but the index has " + store.size() + " rows");
        }
        Map<String, String> texts = HashMap.newHashMap(lines.size());
        for (int row = 0; row < lines.size(); row++) {
            String[] fields = lines.get(row).split("\t", 3);
            if (fields.length != 3) {
                throw new CorruptDataException(file + " line " + (row + 1) + " has " + fields.length
                        + " tab-separated fields; expected key, document id and text");
            }
            Metadata metadata = store.metadata(row);
            if (!fields[0].equals(store.key(row)) || !snippetHash(fields[2]).equals(metadata.snippetHash())) {
                throw new CorruptDataException(file + " line " + (row + 1) + " (" + fields[0] + ") does not match"
                        + " row " + row + " of the index (" + store.key(row) + "): the files are from different"
                        + " builds");
            }
            texts.put(fields[0], fields[2]);
        }
        return new PassageTexts(Map.copyOf(texts));
    }

    /**
     * Reads the file's lines, refusing before it opens it anything that is not a regular file (a FIFO would block,
     * a device such as {@code /dev/zero} never end) or a symbolic link, and any file larger than
     * {@value #MAX_FILE_BYTES} bytes; the bytes must be well-formed UTF-8.
     */
    private static List<String> readLines(Path file) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e, e);
        }
        if (attributes.isSymbolicLink() || !attributes.isRegularFile()) {
            throw new BadInputException(file + " is "
                    + (attributes.isSymbolicLink()
                            ? "a symbolic link"
                            : "not a" + " regular file (a directory, FIFO, socket or device)")
                    + "; the passages must be a regular"
                    + " file, as 'sluice demo' writes it");
        }
        if (attributes.size() > MAX_FILE_BYTES) {
            throw new BadInputException(file + " has " + attributes.size() + " bytes, more than the " + MAX_FILE_BYTES
                    + " a passages file may have");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1); // bounded even if the file grows after the check
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e, e);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new BadInputException(file + " grew past " + MAX_FILE_BYTES + " bytes while it was read");
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString()
                    .lines()
                    .toList();
        } catch (CharacterCodingException e) {
            throw new CorruptDataException(file + " is not well-formed UTF-8: " + e.getMessage(), e);
        }
    }

    @Override
    public String textOf(String key) {
        String text = textsByKey.get(key);
        if (text == null) {
            throw new BadInputException("no passage has the key '" + key + "'");
        }
        return text;
    }

    /** @return how many passages */
    public int size() {
        return textsByKey.size();
    }
}
