/**
 * Text generation with llama.cpp in-process: {@link dev.sluice.inference.llama.LlamaGenerator} over a validated GGUF
 * model, with seeded {@link dev.sluice.inference.llama.Sampling}, streaming and cancellation.
 */
package dev.sluice.inference.llama;
