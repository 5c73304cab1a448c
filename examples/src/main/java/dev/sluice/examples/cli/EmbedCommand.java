package dev.sluice.examples.cli;

import dev.sluice.core.BadInputException;
import dev.sluice.core.memory.FloatMatrix;
import dev.sluice.examples.DefaultModels;
import dev.sluice.inference.embed.EmbeddedBatch;
import dev.sluice.inference.embed.OnnxEmbedder;
import dev.sluice.vector.Texmex;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice embed}: embeds a text file, one sentence per line, into a texmex {@code .fvecs} file, vector {@code i}
 * for line {@code i}. The vectors go from the model straight into one off-heap matrix, which is then written out.
 * Without {@code --model} it uses the default model ({@link DefaultModels}).
 */
@Command(
        name = "embed",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Embed one sentence per line of a text file into a .fvecs file.")
public final class EmbedCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE.onnx", description = "ONNX model (default: all-MiniLM-L6-v2)")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "tokenizer.json", description = "its Hugging Face tokenizer")
    Path tokenizer;

    @Option(names = "--in", required = true, paramLabel = "SENTENCES.txt", description = "UTF-8, one per line")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "VECTORS.fvecs", description = "the vectors")
    Path output;

    @Option(
            names = "--batch",
            paramLabel = "N",
            defaultValue = "16",
            description = "texts per model run (${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--no-normalize", description = "keep raw pooled vectors instead of unit length")
    boolean noNormalize;

    @Override
    public Integer call() {
        if ((model == null) != (tokenizer == null)) {
            throw new BadInputException("give --model and --tokenizer together, or neither for the default model");
        }
        if (batchSize < 1) {
            throw new BadInputException("--batch must be at least 1, got " + batchSize);
        }
        CliFiles.requireRegularFile(model, "--model");
        CliFiles.requireRegularFile(tokenizer, "--tokenizer");
        List<String> sentences = readSentences(CliFiles.requireRegularFile(input, "--in"));
        OnnxEmbedder.Builder builder =
                model == null ? DefaultModels.embedder() : OnnxEmbedder.builder(model, tokenizer);
        long startNs = System.nanoTime();
        try (OnnxEmbedder embedder =
                        builder.normalize(!noNormalize).maxBatchSize(batchSize).build();
                FloatMatrix vectors = FloatMatrix.allocate("embeddings", sentences.size(), embedder.dimension())) {
            EmbeddedBatch batch = embedder.embedInto(sentences, vectors, 0);
            Texmex.writeFvecs(output, vectors);
            spec.commandLine()
                    .getOut()
                    .printf(
                            "embedded %d sentences (dimension %d, %d cut to %d tokens) into %s in %.1f s with %s%n",
                            sentences.size(),
                            embedder.dimension(),
                            batch.truncatedTexts(),
                            embedder.maxTokens(),
                            output,
                            (System.nanoTime() - startNs) / 1e9,
                            embedder.identity().key());
        }
        return SluiceCli.EXIT_OK;
    }

    private static List<String> readSentences(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + " does not exist", e);
        } catch (CharacterCodingException e) {
            throw new BadInputException(file + " is not UTF-8 text", e);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e, e);
        }
        if (lines.isEmpty()) {
            throw new BadInputException(file + " has no lines; give one sentence per line");
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                throw new BadInputException(file + " line " + (i + 1) + " is blank; give one sentence per line");
            }
        }
        return lines;
    }
}
