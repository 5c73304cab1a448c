package dev.sluice.examples.demo;

import dev.sluice.core.BadInputException;
import dev.sluice.core.memory.FloatMatrix;
import dev.sluice.examples.DefaultModels;
import dev.sluice.examples.corpus.JdkJavadocCorpus.Passage;
import dev.sluice.inference.embed.OnnxEmbedder;
import dev.sluice.vector.GraphConfig;
import dev.sluice.vector.GraphIndex;
import dev.sluice.vector.KeyKind;
import dev.sluice.vector.Similarity;
import dev.sluice.vector.VectorStore;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Properties;

/**
 * The demo's folder ({@code ./sluice-data} by default) and what is open from it: the embedder, the saved jvector
 * index of the corpus and the passages' texts. The folder holds
 * <ul>
 *   <li>{@value #INDEX_DIR}/ - the {@link GraphIndex} (store file, graph, checksummed meta file);</li>
 *   <li>{@value #PASSAGES_FILE} - the passages' texts ({@link PassageTexts});</li>
 *   <li>{@value #MANIFEST} - what was built, with which model, written last (no manifest: the build is redone);</li>
 *   <li>{@value #CACHE_FILE} - the persistent tier of the result cache;</li>
 *   <li>{@value #EVIDENCE_FILE} - the SQLite evidence store (evidence chains and the journal).</li>
 * </ul>
 *
 * <p><b>Cost.</b> Building embeds every passage (all-MiniLM-L6-v2 on the CPU: about a minute per thousand passages
 * on two cores) and builds the graph (seconds); reopening maps the index and checks its checksums (well under a
 * second). Not thread-safe to build; the opened parts are thread-safe. Close it to release the model and the
 * mapped files.
 */
public final class DemoData implements AutoCloseable {
    /** The folder of the saved index, inside the demo folder. */
    public static final String INDEX_DIR = "index";
    /** The passages' texts. */
    public static final String PASSAGES_FILE = "passages.tsv";
    /** What was built; written last. */
    public static final String MANIFEST = "demo.properties";
    /** The persistent result cache (SQLite). */
    public static final String CACHE_FILE = "cache.db";
    /** The evidence store (SQLite). */
    public static final String EVIDENCE_FILE = "evidence.db";
    /** The corpus size of {@code sluice demo} unless told otherwise. */
    public static final int DEFAULT_PASSAGES = 4000;

    private static final int EMBED_BATCH = 64;
    /** The files of the folder that {@link #checkFiles} checks: what the demo writes, and SQLite's journals. */
    private static final List<String> FILES = List.of(
            MANIFEST,
            PASSAGES_FILE,
            CACHE_FILE,
            CACHE_FILE + "-journal",
            CACHE_FILE + "-wal",
            CACHE_FILE + "-shm",
            EVIDENCE_FILE,
            EVIDENCE_FILE + "-journal",
            EVIDENCE_FILE + "-wal",
            EVIDENCE_FILE + "-shm");
    /** The files of the index directory that {@link #checkFiles} checks. */
    private static final List<String> INDEX_FILES = List.of("vectors.slv", "graph.jvector", "pq.jvector", "index.meta");
    /** 2: the vector store's format 2 (unit vectors under cosine); folders of format 1 are rebuilt. */
    private static final int MANIFEST_FORMAT = 2;

    /** The stages of a build, for progress reports. */
    public enum Stage {
        /** Embedding the passages. */
        EMBEDDING,
        /** Building the graph index. */
        INDEXING
    }

    /** Receives build progress; may be called from several threads. */
    @FunctionalInterface
    public interface Progress {
        /** Ignores progress. */
        Progress NONE = (stage, done, total) -> {};

        /**
         * @param stage what is being done
         * @param done items done so far
         * @param total items in all
         */
        void update(Stage stage, long done, long total);
    }

    private final Path folder;
    private final OnnxEmbedder embedder;
    private final GraphIndex index;
    private final PassageTexts texts;
    private final boolean built;

    private DemoData(Path folder, OnnxEmbedder embedder, GraphIndex index, PassageTexts texts, boolean built) {
        this.folder = folder;
        this.embedder = embedder;
        this.index = index;
        this.texts = texts;
        this.built = built;
    }

