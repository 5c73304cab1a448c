package dev.sluice.examples.cli;

import dev.sluice.core.BadInputException;
import dev.sluice.jdbc.JdbcEvidence;
import dev.sluice.pipeline.evidence.Evidence;
import dev.sluice.pipeline.evidence.EvidenceStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice evidence --store FILE RUN_ID}: prints how one answer was obtained. */
@Command(
        name = "evidence",
        description = "Print a run's evidence chain: nodes with input/output hashes, documents and snippet hashes,"
                + " prompt, model configuration, output, quality scores and gate decision.")
final class EvidenceCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(
            names = "--store",
            required = true,
            paramLabel = "FILE",
            description = "The evidence store: a SQLite file, or a jdbc:postgresql: URL.")
    private String store;

    @Parameters(paramLabel = "RUN_ID", description = "The run's id (a UUID).")
    private String runId;

    @Override
    public Integer call() {
        UUID id;
        try {
            id = UUID.fromString(runId);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("run id '" + runId + "' is not a UUID (like 3f2a...-...)");
        }
        try (EvidenceStore evidenceStore = openExisting(store)) {
            Evidence evidence = evidenceStore
                    .evidence(id)
                    .orElseThrow(() -> new BadInputException("the store " + store + " has no run " + id));
            spec.commandLine().getOut().print(TerminalText.text(evidence.toText()));
        }
        return SluiceCli.EXIT_OK;
    }

    /** Opens a store that must exist already (a typo must not create an empty SQLite file). */
    static EvidenceStore openExisting(String location) {
        if (!location.startsWith("jdbc:") && !Files.isRegularFile(Path.of(location))) {
            throw new BadInputException("evidence store " + location + " does not exist");
        }
        return JdbcEvidence.open(location);
    }
}
