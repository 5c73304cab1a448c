/**
 * The Sluice dataflow engine: the typed Flow API, the inline and Agrona-pipelined runtimes, the result cache with its
 * in-memory tier, gates, the evidence chain, journal and replay, and OpenTelemetry spans through the API only.
 * Depends on {@code dev.sluice.core}, Agrona, Caffeine and the OpenTelemetry API, nothing else: retrieval and
 * generation plug in from {@code dev.sluice.rag}, the database stores from {@code dev.sluice.jdbc}.
 */
module dev.sluice.pipeline {
    requires transitive dev.sluice.core;
    requires transitive io.opentelemetry.api;
    requires io.opentelemetry.context;
    requires com.github.benmanes.caffeine;

    exports dev.sluice.pipeline;
    exports dev.sluice.pipeline.evidence;
    exports dev.sluice.pipeline.gates;
    exports dev.sluice.pipeline.telemetry;
}
