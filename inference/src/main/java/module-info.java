/**
 * Sluice inference: ONNX Runtime embedders with Hugging Face tokenizers, llama.cpp generation through
 * java-llama.cpp, GGUF reading and validation before native code sees a file, and content-derived model identity.
 */
module dev.sluice.inference {
    requires transitive dev.sluice.core;
    requires dev.sluice.ffi;
    requires com.microsoft.onnxruntime;
    requires ai.djl.tokenizers;
    requires llama;
    requires com.google.gson;

    exports dev.sluice.inference;
    exports dev.sluice.inference.embed;
    exports dev.sluice.inference.gguf;
    exports dev.sluice.inference.llama;
}
