package dev.sluice.pipeline;

import dev.sluice.pipeline.evidence.EvidenceStore;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;

/**
 * What a runtime records besides the output: the evidence store (null for none), the OpenTelemetry instance
 * (null: the global one, looked up when a pipeline starts) and whether prompt and answer text go into spans.
 */
record Observability(EvidenceStore store, OpenTelemetry openTelemetry, boolean captureText) {
    /** No store, the global OpenTelemetry, no text. */
    static final Observability DEFAULT = new Observability(null, null, false);
    /** Nothing recorded at all: for replays and join branches. */
    static final Observability NONE = new Observability(null, OpenTelemetry.noop(), false);

    OpenTelemetry resolvedOpenTelemetry() {
        return openTelemetry == null ? GlobalOpenTelemetry.getOrNoop() : openTelemetry;
    }
}