    /** @return {@code ./sluice-data}, the demo's folder unless told otherwise */
    public static Path defaultFolder() {
        return Path.of("sluice-data");
    }

    /**
     * Opens the folder's index if it was built from the same number of passages with the same embedding model;
     * otherwise builds it first (embedding the corpus and saving the index).
     *
     * @param folder the demo folder, created if missing
     * @param maxPassages the corpus size
     * @param srcZip the JDK's {@code src.zip}
     * @param repository the repository whose documentation joins the corpus, or {@code null}
     * @param progress told how the build goes
     * @return the opened data
     * @throws BadInputException if a file in the folder is a link or not a regular file
     */
    public static DemoData openOrBuild(Path folder, int maxPassages, Path srcZip, Path repository, Progress progress) {
        checkFiles(folder);
        OnnxEmbedder embedder = DefaultModels.embedder().build();
        try {
            Properties manifest = readManifest(folder);
            boolean reusable = manifest != null
                    && String.valueOf(maxPassages).equals(manifest.getProperty("passages.requested"))
                    && embedder.identity().key().equals(manifest.getProperty("embedding.model"));
            if (!reusable) {
                build(folder, embedder, DemoCorpus.load(srcZip, repository, maxPassages), maxPassages, progress);
            }
            return open(folder, embedder, !reusable);
        } catch (RuntimeException e) {
            embedder.close();
            throw e;
        }
    }

    /**
     * Opens a folder built before ({@code sluice ask --index DIR}).
     *
     * @param folder the demo folder
     * @return the opened data
     * @throws BadInputException if the folder holds no built demo, or a file in it is a link or not a regular file
     */
    public static DemoData open(Path folder) {
        checkFiles(folder);
        if (readManifest(folder) == null) {
            throw new BadInputException(folder + " holds no demo index (no " + MANIFEST + "); build one with"
                    + " 'sluice demo --data " + folder + "'");
        }
        OnnxEmbedder embedder = DefaultModels.embedder().build();
        try {
            return open(folder, embedder, false);
        } catch (RuntimeException e) {
            embedder.close();
            throw e;
        }
    }

    private static DemoData open(Path folder, OnnxEmbedder embedder, boolean built) {
        GraphIndex index = GraphIndex.open(folder.resolve(INDEX_DIR));
        try {
            return new DemoData(
                    folder, embedder, index, PassageTexts.open(folder.resolve(PASSAGES_FILE), index.store()), built);
        } catch (RuntimeException e) {
            index.close();
            throw e;
        }
    }

