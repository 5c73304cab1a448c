package dev.sluice.examples.cli;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import dev.sluice.core.BadInputException;
import dev.sluice.core.memory.FloatMatrix;
import dev.sluice.examples.DefaultModels;
import dev.sluice.inference.embed.EmbeddedBatch;
import dev.sluice.inference.embed.OnnxEmbedder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice embed}: embeds a text file, one sentence per line, into a texmex {@code .fvecs} file (per vector: the
 * dimension as a little-endian int32, then that many little-endian float32), row {@code i} for line {@code i}.
 * Without {@code --model} it uses the default model ({@link DefaultModels}).
 */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Embed one sentence per line of a text file into a .fvecs file.")
public final class EmbedCommand implements Callable<Integer> {
    private static final ValueLayout.OfFloat FLOAT_LE = JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_LE = JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

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

    @Option(names = "--batch", paramLabel = "N", defaultValue = "16", description = "texts per model run (${DEFAULT-VALUE})")
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
        List<String> sentences = readSentences(input);
        OnnxEmbedder.Builder builder = model == null ? DefaultModels.embedder() : OnnxEmbedder.builder(model, tokenizer);
        long startNs = System.nanoTime();
        int truncated = 0;
        try (OnnxEmbedder embedder = builder.normalize(!noNormalize).maxBatchSize(batchSize).build();
             FloatMatrix chunk = FloatMatrix.allocate("embed chunk", batchSize, embedder.dimension());
             OutputStream out = Files.newOutputStream(output)) {
            int dimension = embedder.dimension();
            long recordBytes = 4L + 4L * dimension;
            MemorySegment record = MemorySegment.ofArray(new byte[Math.toIntExact(recordBytes * batchSize)]);
            for (int first = 0; first < sentences.size(); first += batchSize) {
                int count = Math.min(batchSize, sentences.size() - first);
                EmbeddedBatch batch = embedder.embedInto(sentences.subList(first, first + count), chunk, 0);
                truncated += batch.truncatedTexts();
                MemorySegment vectors = chunk.segment();
                for (int row = 0; row < count; row++) {
                    long at = row * recordBytes;
                    record.set(INT_LE, at, dimension);
                    for (int d = 0; d < dimension; d++) {
                        record.set(FLOAT_LE, at + 4 + 4L * d, vectors.getAtIndex(JAVA_FLOAT_UNALIGNED,
                                (long) row * dimension + d));
                    }
                }
                out.write((byte[]) record.heapBase().orElseThrow(), 0, Math.toIntExact(count * recordBytes));
            }
            PrintWriter err = spec.commandLine().getErr();
            err.printf("embedded %d sentences (dimension %d, %d cut to %d tokens) into %s in %d ms with %s%n",
                    sentences.size(), dimension, truncated, embedder.maxTokens(), output,
                    (System.nanoTime() - startNs) / 1_000_000, embedder.identity().key());
            err.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + output, e);
        }
        return 0;
    }

    private static List<String> readSentences(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
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
