/**
 * Sentence embeddings inside the JVM: {@link dev.sluice.inference.embed.Embedder} is the API,
 * {@link dev.sluice.inference.embed.OnnxEmbedder} runs any sentence-embedding model exported to ONNX with its Hugging
 * Face {@code tokenizer.json} on ONNX Runtime, writing vectors straight into an off-heap
 * {@link dev.sluice.core.memory.FloatMatrix}.
 *
 * <pre>{@code
 * try (OnnxEmbedder embedder = OnnxEmbedder.builder(Path.of("model.onnx"), Path.of("tokenizer.json")).build();
 *      FloatMatrix vectors = FloatMatrix.allocate("vectors", texts.size(), embedder.dimension())) {
 *     EmbeddedBatch batch = embedder.embedInto(texts, vectors, 0);   // batch.truncatedTexts() says what was cut
 * }
 * }</pre>
 *
 * <p><b>JVM flags.</b> {@code --enable-native-access=ALL-UNNAMED} (ONNX Runtime, the tokenizer and Sluice's own FFM
 * code load native libraries).
 *
 * <p><b>GPU.</b> Replace {@code com.microsoft.onnxruntime:onnxruntime} by
 * {@code com.microsoft.onnxruntime:onnxruntime_gpu} of the same version (a Maven exclusion on {@code sluice-inference}
 * plus the new dependency), install the NVIDIA driver and the CUDA 12 and cuDNN 9 libraries that ONNX Runtime's
 * release notes name, put them on {@code LD_LIBRARY_PATH}, and call
 * {@link dev.sluice.inference.embed.OnnxEmbedder.Builder#cuda(int)}. If any piece is missing the embedder logs a
 * warning, runs on CPU, and reports it through {@link dev.sluice.inference.embed.OnnxEmbedder#executionProvider()}
 * and {@link dev.sluice.inference.embed.OnnxEmbedder#fallbackReason()}.
 *
 * <p><b>No downloads.</b> Models are files the caller names (or, in the examples, files copied from a jar by
 * {@link dev.sluice.inference.embed.ModelFiles}); the tokenizer's native library comes from DJL's jar (see
 * {@code HfTokenizer} in the internal package for the properties that keep DJL offline).
 */
package dev.sluice.inference.embed;