    private static void build(
            Path folder, OnnxEmbedder embedder, List<Passage> passages, int maxPassages, Progress progress) {
        try {
            Files.createDirectories(folder);
            Files.deleteIfExists(folder.resolve(MANIFEST));
        } catch (IOException e) {
            throw new BadInputException("cannot prepare " + folder + ": " + e.getMessage(), e);
        }
        int rows = passages.size();
        List<String> texts = passages.stream().map(Passage::text).toList();
        VectorStore store =
                VectorStore.create("demo-passages", embedder.dimension(), Similarity.COSINE, KeyKind.STRING);
        try (FloatMatrix vectors = FloatMatrix.allocate("demo-embeddings", rows, embedder.dimension())) {
            // the embedder writes straight into the off-heap matrix; the store copies each row once, off-heap
            for (int first = 0; first < rows; first += EMBED_BATCH) {
                int end = Math.min(rows, first + EMBED_BATCH);
                embedder.embedInto(texts.subList(first, end), vectors, first);
                progress.update(Stage.EMBEDDING, end, rows);
            }
            for (int row = 0; row < rows; row++) {
                store.add(passages.get(row).id(), vectors.row(row), PassageTexts.metadata(passages.get(row)));
            }
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        try (GraphIndex index = GraphIndex.build(
                store, GraphConfig.defaults(), (done, total) -> progress.update(Stage.INDEXING, done, total))) {
            index.save(folder.resolve(INDEX_DIR));
        }
        PassageTexts.write(folder.resolve(PASSAGES_FILE), passages);
        Properties manifest = new Properties();
        manifest.setProperty("format", String.valueOf(MANIFEST_FORMAT));
        manifest.setProperty("passages.requested", String.valueOf(maxPassages));
        manifest.setProperty("passages", String.valueOf(rows));
        manifest.setProperty("embedding.model", embedder.identity().key());
        writeManifest(folder, manifest);
    }

    /**
     * Refuses a folder whose files could make the demo read or write elsewhere, or hang: every file the demo reads
     * or writes in it (and SQLite's journal files beside the two databases) must be absent or a regular file that
     * is not a symbolic link, and {@value #INDEX_DIR} absent or a directory that is not a link. A FIFO or a device
     * would block or never end; a link to a file outside the folder would have SQLite write there. The folder itself
     * may be a link: the user named it.
     *
     * @param folder the demo folder
     * @throws BadInputException naming the first such file
     */
    public static void checkFiles(Path folder) {
        for (String name : FILES) {
            requireRegularOrAbsent(folder.resolve(name));
        }
        Path index = folder.resolve(INDEX_DIR);
        BasicFileAttributes attributes = attributesOrNull(index);
        if (attributes == null) {
            return;
        }
        if (attributes.isSymbolicLink() || !attributes.isDirectory()) {
            throw new BadInputException(
                    index + " is " + (attributes.isSymbolicLink() ? "a symbolic link" : "not a" + " directory")
                            + "; the demo's index must be a directory inside " + folder);
        }
        for (String name : INDEX_FILES) {
            requireRegularOrAbsent(index.resolve(name));
        }
    }

    private static void requireRegularOrAbsent(Path file) {
        BasicFileAttributes attributes = attributesOrNull(file);
        if (attributes == null) {
            return;
        }
        if (attributes.isSymbolicLink()) {
            throw new BadInputException(file + " is a symbolic link; the demo folder's files must be regular files in"
                    + " it, so that nothing is read or written elsewhere (replace the link by the file, or delete it)");
        }
        if (!attributes.isRegularFile()) {
            throw new BadInputException(file + " is not a regular file (a directory, FIFO, socket or device); delete"
                    + " it, and 'sluice demo' writes the file again");
        }
    }

    private static BasicFileAttributes attributesOrNull(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new BadInputException("cannot read the attributes of " + path + ": " + e.getMessage(), e);
        }
    }

    private static Properties readManifest(Path folder) {
        Path file = folder.resolve(MANIFEST);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Properties manifest = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            manifest.load(in);
        } catch (IOException | IllegalArgumentException e) {
            return null; // unreadable: rebuild
        }
        return String.valueOf(MANIFEST_FORMAT).equals(manifest.getProperty("format")) ? manifest : null;
    }

    private static void writeManifest(Path folder, Properties manifest) {
        Path temporary = folder.resolve(MANIFEST + ".tmp");
        try {
            Files.deleteIfExists(temporary); // a leftover link or FIFO is removed, never written through
            try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                manifest.store(out, "sluice demo: what " + INDEX_DIR + "/ and " + PASSAGES_FILE + " were built from");
            }
            Files.move(
                    temporary,
                    folder.resolve(MANIFEST),
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BadInputException("cannot write " + folder.resolve(MANIFEST) + ": " + e.getMessage(), e);
        }
    }

    /** @return the demo folder */
    public Path folder() {
        return folder;
    }

    /** @return the embedding model, all-MiniLM-L6-v2 */
    public OnnxEmbedder embedder() {
        return embedder;
    }

    /** @return the opened graph index (read-only) */
    public GraphIndex index() {
        return index;
    }

    /** @return the passages' texts */
    public PassageTexts texts() {
        return texts;
    }

    /** @return whether this call built the index (false: a saved one was reused) */
    public boolean built() {
        return built;
    }

    /** @return the file of the persistent result cache */
    public Path cacheFile() {
        return folder.resolve(CACHE_FILE);
    }

    /** @return the file of the evidence store */
    public Path evidenceFile() {
        return folder.resolve(EVIDENCE_FILE);
    }

    /** Closes the index and the embedder. */
    @Override
    public void close() {
        try {
            index.close();
        } finally {
            embedder.close();
        }
    }
}
