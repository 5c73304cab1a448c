/**
 * Retrieval-augmented generation on the engine: retrieve (embed with ONNX Runtime, search a jvector or flat
 * index), prompt (templates recorded in the evidence chain) and generate (llama.cpp, seeded, streamed) nodes,
 * made by {@link dev.sluice.rag.RagNodes} and added with {@code FlowBuilder.call}.
 */
package dev.sluice.rag;
