package dev.sluice.examples.cli;

import dev.sluice.core.BadInputException;
import dev.sluice.pipeline.FlowRuntime;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.ReplayReport;
import dev.sluice.pipeline.evidence.EvidenceStore;
import dev.sluice.pipeline.evidence.JournalEntry;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice replay --store FILE [--from T] [--to T]}: re-runs journaled inputs through the flows as they are
 * now and reports which outputs changed. Flows are rebuilt by name from the {@link ReplayableFlow}s on the class
 * path; runs of other flows are reported as skipped. A run whose stored rows do not match their recorded hashes is
 * reported as tampered and not replayed. Exits 0 with the report whatever it says about changed runs, but 2 when
 * any run was tampered with (the store is bad input); its last line has the counts.
 */
@Command(
        name = "replay",
        description = "Replay the journaled runs that started in [--from, --to) through the current flows and report,"
                + " per run, unchanged or changed (with the first node whose output changed).")
final class ReplayCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(
            names = "--store",
            required = true,
            paramLabel = "FILE",
            description = "The evidence store: a SQLite file, or a jdbc:postgresql: URL.")
    private String store;

    @Option(
            names = "--from",
            paramLabel = "T",
            description = "Earliest run start, ISO-8601 (2026-01-31T10:00:00Z);" + " default: the beginning.")
    private String from;

    @Option(names = "--to", paramLabel = "T", description = "Latest run start, exclusive, ISO-8601; default: now.")
    private String to;

    @Override
    public Integer call() {
        Instant start = from == null ? Instant.EPOCH : instant(from, "--from");
        Instant end = to == null ? Instant.now() : instant(to, "--to");
        if (!start.isBefore(end)) {
            throw new BadInputException("--from " + start + " is not before --to " + end);
        }
        Map<String, ReplayableFlow> flows = new TreeMap<>();
        for (ReplayableFlow flow : ServiceLoader.load(ReplayableFlow.class)) {
            flows.put(flow.flowName(), flow);
        }
        List<ReplayReport.Run> runs = new ArrayList<>();
        try (EvidenceStore evidenceStore = EvidenceCommand.openExisting(store)) {
            Set<String> recorded = new LinkedHashSet<>();
            for (JournalEntry entry : evidenceStore.journal(start, end)) {
                recorded.add(entry.flowName());
                if (entry.isTampered() && !flows.containsKey(entry.flowName())) {
                    runs.add(new ReplayReport.Run(
                            entry.runId(), ReplayReport.Status.TAMPERED, entry.outputHash(), "", "", entry.tampered()));
                } else if (!flows.containsKey(entry.flowName())) {
                    runs.add(new ReplayReport.Run(
                            entry.runId(),
                            ReplayReport.Status.SKIPPED,
                            entry.outputHash(),
                            "",
                            "",
                            "flow '" + entry.flowName() + "' is not known to the command line"));
                }
            }
            FlowRuntime runtime = FlowRuntime.inline().withEvidence(evidenceStore);
            for (String name : recorded) {
                ReplayableFlow flow = flows.get(name);
                if (flow != null) {
                    try (Pipeline<?, ?> pipeline = flow.start(runtime, store)) {
                        runs.addAll(pipeline.replay(start, end).runs().stream()
                                .filter(r -> r.status() != ReplayReport.Status.SKIPPED)
                                .toList());
                    }
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        ReplayReport report = new ReplayReport(runs);
        out.print(TerminalText.text(report.toText()));
        return report.count(ReplayReport.Status.TAMPERED) > 0 ? SluiceCli.EXIT_BAD_INPUT : SluiceCli.EXIT_OK;
    }

    private static Instant instant(String text, String option) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new BadInputException(
                    option + " '" + text + "' is not an ISO-8601 instant such as" + " 2026-01-31T10:00:00Z");
        }
    }
}
