package dev.sluice.jdbc;

import dev.sluice.pipeline.evidence.Evidence;
import dev.sluice.pipeline.evidence.EvidenceLink;
import dev.sluice.pipeline.evidence.EvidenceStore;
import dev.sluice.pipeline.evidence.NodeEvent;
import dev.sluice.pipeline.evidence.QualityEval;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/** Stores to test against (a SQLite file; the PostgreSQL server of {@code .ci/run}) and sample evidence. */
public final class StoreFixtures {
    /** The environment variable with the JDBC URL of the test server; {@code .ci/run} sets it. */
    public static final String PG_URL_VARIABLE = "SLUICE_TEST_PG_URL";

    private StoreFixtures() {}

    /**
     * Opens a store in a fresh PostgreSQL schema of the test server, or skips the test when no server is given.
     *
     * @param testName names the schema
     * @return the open store
     */
    public static EvidenceStore postgres(String testName) throws Exception {
        return JdbcEvidence.postgres(postgresUrl(testName));
    }

    /**
     * Creates a fresh PostgreSQL schema on the test server, or skips the test when no server is given.
     *
     * @param testName names the schema
     * @return the server's JDBC URL with that schema as the current one
     */
    public static String postgresUrl(String testName) throws Exception {
        String url = System.getenv(PG_URL_VARIABLE);
        Assumptions.assumeTrue(
                url != null && !url.isBlank(),
                "no PostgreSQL server: set " + PG_URL_VARIABLE
                        + " (.ci/run starts one and sets it) to run the PostgreSQL store tests");
        String schema = "t_" + testName.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "_") + "_"
                + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /**
     * @param dir a temporary directory
     * @return a store in a new SQLite file there
     */
    public static EvidenceStore sqlite(Path dir) {
        return JdbcEvidence.sqlite(dir.resolve("evidence-" + System.nanoTime() + ".db"));
    }

    /**
     * @param i a number making the run distinct
     * @param startedEpochNs when it started
     * @return the evidence of a made-up run with one link of each kind and a decided quality score
     */
    public static Evidence sample(int i, long startedEpochNs) {
        UUID runId = new UUID(0x5100CE, i);
        return new Evidence(
                runId,
                "0af7651916cd43dd8448eb211c80319c",
                "faq",
                "3",
                startedEpochNs,
                startedEpochNs + 5_000_000,
                "a".repeat(64),
                "b".repeat(64),
                "",
                List.of(
                        new NodeEvent(
                                "retrieve",
                                "1",
                                "a".repeat(64),
                                "c".repeat(64),
                                startedEpochNs,
                                startedEpochNs + 1_000_000,
                                Map.of("kind", "call", "cache_hit", "false")),
                        new NodeEvent(
                                "call_model",
                                "2",
                                "c".repeat(64),
                                "b".repeat(64),
                                startedEpochNs + 1_000_000,
                                startedEpochNs + 5_000_000,
                                Map.of(
                                        "model",
                                        "llama.cpp:tiny@sha256:ab",
                                        "seed",
                                        Long.toString(i),
                                        "quote",
                                        "say \"hi\"\n\tback\\slash \u0001"))),
                List.of(
                        new EvidenceLink(
                                EvidenceLink.Kind.DOC,
                                "doc-" + i,
                                "d".repeat(64),
                                "ring buffers are fast",
                                Map.of("score", "0.91")),
                        new EvidenceLink(
                                EvidenceLink.Kind.PROMPT,
                                "faq-template",
                                "e".repeat(64),
                                "Question: what?",
                                Map.of("question", "what?")),
                        new EvidenceLink(
                                EvidenceLink.Kind.CONFIG,
                                "llama.cpp:tiny@sha256:ab",
                                "",
                                "",
                                Map.of("seed", "42", "temperature", "0.7")),
                        new EvidenceLink(
                                EvidenceLink.Kind.OUTPUT, "output", "b".repeat(64), "an answer " + i, Map.of())),
                List.of(
                        new QualityEval("length_chars", 11, Map.of("node", "gate", "outcome", "PASS"), true),
                        new QualityEval("retrieval_score", 0.91, Map.of("node", "gate"), false)));
    }

    /**
     * @param i the run's number
     * @return the canonical input bytes of the sample run
     */
    public static byte[] sampleInput(int i) {
        return ("question " + i).getBytes(StandardCharsets.UTF_8);
    }
}
