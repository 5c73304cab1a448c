package dev.sluice.inference.embed;

/** ONNX Runtime's graph optimisation levels, applied once when the session is created. */
public enum GraphOptimization {
    /** No rewriting: the graph runs as exported. */
    NONE,
    /** Constant folding and redundant-node removal. */
    BASIC,
    /** Also operator fusions (attention, layer norm, GELU) for the chosen execution provider. */
    EXTENDED,
    /** Also layout optimisations; the fastest, and ONNX Runtime's default. */
    ALL
}
