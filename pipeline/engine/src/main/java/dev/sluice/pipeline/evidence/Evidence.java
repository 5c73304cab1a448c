package dev.sluice.pipeline.evidence;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * How one answer was obtained: the run and trace ids, the flow, each node's execution with the hashes of what
 * it read and wrote, the links of the evidence chain (documents and snippet hashes, the prompt, the model
 * configuration, the output) and the quality scores with the gate's decision. A value: immutable, comparable,
 * printable with {@link #toText()}.
 *
 * @param runId the run's id
 * @param traceId the W3C trace id of the run's span (32 hex digits), "" when the run was not traced
 * @param flowName the flow's name
 * @param flowVersion the flow's version
 * @param startedEpochNs when the run started, nanoseconds since the Unix epoch
 * @param finishedEpochNs when it finished, nanoseconds since the Unix epoch
 * @param inputHash the SHA-256 (hex) of the canonical input bytes
 * @param outputHash the SHA-256 (hex) of the canonical output bytes, "" if the run failed
 * @param error why the run failed, "" if it succeeded
 * @param nodes the node executions in flow order (those that ran, for a failed run)
 * @param links the evidence chain
 * @param quality the quality scores the gates measured
 */
public record Evidence(
        UUID runId,
        String traceId,
        String flowName,
        String flowVersion,
        long startedEpochNs,
        long finishedEpochNs,
        String inputHash,
        String outputHash,
        String error,
        List<NodeEvent> nodes,
        List<EvidenceLink> links,
        List<QualityEval> quality) {
    /** Freezes the lists. */
    public Evidence {
        nodes = List.copyOf(nodes);
        links = List.copyOf(links);
        quality = List.copyOf(quality);
    }

    /** @return whether the run produced an output */
    public boolean succeeded() {
        return error.isEmpty();
    }

    /**
     * @param kind a kind of link
     * @return the links of that kind, in the order they were recorded
     */
    public List<EvidenceLink> links(EvidenceLink.Kind kind) {
        return links.stream().filter(l -> l.kind() == kind).toList();
    }

    /** @return the evaluations that decided a gate's outcome, one per gate */
    public List<QualityEval> decisions() {
        return quality.stream().filter(QualityEval::decided).toList();
    }

    /** @return the output link (summary and hash), if the run succeeded */
    public Optional<EvidenceLink> output() {
        return links(EvidenceLink.Kind.OUTPUT).stream().findFirst();
    }

    /** @return the chain as indented text, one fact per line, for people and the command line */
    public String toText() {
        StringBuilder text = new StringBuilder();
        text.append("run ")
                .append(runId)
                .append('\n')
                .append("  flow      ")
                .append(flowName)
                .append(" v")
                .append(flowVersion)
                .append('\n')
                .append("  trace     ")
                .append(traceId.isEmpty() ? "-" : traceId)
                .append('\n')
                .append("  started   ")
                .append(instant(startedEpochNs))
                .append('\n')
                .append("  finished  ")
                .append(instant(finishedEpochNs))
                .append('\n')
                .append("  input     ")
                .append(inputHash)
                .append('\n')
                .append("  output    ")
                .append(succeeded() ? outputHash : "FAILED: " + error)
                .append('\n');
        text.append("nodes\n");
        for (NodeEvent node : nodes) {
            text.append("  ")
                    .append(node.nodeId())
                    .append(" v")
                    .append(node.nodeVersion())
                    .append("  in ")
                    .append(shortHash(node.inputHash()))
                    .append("  out ")
                    .append(shortHash(node.outputHash()))
                    .append("  ")
                    .append((node.finishedEpochNs() - node.startedEpochNs()) / 1_000)
                    .append(" us  ")
                    .append(new TreeMap<>(node.attributes()))
                    .append('\n');
        }
        for (EvidenceLink.Kind kind : EvidenceLink.Kind.values()) {
            List<EvidenceLink> ofKind = links(kind);
            if (!ofKind.isEmpty()) {
                text.append(kind.name().toLowerCase(java.util.Locale.ROOT)).append('\n');
                for (EvidenceLink link : ofKind) {
                    text.append("  ")
                            .append(link.ref())
                            .append("  ")
                            .append(link.hash().isEmpty() ? "-" : shortHash(link.hash()));
                    if (!link.meta().isEmpty()) {
                        text.append("  ").append(new TreeMap<>(link.meta()));
                    }
                    if (!link.snippet().isEmpty()) {
                        text.append("\n    \"").append(oneLine(link.snippet())).append('"');
                    }
                    text.append('\n');
                }
            }
        }
        if (!quality.isEmpty()) {
            text.append("quality\n");
            for (QualityEval eval : quality) {
                text.append("  ")
                        .append(eval.metric())
                        .append(" = ")
                        .append(eval.value())
                        .append(eval.decided() ? "  (decided)" : "")
                        .append("  ")
                        .append(new TreeMap<>(eval.meta()))
                        .append('\n');
            }
        }
        return text.toString();
    }

    private static String instant(long epochNs) {
        return Instant.ofEpochSecond(0, epochNs).toString();
    }

    private static String shortHash(String hex) {
        return hex.length() > 16 ? hex.substring(0, 16) : hex.isEmpty() ? "-" : hex;
    }

    private static String oneLine(String snippet) {
        return snippet.replace("\n", "\\n");
    }
}
