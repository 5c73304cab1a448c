/**
 * Machinery of the ONNX embedder behind {@link dev.sluice.inference.embed.OnnxEmbedder}: the model and call contract
 * ({@link dev.sluice.inference.embed.internal.EmbedderContract}), session creation
 * ({@link dev.sluice.inference.embed.internal.SessionFactory}), run planning and dispatch
 * ({@link dev.sluice.inference.embed.internal.RunDispatcher}) and the pieces they use: tokenizer, model-file check,
 * run planner, run threads, scratch memory and pooling. Not API.
 */
package dev.sluice.inference.embed.internal;
