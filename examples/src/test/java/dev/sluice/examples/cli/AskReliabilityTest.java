package dev.sluice.examples.cli;

import static dev.sluice.examples.cli.CliRun.sluice;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.examples.demo.DemoData;
import dev.sluice.fixtures.ForkedJvm;
import dev.sluice.fixtures.GgufWriter;
import dev.sluice.fixtures.TinyLlamaModel;
import dev.sluice.jdbc.JdbcEvidence;
import dev.sluice.pipeline.evidence.Evidence;
import dev.sluice.pipeline.evidence.EvidenceStore;
import dev.sluice.pipeline.evidence.JournalEntry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice ask} and {@code sluice demo} under odd input: blank questions, odd files in the data folder (links,
 * FIFOs, devices, huge or malformed files), GGUF metadata with terminal escapes, and a process killed just after it
 * printed a run id. Each must end in a clear error (exit 2, one line) or in a run whose evidence is durable; none may
 * hang or crash the JVM.
 */
class AskReliabilityTest {
    private static final Pattern RUN_ID = Pattern.compile("^run:\\s+(\\S+)");
    private static final Duration NO_HANG = Duration.ofSeconds(120);

    @TempDir
    static Path shared;

    /** A demo folder built once, copied by each test that changes it. */
    private static Path built;

    @TempDir
    Path dir;

    @BeforeAll
    static void buildADemoFolder() {
        built = shared.resolve("built");
        CliRun demo = sluice("demo", "--data", built.toString(), "--passages", "40");
        assertEquals(SluiceCli.EXIT_OK, demo.exitCode(), demo::toString);
    }

