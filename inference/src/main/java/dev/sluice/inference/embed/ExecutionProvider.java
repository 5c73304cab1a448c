package dev.sluice.inference.embed;

/** Where ONNX Runtime runs a model. */
public enum ExecutionProvider {
    /** ONNX Runtime's CPU kernels; always available. */
    CPU,
    /**
     * NVIDIA GPUs through the CUDA execution provider; needs the {@code com.microsoft.onnxruntime:onnxruntime_gpu}
     * artifact instead of {@code onnxruntime}, and CUDA and cuDNN libraries that match it on the library path.
     */
    CUDA
}
