package dev.sluice.inference.embed;

import dev.sluice.core.BadInputException;
import dev.sluice.core.memory.FloatMatrix;
import dev.sluice.inference.ModelIdentity;
import dev.sluice.inference.embed.internal.EmbedderContract;
import dev.sluice.inference.embed.internal.HfTokenizer;
import dev.sluice.inference.embed.internal.OnnxFileCheck;
import dev.sluice.inference.embed.internal.RunDispatcher;
import dev.sluice.inference.embed.internal.SessionFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * An {@link Embedder} that runs a sentence-embedding model exported to ONNX on ONNX Runtime, with the model's Hugging
 * Face {@code tokenizer.json}.
 *
 * <p><b>Data path.</b> The tokenizer writes token ids, attention mask and token types of a batch (padded to its
 * longest text) into reused off-heap buffers; ONNX Runtime reads them in place and writes the model's output into a
 * pre-allocated ("pinned") off-heap tensor; pooling (mean over the mask, or the first token) and optional L2
 * normalisation write each vector straight into the caller's {@link FloatMatrix} row. No {@code float[][]} is made.
 *
 * <p><b>Model contract.</b> Inputs are found by name: {@code input_ids} (required), {@code attention_mask} and
 * {@code token_type_ids} (fed when the model has them), all int64 {@code [batch, tokens]}. The output is the one
 * named in the builder or else the first float output of rank 3 ({@code [batch, tokens, dimension]}); a rank-2
 * output ({@code [batch, dimension]}) is taken as already pooled. The dimension is read from the model.
 *
 * <p><b>Before native code.</b> The model file is checked in Java ({@link OnnxFileCheck}: size and protobuf structure)
 * before ONNX Runtime parses it, so a wrong or damaged file is a {@link dev.sluice.core.CorruptDataException}, not a
 * crash. The tokenizer file is checked in Java too ({@code TokenizerFileCheck}): one the tokenizer library would
 * abort the JVM on (an empty vocabulary, say), or one with token ids outside the model's vocabulary (the rows of its
 * word-embedding table, when the model has the usual shape), is a {@link BadInputException} naming the file. The
 * native libraries are set up on a thread with a 16 MiB stack that Sluice starts for the job, so building an
 * embedder does not depend on the stack size of the caller's thread ({@code -Xss}).
 *
 * <p><b>GPU.</b> {@link Builder#cuda(int)} asks for the CUDA execution provider. It needs
 * {@code com.microsoft.onnxruntime:onnxruntime_gpu} (same version) on the class path instead of
 * {@code onnxruntime}, an NVIDIA driver, and the CUDA and cuDNN libraries that ONNX Runtime release names, on
 * {@code LD_LIBRARY_PATH}. When any of this is missing the embedder runs on CPU, logs a warning, and says so in
 * {@link #executionProvider()} and {@link #fallbackReason()}.
 *
 * <p><b>Cost and threads.</b> Thread-safe; concurrent calls run in parallel, each with its own scratch memory from a
 * pool (off-heap memory is reused; on the heap, a call makes the token arrays the tokenizer binding returns, about
 * 16 bytes a token, and small index arrays). Texts are tokenised together (in windows of 256 for long lists), by
 * the same threads that run the model ({@link Builder#runThreads(int)}, each taking the next text), ordered by token
 * count and split into runs of at most {@link Builder#maxBatchSize(int)} by a cost model
 * ({@code RunPlanner}: a run costs a fixed amount plus its padded token positions), so a long text does not make
 * many short ones pad to its length; each run is padded to its own longest text, and the vectors land in the
 * caller's order. The split depends only on the batch, so the same batch gives the same bytes.
 *
 * <p>A call that makes one run (a single text, or a few of similar length) runs it on the caller with
 * {@link Builder#intraOpThreads(int)} threads inside each operator: lowest latency. A call that makes several runs
 * spreads them over {@link Builder#runThreads(int)} threads (the caller and shared daemon helpers), each run on one
 * thread of a second, single-threaded session over the same model: the cores work on different runs instead of
 * meeting at a barrier after each of the model's some 300 operators. The second session costs a second copy of the
 * model's weights in native memory; {@code runThreads(1)} does without it. {@link #close()} waits for calls in
 * progress; afterwards every call throws {@link IllegalStateException}.
 */
public final class OnnxEmbedder implements Embedder {
    /** The runtime name in {@link ModelIdentity}. */
    public static final String RUNTIME = "onnxruntime";

    private final RunDispatcher dispatcher;
    private final int dimension;
    private final ExecutionProvider executionProvider;
    private final String fallbackReason;
    private final ModelIdentity identity;

    private OnnxEmbedder(
            RunDispatcher dispatcher, ModelIdentity identity, ExecutionProvider provider, String fallbackReason) {
        this.dispatcher = dispatcher;
        this.dimension = dispatcher.dimension();
        this.identity = identity;
        this.executionProvider = provider;
        this.fallbackReason = fallbackReason;
    }

    /**
     * Starts a builder.
     *
     * @param modelFile the {@code .onnx} model
     * @param tokenizerFile its Hugging Face {@code tokenizer.json}
     * @return a builder with the defaults: mean pooling, L2 normalisation, the tokenizer's token limit, truncation,
     *     runs of up to 16 texts, CPU, basic graph optimisations on CPU (all on CUDA), deterministic compute
     */
    public static Builder builder(Path modelFile, Path tokenizerFile) {
        return new Builder(modelFile, tokenizerFile);
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public ModelIdentity identity() {
        return identity;
    }

    /** @return the provider the model runs on: {@link ExecutionProvider#CUDA} only if it was asked for and works */
    public ExecutionProvider executionProvider() {
        return executionProvider;
    }

    /** @return why CUDA was asked for but the model runs on CPU, or {@code null} when there was no fallback */
    public String fallbackReason() {
        return fallbackReason;
    }

    /** @return the token limit per text, special tokens included */
    public int maxTokens() {
        return dispatcher.maxTokens();
    }

    /** @return the most texts given to the model in one run */
    public int maxBatchSize() {
        return dispatcher.maxBatchSize();
    }

    /** @return how many threads work on the runs of a call that makes several (1: runs one after the other) */
    public int runThreads() {
        return dispatcher.runThreads();
    }

    /** @return how many texts this embedder has cut to {@link #maxTokens()} since it was built */
    public long truncatedTexts() {
        return dispatcher.truncatedTexts();
    }

    @Override
    public float[] embed(String text) {
        EmbedderContract.checkText(text, 0);
        float[] vector = new float[dimension];
        dispatcher.embed(text, vector);
        return vector;
    }

    @Override
    public FloatMatrix embedAll(List<String> texts) {
        EmbedderContract.checkTexts(texts);
        FloatMatrix matrix = FloatMatrix.allocate("embeddings", texts.size(), dimension);
        try {
            embedInto(texts, matrix, 0);
            return matrix;
        } catch (RuntimeException e) {
            matrix.close();
            throw e;
        }
    }

    @Override
    public EmbeddedBatch embedInto(List<String> texts, FloatMatrix target, int firstRow) {
        EmbedderContract.checkTexts(texts);
        Objects.requireNonNull(target, "target");
        EmbedderContract.checkTarget(target, firstRow, texts.size(), dimension, identity.name());
        return dispatcher.embedInto(texts, target.segment(), 4L * dimension * firstRow);
    }

    @Override
    public void close() {
        dispatcher.close();
    }

    @Override
    public String toString() {
        return "OnnxEmbedder[" + identity.key() + ", dimension " + dimension + ", " + executionProvider + "]";
    }

    /**
     * Configures an {@link OnnxEmbedder}; {@link #build()} checks everything and loads the model. Not thread-safe.
     */
    public static final class Builder {
        private final Path modelFile;
        private final Path tokenizerFile;
        private Pooling pooling = Pooling.MEAN;
        private boolean normalize = true;
        private Overlength overlength = Overlength.TRUNCATE;
        private int maxTokens;
        private int maxBatchSize = 16;
        private String outputName;
        private String modelName;
        private int intraOpThreads;
        private int interOpThreads;
        private int runThreads = Runtime.getRuntime().availableProcessors();
        private GraphOptimization optimization;
        private boolean memoryPattern = true;
        private boolean deterministic = true;
        private boolean spinning = true;
        private int cudaDeviceId = -1;

        private Builder(Path modelFile, Path tokenizerFile) {
            if (modelFile == null || tokenizerFile == null) {
                throw new BadInputException("an embedder needs a model file and a tokenizer file; got " + modelFile
                        + " and " + tokenizerFile);
            }
            this.modelFile = modelFile;
            this.tokenizerFile = tokenizerFile;
        }

        /**
         * @param pooling how token vectors become one vector (default {@link Pooling#MEAN})
         * @return this builder
         */
        public Builder pooling(Pooling pooling) {
            this.pooling = Objects.requireNonNull(pooling, "pooling");
            return this;
        }

        /**
         * @param normalize whether vectors are scaled to unit L2 length (default true)
         * @return this builder
         */
        public Builder normalize(boolean normalize) {
            this.normalize = normalize;
            return this;
        }

        /**
         * @param overlength what to do with a text longer than the token limit (default {@link Overlength#TRUNCATE})
         * @return this builder
         */
        public Builder overlength(Overlength overlength) {
            this.overlength = Objects.requireNonNull(overlength, "overlength");
            return this;
        }

        /**
         * @param maxTokens the token limit per text with special tokens, at least 2 (default: the tokenizer file's
         *     truncation length, or 512 when it has none)
         * @return this builder
         */
        public Builder maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        /**
         * @param maxBatchSize the most texts given to the model in one run (default 16; a GPU wants more); texts are
         *     ordered by token count and split into runs of at most this many where padding would cost more than a
         *     run
         * @return this builder
         */
        public Builder maxBatchSize(int maxBatchSize) {
            this.maxBatchSize = maxBatchSize;
            return this;
        }

        /**
         * @param outputName the model output to pool (default: the first float output of rank 3)
         * @return this builder
         */
        public Builder outputName(String outputName) {
            this.outputName = outputName;
            return this;
        }

        /**
         * @param modelName the name in {@link #identity()} (default: the model file name without {@code .onnx})
         * @return this builder
         */
        public Builder modelName(String modelName) {
            this.modelName = modelName;
            return this;
        }

        /**
         * @param intraOpThreads threads inside one operator for a call that makes one run, 0 for ONNX Runtime's choice
         *     (the physical cores)
         * @return this builder
         */
        public Builder intraOpThreads(int intraOpThreads) {
            this.intraOpThreads = intraOpThreads;
            return this;
        }

        /**
         * @param runThreads how many threads, the caller included, tokenise the texts of a call and work on its runs
         *     when it makes several, each run on one thread of a second session over the model (default: the
         *     available processors); 1 runs them one after the other on the caller with {@link #intraOpThreads(int)},
         *     loads the model once, and leaves tokenising a batch to the tokenizer library's own thread pool
         * @return this builder
         */
        public Builder runThreads(int runThreads) {
            this.runThreads = runThreads;
            return this;
        }

        /**
         * @param interOpThreads threads across independent operators, 0 for ONNX Runtime's choice
         * @return this builder
         */
        public Builder interOpThreads(int interOpThreads) {
            this.interOpThreads = interOpThreads;
            return this;
        }

        /**
         * @param optimization the graph optimisation level (default: {@link GraphOptimization#BASIC} on CPU, where
         *     ONNX Runtime 1.29's fused LayerNormalization kernel is slower than the unfused operators it replaces;
         *     {@link GraphOptimization#ALL} on CUDA)
         * @return this builder
         */
        public Builder optimization(GraphOptimization optimization) {
            this.optimization = Objects.requireNonNull(optimization, "optimization");
            return this;
        }

        /**
         * @param memoryPattern whether ONNX Runtime plans memory from the first run's shapes (default true)
         * @return this builder
         */
        public Builder memoryPattern(boolean memoryPattern) {
            this.memoryPattern = memoryPattern;
            return this;
        }

        /**
         * @param deterministic whether ONNX Runtime uses deterministic kernels where it has a choice (default true)
         * @return this builder
         */
        public Builder deterministic(boolean deterministic) {
            this.deterministic = deterministic;
            return this;
        }

        /**
         * @param spinning whether idle intra-op threads spin for the next piece of work (default true, ONNX Runtime's
         *     default: lowest latency on dedicated cores); false yields the cores on a shared machine
         * @return this builder
         */
        public Builder spinning(boolean spinning) {
            this.spinning = spinning;
            return this;
        }

        /**
         * Asks for the CUDA execution provider, falling back to CPU with a warning when it cannot be used.
         *
         * @param deviceId the GPU, from 0
         * @return this builder
         */
        public Builder cuda(int deviceId) {
            if (deviceId < 0) {
                throw new BadInputException("CUDA device id must be at least 0, got " + deviceId);
            }
            this.cudaDeviceId = deviceId;
            return this;
        }

        /**
         * Checks the settings and the files, then loads the tokenizer and the model.
         *
         * @return the embedder; close it to free native memory
         * @throws BadInputException for a bad setting, a missing or unreadable file, a file that is not a model or
         *     a tokenizer ({@link dev.sluice.core.CorruptDataException} for a malformed model), or a model
         *     without the inputs and outputs an embedder needs
         */
        public OnnxEmbedder build() {
            if (maxTokens != 0 && maxTokens < 2) {
                throw new BadInputException(
                        "maxTokens must be at least 2 (room for the special tokens), got " + maxTokens);
            }
            if (maxBatchSize < 1) {
                throw new BadInputException("maxBatchSize must be at least 1, got " + maxBatchSize);
            }
            if (runThreads < 1) {
                throw new BadInputException("runThreads must be at least 1, got " + runThreads);
            }
            if (intraOpThreads < 0 || interOpThreads < 0) {
                throw new BadInputException("thread counts must be 0 (automatic) or more, got intra-op "
                        + intraOpThreads + " and inter-op " + interOpThreads);
            }
            OnnxFileCheck.check(modelFile);
            HfTokenizer tokenizer = HfTokenizer.open(tokenizerFile, maxTokens, OnnxFileCheck.vocabularySize(modelFile));
            SessionFactory.Sessions sessions = null;
            try {
                sessions = new SessionFactory(
                                modelFile, interOpThreads, optimization, memoryPattern, deterministic, spinning)
                        .open(cudaDeviceId, intraOpThreads, runThreads);
                EmbedderContract contract = EmbedderContract.read(modelFile, outputName, sessions.session());
                ModelIdentity identity = contract.identity(
                        RUNTIME, modelName, modelFile, tokenizerFile, pooling, normalize, tokenizer.maxTokens());
                RunDispatcher dispatcher = new RunDispatcher(
                        sessions.session(),
                        sessions.runSession(),
                        tokenizer,
                        contract,
                        identity,
                        pooling,
                        normalize,
                        overlength,
                        maxBatchSize,
                        runThreads);
                return new OnnxEmbedder(dispatcher, identity, sessions.provider(), sessions.fallbackReason());
            } catch (RuntimeException e) {
                tokenizer.close();
                if (sessions != null) {
                    sessions.closeQuietly();
                }
                throw e;
            }
        }
    }
}
