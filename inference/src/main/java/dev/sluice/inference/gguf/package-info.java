/**
 * GGUF model files: {@link dev.sluice.inference.gguf.GgufFile} reads and validates one in Java before native code
 * sees it; {@link dev.sluice.inference.gguf.GgufWriter} writes one, and
 * {@link dev.sluice.inference.gguf.TinyLlamaModel} writes small seeded llama models for tests and benchmarks.
 */
package dev.sluice.inference.gguf;
