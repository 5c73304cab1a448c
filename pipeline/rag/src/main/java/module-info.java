/**
 * Sluice RAG: retrieve, prompt and generate nodes for the engine, over {@code dev.sluice.vector} and
 * {@code dev.sluice.inference}.
 */
module dev.sluice.rag {
    requires transitive dev.sluice.pipeline;
    requires transitive dev.sluice.vector;
    requires transitive dev.sluice.inference;

    exports dev.sluice.rag;
}
