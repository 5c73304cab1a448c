package dev.sluice.jdbc.internal;

import dev.sluice.core.schema.Schema;
import dev.sluice.core.schema.Schemas;
import dev.sluice.pipeline.evidence.Evidence;
import dev.sluice.pipeline.evidence.EvidenceLink;
import dev.sluice.pipeline.evidence.NodeEvent;
import dev.sluice.pipeline.evidence.QualityEval;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A run as it travels through the writer's ring buffer: the evidence and the journaled input, in the canonical
 * encoding of {@link #SCHEMA}.
 */
record WireRun(
        long runIdHigh,
        long runIdLow,
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
        List<QualityEval> quality,
        int inputSchemaVersion,
        byte[] input) {
    /** Encodes and decodes a run for the ring buffer. */
    static final Schema<WireRun> SCHEMA = Schemas.recordOf(WireRun.class);

    /**
     * @param evidence the run's evidence chain
     * @param inputSchemaVersion the version of the schema that encoded {@code input}
     * @param input the canonical input bytes
     * @return the run to encode
     */
    static WireRun of(Evidence evidence, int inputSchemaVersion, byte[] input) {
        return new WireRun(
                evidence.runId().getMostSignificantBits(),
                evidence.runId().getLeastSignificantBits(),
                evidence.traceId(),
                evidence.flowName(),
                evidence.flowVersion(),
                evidence.startedEpochNs(),
                evidence.finishedEpochNs(),
                evidence.inputHash(),
                evidence.outputHash(),
                evidence.error(),
                evidence.nodes(),
                evidence.links(),
                evidence.quality(),
                inputSchemaVersion,
                input);
    }

    /**
     * @return the first text of the run that holds a NUL character (U+0000), named for a message (which column,
     *     node, link or key), or null if none does
     */
    String fieldWithNul() {
        String found =
                firstWithNul("the trace id", traceId, "the flow name", flowName, "the flow version", flowVersion);
        if (found == null) {
            found = firstWithNul("the input hash", inputHash, "the output hash", outputHash, "the error", error);
        }
        for (int i = 0; found == null && i < nodes.size(); i++) {
            NodeEvent node = nodes.get(i);
            String where = "node " + (i + 1) + " ('" + node.nodeId() + "')";
            found = firstWithNul(
                    where + " id",
                    node.nodeId(),
                    where + " version",
                    node.nodeVersion(),
                    where + " input hash",
                    node.inputHash());
            if (found == null) {
                found = firstWithNul(where + " output hash", node.outputHash(), null, null, null, null);
            }
            if (found == null) {
                found = inMap(where + " attribute", node.attributes());
            }
        }
        for (int i = 0; found == null && i < links.size(); i++) {
            EvidenceLink link = links.get(i);
            String where = "link " + i + " (" + link.kind() + ")";
            found = firstWithNul(
                    where + " ref", link.ref(), where + " hash", link.hash(), where + " snippet", link.snippet());
            if (found == null) {
                found = inMap(where + " meta", link.meta());
            }
        }
        for (int i = 0; found == null && i < quality.size(); i++) {
            QualityEval eval = quality.get(i);
            String where = "quality evaluation " + i;
            found = firstWithNul(where + " metric", eval.metric(), null, null, null, null);
            if (found == null) {
                found = inMap(where + " meta", eval.meta());
            }
        }
        return found;
    }

    private static String firstWithNul(
            String name1, String text1, String name2, String text2, String name3, String text3) {
        if (hasNul(text1)) {
            return name1;
        }
        if (hasNul(text2)) {
            return name2;
        }
        return hasNul(text3) ? name3 : null;
    }

    private static String inMap(String name, Map<String, String> fields) {
        for (Map.Entry<String, String> field : fields.entrySet()) {
            if (hasNul(field.getKey())) {
                return name + " key '" + field.getKey().replace("\0", "\\u0000") + "'";
            }
            if (hasNul(field.getValue())) {
                return name + " '" + field.getKey() + "'";
            }
        }
        return null;
    }

    private static boolean hasNul(String text) {
        return text != null && text.indexOf('\0') >= 0;
    }

    /** @return the run's id */
    UUID runId() {
        return new UUID(runIdHigh, runIdLow);
    }
}
