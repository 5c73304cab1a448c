/**
 * Sentence embeddings inside the JVM: {@link dev.sluice.inference.embed.Embedder} is the API,
 * {@link dev.sluice.inference.embed.OnnxEmbedder} runs any sentence-embedding model exported to ONNX with its Hugging
 * Face {@code tokenizer.json} on ONNX Runtime, writing vectors straight into an off-heap
 * {@link dev.sluice.core.memory.FloatMatrix}.
 */
package dev.sluice.inference.embed;
