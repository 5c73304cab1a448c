package dev.sluice.examples.cli;

import dev.sluice.core.BadInputException;
import dev.sluice.inference.llama.Completion;
import dev.sluice.inference.llama.LlamaConfig;
import dev.sluice.inference.llama.LlamaGenerator;
import dev.sluice.inference.llama.Sampling;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice generate}: streams a completion of a prompt to stdout, then a summary line on stderr. The model
 * file is validated in Java before llama.cpp loads it. As llama.cpp keeps a native thread, the JVM exits only
 * because {@link SluiceCli#main} calls {@link System#exit(int)}.
 */
@Command(
        name = "generate",
        description =
                "Generates text with llama.cpp from a GGUF model, streamed to stdout; " + "seeded and reproducible.")
final class GenerateCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE.gguf", description = "The GGUF model.")
    private Path model;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "The prompt, used as is.")
    private String prompt;

    @Option(names = "--seed", paramLabel = "S", description = "The sampling seed (default: 0).")
    private long seed;

    @Option(names = "--temperature", paramLabel = "T", description = "0 for greedy (the default), up to 100.")
    private float temperature;

    @Option(
            names = "--top-k",
            paramLabel = "K",
            description = "Keep the K most likely tokens; 0 for all (default: 40).")
    private int topK = 40;

    @Option(names = "--top-p", paramLabel = "P", description = "Nucleus sampling in (0, 1] (default: 0.95).")
    private float topP = 0.95f;

    @Option(names = "--max-tokens", paramLabel = "N", description = "The most tokens to generate (default: 128).")
    private int maxTokens = 128;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads; 0 chooses by model size (default).")
    private int threads;

    @Option(names = "--context", paramLabel = "N", description = "Context tokens; 0 for the model's, at most 4096.")
    private int contextSize;

    @Option(names = "--json-schema", paramLabel = "FILE", description = "A JSON schema the output must follow.")
    private Path jsonSchema;

    @Override
    public Integer call() throws IOException {
        CliFiles.requireRegularFile(model, "--model");
        Sampling sampling = Sampling.seeded(seed)
                .withTemperature(temperature)
                .withTopK(topK)
                .withTopP(topP)
                .withMaxTokens(maxTokens);
        if (jsonSchema != null) {
            if (!Files.isRegularFile(jsonSchema)) {
                throw new BadInputException("--json-schema " + jsonSchema + " is not a readable file");
            }
            sampling = sampling.withJsonSchema(Files.readString(jsonSchema));
        }
        PrintWriter out = spec.commandLine().getOut();
        try (LlamaGenerator generator =
                LlamaGenerator.open(LlamaConfig.of(model).withThreads(threads).withContextSize(contextSize))) {
            Completion completion = generator.complete(prompt, sampling, piece -> {
                out.print(TerminalText.text(piece));
                out.flush();
            });
            out.println();
            out.flush();
            spec.commandLine()
                    .getErr()
                    .println("[" + completion.promptTokens() + " prompt tokens, " + completion.completionTokens()
                            + " generated, finish: " + completion.finishReason() + "]");
        }
        return SluiceCli.EXIT_OK;
    }
}
