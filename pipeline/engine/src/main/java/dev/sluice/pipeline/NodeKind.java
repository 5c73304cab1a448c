package dev.sluice.pipeline;

/** The kinds of node a flow is made of, as {@link NodeTrace#kind()} reports them. */
public enum NodeKind {
    /**
     * A pure function of its input: no side effects; not in the result cache, but a started pipeline reuses its
     * recent outputs for the same input bytes.
     */
    MAP,
    /** An adapter with side effects (a model call, an index read): cached by key, bounded concurrency. */
    CALL,
    /** A quality gate: pass, rewrite, degrade or fall back; its decision is recorded. */
    GATE,
    /** A side effect on the value (persist, publish); the value passes through unchanged. */
    SINK
}