    private Path copyOfTheDemoFolder() throws IOException {
        Path copy = dir.resolve("data-" + System.nanoTime());
        try (Stream<Path> files = Files.walk(built)) {
            for (Path from : files.toList()) {
                Path to = copy.resolve(built.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to);
                }
            }
        }
        return copy;
    }

    private static void assertOneLineBadInput(CliRun run, String expectedFragment) {
        assertEquals(SluiceCli.EXIT_BAD_INPUT, run.exitCode(), run::toString);
        assertEquals(1, run.err().lines().count(), run::toString);
        assertTrue(run.err().contains(expectedFragment), run::toString);
        assertFalse(run.err().contains("\tat "), () -> "no stack trace expected: " + run);
        assertNoRawControlCharacters(run.err());
    }

    private static void assertNoRawControlCharacters(String printed) {
        for (int i = 0; i < printed.length(); i++) {
            char c = printed.charAt(i);
            assertFalse(
                    TerminalText.unsafe(c) && c != '\n' && c != '\t',
                    "raw U+" + String.format("%04X", (int) c) + " at " + i + " in: " + printed);
        }
    }

    private static CliRun sluiceWithin(Duration limit, String... args) {
        return assertTimeoutPreemptively(limit, () -> sluice(args), () -> "sluice " + String.join(" ", args));
    }

    @Test
    void anEmptyOrBlankQuestionIsBadInputInOneLine() {
        for (String question : List.of("", " ", "\t \n", "\u3000")) {
            CliRun run = sluice("ask", "--index", built.toString(), question);
            assertOneLineBadInput(run, "the question is empty");
            assertEquals("", run.out(), run::toString);
        }
    }

    @Test
    void aLongQuestionNeitherCrashesTheJvmNorHangsAndAnOverlongOneIsBadInput() throws Exception {
        // ONNX Runtime overflowed the main thread's stack when the command line passed a few KiB: SIGSEGV, exit 139
        String longQuestion = "What is a thread? ".repeat(340); // 6,120 characters
        ForkedJvm.Result run = ForkedJvm.run(dir, SluiceCli.class, "ask", "--index", built.toString(), longQuestion);
        assertFalse(run.crashed(), () -> "exit " + run.exitCode() + "\n" + run.stdout() + run.stderr());
        assertEquals(SluiceCli.EXIT_OK, run.exitCode(), () -> run.stdout() + run.stderr());
        assertTrue(run.stdout().contains("run: "), run::stdout);

        String overlong = "x".repeat(AskCommand.MAX_QUESTION_CHARS + 1);
        CliRun refused = sluice("ask", "--index", built.toString(), overlong);
        assertOneLineBadInput(refused, "at most " + AskCommand.MAX_QUESTION_CHARS);
    }

    @Test
    void oddDemoArgumentsAreBadInputInOneLine() throws Exception {
        assertOneLineBadInput(
                sluice("demo", "--data", dir.resolve("new").toString(), "--passages", "0"), "at least 1, got 0");
        assertOneLineBadInput(
                sluice("demo", "--data", dir.resolve("new").toString(), "--passages", "-5"), "at least 1, got -5");
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertOneLineBadInput(sluice("demo", "--data", file.toString(), "--passages", "40"), "is not a directory");
        Path data = copyOfTheDemoFolder();
        Files.delete(data.resolve(DemoData.MANIFEST));
        mkfifo(data.resolve(DemoData.MANIFEST));
        assertOneLineBadInput(
                sluiceWithin(NO_HANG, "demo", "--data", data.toString(), "--passages", "40"), "is not a regular file");
        assertFalse(Files.exists(dir.resolve("new")), "nothing is created for refused arguments");
    }

    @Test
    void filesOnTheCommandLineThatAreNotRegularFilesAreRefusedInsteadOfHanging() throws Exception {
        Path fifo = dir.resolve("fifo");
        mkfifo(fifo);
        Path directory = Files.createDirectory(dir.resolve("directory"));
        for (Path odd : List.of(fifo, directory)) {
            String file = odd.toString();
            List<String[]> commands = List.of(
                    new String[] {"ask", "--index", built.toString(), "--model", file, "What is a thread?"},
                    new String[] {"demo", "--data", built.toString(), "--passages", "40", "--model", file},
                    new String[] {"generate", "--model", file, "--prompt", "x"},
                    new String[] {"gguf", "inspect", file},
                    new String[] {
                        "embed", "--in", file, "--out", dir.resolve("out.fvecs").toString()
                    },
                    new String[] {
                        "index",
                        "build",
                        "--vectors",
                        file,
                        "--out",
                        dir.resolve("ix").toString()
                    });
            for (String[] command : commands) {
                assertOneLineBadInput(sluiceWithin(NO_HANG, command), "is not a regular file");
            }
        }
    }

    /** Counts appends and how many of them the last completed flush covered. */
    private static final class WatchedStore implements EvidenceStore {
        private final EvidenceStore store;
        final AtomicInteger appended = new AtomicInteger();
        volatile int flushedThrough;

        WatchedStore(EvidenceStore store) {
            this.store = store;
        }

        @Override
        public void append(Evidence evidence, int inputSchemaVersion, byte[] input) {
            store.append(evidence, inputSchemaVersion, input);
            appended.incrementAndGet();
        }

        @Override
        public void flush() {
            int before = appended.get();
            store.flush();
            flushedThrough = before;
        }

        @Override
        public Optional<Evidence> evidence(UUID runId) {
            return store.evidence(runId);
        }

        @Override
        public List<JournalEntry> journal(Instant from, Instant to) {
            return store.journal(from, to);
        }

        @Override
        public long committedRuns() {
            return store.committedRuns();
        }

        @Override
        public void close() {
            store.close();
        }
    }

    /** Calls back with each whole line written. */
    private static final class LineWatcher extends Writer {
        private final StringBuilder line = new StringBuilder();
        private final StringBuilder all = new StringBuilder();
        private final Consumer<String> onLine;

        LineWatcher(Consumer<String> onLine) {
            this.onLine = onLine;
        }

        @Override
        public void write(char[] chars, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                all.append(chars[i]);
                if (chars[i] == '\n') {
                    onLine.accept(line.toString());
                    line.setLength(0);
                } else {
                    line.append(chars[i]);
                }
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}

        @Override
        public String toString() {
            return all.toString();
        }
    }

    @Test
    void aRunIdIsPrintedOnlyOnceTheRunsEvidenceIsCommitted() throws IOException {
        Path data = copyOfTheDemoFolder();
        List<String> printed = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        WatchedStore[] watched = new WatchedStore[1];
        LineWatcher watcher = new LineWatcher(line -> {
            Matcher runId = RUN_ID.matcher(line);
            if (runId.find()) {
                printed.add(runId.group(1));
                int appended = watched[0].appended.get();
                if (appended != printed.size() || watched[0].flushedThrough != appended) {
                    failures.add("run id " + runId.group(1) + " printed with " + appended + " runs appended, "
                            + watched[0].flushedThrough + " of them flushed");
                }
            }
        });
        try (DemoData opened = DemoData.open(data);
                AskSession session = new AskSession(opened, null, store -> watched[0] = new WatchedStore(store));
                PrintWriter out = new PrintWriter(watcher)) {
            for (String question : List.of("What is a thread?", "How do I sort a list?", "What is a thread?")) {
                session.ask("", question, out);
            }
        }
        assertEquals(3, printed.size(), watcher::toString);
        assertEquals(List.of(), failures, watcher::toString);
        try (EvidenceStore store = JdbcEvidence.sqlite(data.resolve(DemoData.EVIDENCE_FILE))) {
            for (String id : printed) {
                assertTrue(store.evidence(UUID.fromString(id)).isPresent(), id);
            }
        }
    }

    @Test
    void everyRunIdPrintedBeforeAKillMinusNineIsInTheStore() throws Exception {
        Path data = copyOfTheDemoFolder();
        List<String> printed = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Process ask = ForkedJvm.start(
                    dir, SluiceCli.class, "ask", "--index", data.toString(), "Question " + i + ": what is a stream?");
            String id = null;
            StringBuilder seen = new StringBuilder();
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(ask.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while (id == null && (line = out.readLine()) != null) {
                    seen.append(line).append('\n');
                    Matcher runId = RUN_ID.matcher(line);
                    if (runId.find()) {
                        id = runId.group(1);
                        ask.destroyForcibly(); // SIGKILL the moment the id is out
                    }
                }
            } finally {
                ask.destroyForcibly();
                assertTrue(ask.waitFor(60, TimeUnit.SECONDS));
            }
            assertTrue(id != null, "no run id printed:\n" + seen);
            assertFalse(ForkedJvm.hasCrashLog(dir));
            printed.add(id);
        }
        try (EvidenceStore store = JdbcEvidence.sqlite(data.resolve(DemoData.EVIDENCE_FILE))) {
            List<String> lost = printed.stream()
                    .filter(id -> store.evidence(UUID.fromString(id)).isEmpty())
                    .toList();
            assertEquals(List.of(), lost, "printed run ids missing from the store, of " + printed);
        }
    }

    private static void mkfifo(Path path) throws IOException, InterruptedException {
        Process mkfifo =
                new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
    }

    @Test
    void oddPassagesFilesAreRefusedInOneLineInsteadOfHanging() throws Exception {
        record Case(String name, String expected, Replacer replace) {}
        List<Case> cases = List.of(
                new Case(
                        "a link to /dev/zero",
                        "is a symbolic link",
                        f -> Files.createSymbolicLink(f, Path.of("/dev/zero"))),
                new Case("a FIFO", "is not a regular file", AskReliabilityTest::mkfifo),
                new Case("a directory", "is not a regular file", Files::createDirectory),
                new Case(
                        "a link to a good copy",
                        "is a symbolic link",
                        f -> Files.createSymbolicLink(
                                f,
                                Files.copy(built.resolve(DemoData.PASSAGES_FILE), f.resolveSibling("elsewhere.tsv")))),
                new Case("a sparse 300 MiB file", "more than the", f -> {
                    try (RandomAccessFile file = new RandomAccessFile(f.toFile(), "rw")) {
                        file.setLength(300L << 20);
                    }
                }),
                new Case(
                        "malformed UTF-8",
                        "not well-formed UTF-8",
                        f -> Files.write(f, new byte[] {'k', '\t', (byte) 0xC3, '\n'})));
        for (Case c : cases) {
            Path data = copyOfTheDemoFolder();
            Path passages = data.resolve(DemoData.PASSAGES_FILE);
            Files.delete(passages);
            c.replace().accept(passages);
            CliRun run = sluiceWithin(NO_HANG, "ask", "--index", data.toString(), "What is a thread?");
            assertOneLineBadInput(run, c.expected());
            assertTrue(run.err().contains(DemoData.PASSAGES_FILE), c.name() + ": " + run);
        }
    }

    /** Replaces a file of the demo folder. */
    @FunctionalInterface
    private interface Replacer {
        void accept(Path file) throws Exception;
    }

    @Test
    void symlinkedDatabasesAreRefusedAndNothingIsWrittenOutsideTheFolder() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        for (String name : List.of(
                DemoData.EVIDENCE_FILE,
                DemoData.CACHE_FILE,
                DemoData.EVIDENCE_FILE + "-wal",
                DemoData.CACHE_FILE + "-journal")) {
            Path data = copyOfTheDemoFolder();
            Path target = outside.resolve(name);
            Path link = data.resolve(name);
            if (Files.exists(link)) {
                Files.move(link, target);
            } else {
                Files.writeString(target, "not a database");
            }
            byte[] before = Files.readAllBytes(target);
            Files.createSymbolicLink(link, target);
            CliRun ask = sluiceWithin(NO_HANG, "ask", "--index", data.toString(), "What is a thread?");
            assertOneLineBadInput(ask, "is a symbolic link");
            assertTrue(ask.err().contains(name), ask::toString);
            CliRun demo = sluiceWithin(NO_HANG, "demo", "--data", data.toString(), "--passages", "40");
            assertOneLineBadInput(demo, "is a symbolic link");
            assertArrayEquals(before, Files.readAllBytes(target), name + " outside the folder is untouched");
            Files.delete(target);
        }
        // a link that points nowhere yet would be created by SQLite outside the folder
        Path data = copyOfTheDemoFolder();
        Files.delete(data.resolve(DemoData.EVIDENCE_FILE));
        Files.createSymbolicLink(data.resolve(DemoData.EVIDENCE_FILE), outside.resolve("new.db"));
        assertOneLineBadInput(sluice("ask", "--index", data.toString(), "What is a thread?"), "is a symbolic link");
        assertFalse(Files.exists(outside.resolve("new.db")));
    }

    @Test
    void oddIndexFilesAreRefusedInOneLineInsteadOfHanging() throws Exception {
        Path data = copyOfTheDemoFolder();
        Path meta = data.resolve(DemoData.INDEX_DIR).resolve("index.meta");
        Files.delete(meta);
        mkfifo(meta);
        assertOneLineBadInput(
                sluiceWithin(NO_HANG, "ask", "--index", data.toString(), "What is a thread?"), "is not a regular file");

        Path linked = copyOfTheDemoFolder();
        Path index = linked.resolve(DemoData.INDEX_DIR);
        Path moved = Files.move(index, dir.resolve("index-elsewhere-" + System.nanoTime()));
        Files.createSymbolicLink(index, moved);
        assertOneLineBadInput(
                sluiceWithin(NO_HANG, "ask", "--index", linked.toString(), "What is a thread?"), "is a symbolic link");
    }

    private static final String ESCAPES = "\u001b]0;owned\u0007\u001b[2J\u009b31m\u007f\u202eevil";

    @Test
    void ggufMetadataWithTerminalEscapesIsPrintedEscaped() throws Exception {
        TinyLlamaModel small = TinyLlamaModel.small();
        Path model = dir.resolve("escapes.gguf");
        new TinyLlamaModel(
                        small.embeddingLength(),
                        small.layerCount(),
                        small.headCount(),
                        small.feedForwardLength(),
                        small.contextLength(),
                        small.weightType(),
                        small.seed(),
                        ESCAPES)
                .write(model);

        CliRun inspect = sluice("gguf", "inspect", model.toString());
        assertEquals(SluiceCli.EXIT_OK, inspect.exitCode(), inspect::toString);
        assertNoRawControlCharacters(inspect.out());
        assertTrue(
                inspect.out().contains("\"name\": \"\\u001b]0;owned\\u0007\\u001b[2J\\u009b31m\\u007f\\u202eevil\""),
                inspect::toString);

        CliRun ask = sluice("ask", "--index", built.toString(), "--model", model.toString(), "What is a thread?");
        assertEquals(SluiceCli.EXIT_OK, ask.exitCode(), ask::toString);
        assertNoRawControlCharacters(ask.out());
        assertNoRawControlCharacters(ask.err());
        assertTrue(ask.out().contains("generator: llama/\\u001b]0;owned"), ask::toString);

        // a metadata value quoted in an error line
        Path badArchitecture = dir.resolve("architecture.gguf");
        new GgufWriter()
                .putString("general.architecture", "ll" + ESCAPES + "ama")
                .putString("general.name", "x")
                .write(badArchitecture);
        for (CliRun run : List.of(
                sluice("gguf", "inspect", badArchitecture.toString()),
                sluice("ask", "--index", built.toString(), "--model", badArchitecture.toString(), "What is it?"),
                sluice("generate", "--model", badArchitecture.toString(), "--prompt", "x"))) {
            assertOneLineBadInput(run, "\\u001b]0;owned\\u0007\\u001b[2J\\u009b31m");
        }
    }

    @Test
    void anInternalErrorsTraceIsPrintedEscapedToo() {
        StringWriter trace = new StringWriter();
        new IllegalStateException("boom " + ESCAPES).printStackTrace(new PrintWriter(trace));
        assertNoRawControlCharacters(TerminalText.text(trace.toString()));
        assertEquals("a\\u001bb\\u000a", TerminalText.line("a\u001bb\n"));
        assertEquals("tab\tand\nnewline kept, \\u000d not", TerminalText.text("tab\tand\nnewline kept, \r not"));
        assertEquals("plain text, \u00e9\u65e5 and \\ kept", TerminalText.line("plain text, \u00e9\u65e5 and \\ kept"));
    }
}
