/**
 * GGUF model files: {@link dev.sluice.inference.gguf.GgufFile} reads and validates one in Java before native code
 * sees it. (The tests' tiny llama models are written by {@code sluice-test-fixtures}, independently of this
 * parser.)
 */
package dev.sluice.inference.gguf;
