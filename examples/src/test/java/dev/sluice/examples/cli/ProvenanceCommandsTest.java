package dev.sluice.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.schema.Schemas;
import dev.sluice.jdbc.JdbcEvidence;
import dev.sluice.pipeline.Flow;
import dev.sluice.pipeline.FlowRuntime;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.RunResult;
import dev.sluice.pipeline.evidence.EvidenceStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sluice evidence} and {@code sluice replay} on a store written through the library. */
class ProvenanceCommandsTest {
    @TempDir
    Path dir;

    /** A flow the command line can rebuild (registered in META-INF/services of the tests). */
    public static final class Upper implements ReplayableFlow {
        static Flow<String, String> flow() {
            return Flow.named("cli-upper", "1")
                    .input(Schemas.string())
                    .map("upper", "1", Schemas.string(), s -> s.toUpperCase(Locale.ROOT))
                    .build();
        }

        @Override
        public String flowName() {
            return "cli-upper";
        }

        @Override
        public Pipeline<?, ?> start(FlowRuntime runtime) {
            return flow().start(runtime);
        }
    }

    private static String[] sluice(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SluiceCli.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new String[] {Integer.toString(cli.execute(args)), out.toString(), err.toString()};
    }

    @Test
    void printsARunsEvidenceAndReplaysTheJournal() {
        Path file = dir.resolve("evidence.db");
        UUID runId;
        try (EvidenceStore store = JdbcEvidence.sqlite(file)) {
            try (Pipeline<String, String> p =
                    Upper.flow().start(FlowRuntime.inline().withEvidence(store))) {
                RunResult<String> first = p.submit("ring buffers").join();
                runId = first.runId();
                p.submit("seeds").join();
                p.submit("spans").join();
            }
            Flow<String, String> other = Flow.named("unknown-flow", "1")
                    .input(Schemas.string())
                    .map("same", "1", Schemas.string(), s -> s)
                    .build();
            try (Pipeline<String, String> p = other.start(FlowRuntime.inline().withEvidence(store))) {
                p.submit("x").join();
            }
        }
        String[] evidence = sluice("evidence", "--store", file.toString(), runId.toString());
        assertEquals("0", evidence[0], evidence[2]);
        assertTrue(evidence[1].startsWith("run " + runId), evidence[1]);
        assertTrue(evidence[1].contains("RING BUFFERS"), "the output summary: " + evidence[1]);

        String[] replay = sluice("replay", "--store", file.toString());
        assertEquals("0", replay[0], replay[2]);
        assertTrue(replay[1].endsWith("4 runs: 3 unchanged, 0 changed, 0 failed, 1 skipped\n"), replay[1]);
        assertTrue(replay[1].contains("'unknown-flow' is not known"), replay[1]);

        String[] empty = sluice("replay", "--store", file.toString(), "--to", "2001-01-01T00:00:00Z");
        assertTrue(empty[1].startsWith("0 runs"), empty[1]);
    }

    /** A stored answer changed behind the store's back is reported, not replayed or printed as if recorded. */
    @Test
    void aTamperedRunIsReportedAndExitsTwo() throws Exception {
        Path file = dir.resolve("evidence.db");
        UUID runId;
        try (EvidenceStore store = JdbcEvidence.sqlite(file);
                Pipeline<String, String> p =
                        Upper.flow().start(FlowRuntime.inline().withEvidence(store))) {
            runId = p.submit("ring buffers").join().runId();
            p.submit("seeds").join();
        }
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
                PreparedStatement update =
                        db.prepareStatement("UPDATE event_envelope SET output_hash = ? WHERE seq = 1 AND run_id = ?")) {
            update.setString(1, "f".repeat(64));
            update.setString(2, runId.toString());
            assertEquals(1, update.executeUpdate());
        }
        String[] evidence = sluice("evidence", "--store", file.toString(), runId.toString());
        assertEquals("2", evidence[0], evidence[1]);
        assertTrue(evidence[2].contains("does not match its recorded hash"), evidence[2]);

        String[] replay = sluice("replay", "--store", file.toString());
        assertEquals("2", replay[0], replay[2]);
        assertTrue(replay[1].endsWith("2 runs: 1 unchanged, 0 changed, 0 failed, 0 skipped, 1 tampered\n"), replay[1]);
    }

    @Test
    void badArgumentsAreOneLineAndExitTwo() {
        Path missing = dir.resolve("missing.db");
        for (String[] args : new String[][] {
            {"evidence", "--store", missing.toString(), UUID.randomUUID().toString()},
            {"evidence", "--store", missing.toString(), "not-a-uuid"},
            {"replay", "--store", missing.toString()},
            {"replay", "--store", missing.toString(), "--from", "yesterday"}
        }) {
            String[] run = sluice(args);
            assertEquals("2", run[0], String.join(" ", args) + ": " + run[2]);
            assertEquals(1, run[2].lines().count(), run[2]);
        }
    }
}
