/**
 * Model calls: ONNX Runtime embedders with Hugging Face tokenizers, llama.cpp generation through
 * java-llama.cpp, GGUF reading and validation, and model identity. Filled by the embedding and generation issues.
 */
package dev.sluice.inference;
