/**
 * Model calls: ONNX Runtime embedders with Hugging Face tokenizers, llama.cpp generation through
 * java-llama.cpp, GGUF reading and validation, and model identity.
 */
package dev.sluice.inference;
