package dev.sluice.jdbc.internal;

import dev.sluice.core.schema.Schema;
import dev.sluice.core.schema.Schemas;
import dev.sluice.pipeline.evidence.Evidence;
import dev.sluice.pipeline.evidence.EvidenceLink;
import dev.sluice.pipeline.evidence.NodeEvent;
import dev.sluice.pipeline.evidence.QualityEval;
import java.util.List;
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

    /** @return the run's id */
    UUID runId() {
        return new UUID(runIdHigh, runIdLow);
    }
}
