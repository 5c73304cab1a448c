package dev.sluice.inference.llama;

/** Why a generation ended. */
public enum FinishReason {
    /** The model emitted an end-of-generation token or a stop string was found. */
    STOP,
    /** The maximum number of tokens was generated. */
    LENGTH,
    /** The caller cancelled it, closed its stream or closed the generator. */
    CANCELLED
}
