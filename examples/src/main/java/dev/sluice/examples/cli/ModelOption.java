package dev.sluice.examples.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --model FILE.gguf} option of {@code sluice demo} and {@code sluice ask}, as a picocli mixin. */
final class ModelOption {
    @Option(
            names = "--model",
            paramLabel = "FILE.gguf",
            description = "A GGUF language model for llama.cpp; without it the built-in extractive generator answers.")
    Path model;
}
