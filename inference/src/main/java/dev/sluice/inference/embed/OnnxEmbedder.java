package dev.sluice.inference.embed;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.sluice.core.BadInputException;
import dev.sluice.core.SluiceException;
import dev.sluice.core.hash.ContentHash;
import dev.sluice.core.memory.FloatMatrix;
import dev.sluice.inference.ModelIdentity;
import dev.sluice.inference.embed.internal.HfTokenizer;
import dev.sluice.inference.embed.internal.OnnxFileCheck;
import dev.sluice.inference.embed.internal.Pooler;
import dev.sluice.inference.embed.internal.RunPlanner;
import dev.sluice.inference.embed.internal.RunWorkers;
import dev.sluice.inference.embed.internal.Scratch;
import dev.sluice.inference.embed.internal.ScratchPool;
import dev.sluice.inference.embed.internal.TokenizedBatch;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;

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
 * crash.
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
 * meeting at a barrier after each of the model's some 300 operators, which on two cores makes a batch of 32 about
 * 25% faster, and far more on a busy machine. The second session costs a second copy of the model's weights in
 * native memory; {@code runThreads(1)} does without it. {@link #close()} waits for calls in progress; afterwards
 * every call throws {@link IllegalStateException}.
 */
public final class OnnxEmbedder implements Embedder {
    /** The runtime name in {@link ModelIdentity}. */
    public static final String RUNTIME = "onnxruntime";
    private static final String INPUT_IDS = "input_ids";
    private static final String ATTENTION_MASK = "attention_mask";
    private static final String TOKEN_TYPE_IDS = "token_type_ids";
    /** Texts tokenised and planned together; a longer list is taken in windows of texts of similar length. */
    private static final int WINDOW_TEXTS = 256;
    private static final System.Logger LOG = System.getLogger(OnnxEmbedder.class.getName());

    private final OrtEnvironment environment;
    private final OrtSession session;
    /** Single-threaded session over the same model for runs spread over {@link #runWorkers}; null when unused. */
    private final OrtSession runSession;
    private final HfTokenizer tokenizer;
    private final ScratchPool scratchPool;
    private final RunWorkers runWorkers;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private final LongAdder truncatedTexts = new LongAdder();
    private final boolean feedsMask;
    private final boolean feedsTypes;
    private final String outputName;
    private final boolean outputPerToken;
    private final int dimension;
    private final Pooling pooling;
    private final boolean normalize;
    private final Overlength overlength;
    private final int maxBatchSize;
    private final ExecutionProvider executionProvider;
    private final String fallbackReason;
    private final ModelIdentity identity;
    private boolean closed;

    private OnnxEmbedder(Builder builder, OrtSession session, OrtSession runSession, HfTokenizer tokenizer,
            ExecutionProvider provider, String fallbackReason) {
        this.environment = OrtEnvironment.getEnvironment();
        this.session = session;
        this.runSession = runSession;
        this.tokenizer = tokenizer;
        this.pooling = builder.pooling;
        this.normalize = builder.normalize;
        this.overlength = builder.overlength;
        this.maxBatchSize = builder.maxBatchSize;
        this.executionProvider = provider;
        this.fallbackReason = fallbackReason;
        this.scratchPool = new ScratchPool(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
        this.runWorkers = new RunWorkers(runSession == null ? 1 : builder.runThreads, scratchPool, "sluice-embed");
        Map<String, NodeInfo> inputs;
        Map<String, NodeInfo> outputs;
        try {
            inputs = session.getInputInfo();
            outputs = session.getOutputInfo();
        } catch (OrtException e) {
            throw new SluiceException("cannot read the inputs and outputs of model " + builder.modelFile, e);
        }
        checkInputs(builder.modelFile, inputs);
        this.feedsMask = inputs.containsKey(ATTENTION_MASK);
        this.feedsTypes = inputs.containsKey(TOKEN_TYPE_IDS);
        this.outputName = chooseOutput(builder.modelFile, builder.outputName, outputs);
        long[] shape = ((TensorInfo) outputs.get(outputName).getInfo()).getShape();
        this.outputPerToken = shape.length == 3;
        long declaredDimension = shape[shape.length - 1];
        this.dimension = declaredDimension > 0 ? Math.toIntExact(declaredDimension) : probeDimension();
        String modelName = builder.modelName != null ? builder.modelName : stem(builder.modelFile);
        this.identity = ModelIdentity.of(RUNTIME, modelName + "/" + outputName + "/"
                + (outputPerToken ? pooling.name().toLowerCase(Locale.ROOT) : "pooled") + (normalize ? "+l2" : "")
                + "/max" + tokenizer.maxTokens() + "/tokenizer-"
                + ContentHash.ofFile(builder.tokenizerFile).hex().substring(0, 16), builder.modelFile);
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
        return tokenizer.maxTokens();
    }

    /** @return the most texts given to the model in one run */
    public int maxBatchSize() {
        return maxBatchSize;
    }

    /** @return how many threads work on the runs of a call that makes several (1: runs one after the other) */
    public int runThreads() {
        return runWorkers.threads();
    }

    /** @return how many texts this embedder has cut to {@link #maxTokens()} since it was built */
    public long truncatedTexts() {
        return truncatedTexts.sum();
    }

    @Override
    public float[] embed(String text) {
        checkText(text, 0);
        float[] vector = new float[dimension];
        embedWindow(new String[] {text}, new int[1], MemorySegment.ofArray(vector), 0L);
        return vector;
    }

    @Override
    public FloatMatrix embedAll(List<String> texts) {
        checkTexts(texts);
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
        checkTexts(texts);
        Objects.requireNonNull(target, "target");
        if (target.dimension() != dimension) {
            throw new BadInputException("matrix " + target.name() + " has dimension " + target.dimension()
                    + " but model " + identity.name() + " makes vectors of dimension " + dimension);
        }
        if (firstRow < 0 || (long) firstRow + texts.size() > target.rows()) {
            throw new BadInputException("matrix " + target.name() + " has " + target.rows() + " rows; rows "
                    + firstRow + " to " + ((long) firstRow + texts.size() - 1) + " do not fit");
        }
        MemorySegment memory = target.segment();
        long[] byLength = sortedByLength(texts);
        int truncated = 0;
        int longest = 0;
        for (int first = 0; first < texts.size(); first += WINDOW_TEXTS) {
            int count = Math.min(WINDOW_TEXTS, texts.size() - first);
            String[] window = new String[count];
            int[] rows = new int[count];
            for (int k = 0; k < count; k++) {
                rows[k] = (int) byLength[first + k];
                window[k] = texts.get(rows[k]);
            }
            long stats = embedWindow(window, rows, memory, 4L * dimension * firstRow);
            truncated += (int) (stats >>> 32);
            longest = Math.max(longest, (int) stats);
        }
        return new EmbeddedBatch(texts.size(), truncated, longest);
    }

    /**
     * Orders texts by length in characters, so that a long list is tokenised in windows of texts of similar length.
     *
     * @return {@code length << 32 | index} per text, ascending
     */
    private static long[] sortedByLength(List<String> texts) {
        long[] byLength = new long[texts.size()];
        for (int i = 0; i < byLength.length; i++) {
            byLength[i] = (long) texts.get(i).length() << 32 | i;
        }
        Arrays.sort(byLength);
        return byLength;
    }

    /**
     * Tokenises a window of texts, orders them by token count, splits them into runs ({@link RunPlanner}) and runs
     * each into the target, all under the read lock.
     *
     * @param rows per text, its row relative to {@code baseOffsetBytes} (its index in the caller's list)
     * @return {@code truncated << 32 | longest token count}
     */
    private long embedWindow(String[] texts, int[] rows, MemorySegment target, long baseOffsetBytes) {
        ReentrantReadWriteLock.ReadLock lock = lifecycle.readLock();
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("embedder for " + identity.key() + " is closed");
            }
            TokenizedBatch batch = tokenizer.tokenize(texts, feedsTypes, runWorkers);
            if (batch.truncatedTexts > 0) {
                if (overlength == Overlength.REJECT) {
                    throw new BadInputException("text " + rows[batch.firstTruncated] + " has more than the "
                            + tokenizer.maxTokens() + " tokens model " + identity.name() + " accepts");
                }
                truncatedTexts.add(batch.truncatedTexts);
            }
            int count = texts.length;
            long[] byTokens = new long[count];
            for (int i = 0; i < count; i++) {
                byTokens[i] = (long) batch.tokens(i) << 32 | i;
            }
            Arrays.sort(byTokens);
            int[] order = new int[count];
            int[] sortedTokens = new int[count];
            for (int i = 0; i < count; i++) {
                order[i] = (int) byTokens[i];
                sortedTokens[i] = (int) (byTokens[i] >>> 32);
            }
            int[] runEnds = new int[count];
            int runs = RunPlanner.plan(sortedTokens, maxBatchSize, dimension, runEnds);
            if (runs > 1 && runWorkers.canSpread(target)) {
                runWorkers.runAll(runs, (run, scratch) -> runOnce(runSession, batch, order,
                        run == 0 ? 0 : runEnds[run - 1], runEnds[run], sortedTokens, rows, scratch, target,
                        baseOffsetBytes));
            } else {
                Scratch scratch = scratchPool.acquire();
                try {
                    for (int run = 0; run < runs; run++) {
                        runOnce(session, batch, order, run == 0 ? 0 : runEnds[run - 1], runEnds[run], sortedTokens,
                                rows, scratch, target, baseOffsetBytes);
                    }
                } finally {
                    scratchPool.release(scratch);
                }
            }
            return (long) batch.truncatedTexts << 32 | sortedTokens[count - 1];
        } finally {
            lock.unlock();
        }
    }

    /** Runs the model on texts {@code order[from..to)}, padded to the longest of them, and pools them into rows. */
    private void runOnce(OrtSession runner, TokenizedBatch batch, int[] order, int from, int to, int[] sortedTokens,
            int[] rows, Scratch scratch, MemorySegment target, long baseOffsetBytes) {
        int count = to - from;
        int length = sortedTokens[to - 1];
        int floats = outputPerToken ? count * length * dimension : count * dimension;
        scratch.ensureCapacity((long) count * length, floats);
        tokenizer.writeRun(batch, order, from, to, length, scratch);
        OnnxTensor output = null;
        try {
            feedInputs(scratch, count, length);
            output = OnnxTensor.createTensor(environment, scratch.outputBuffer(floats),
                    outputPerToken ? new long[] {count, length, dimension} : new long[] {count, dimension});
            scratch.pinnedOutputs.put(outputName, output);
            runner.run(scratch.inputs, scratch.pinnedOutputs).close();
        } catch (OrtException e) {
            throw new SluiceException("ONNX Runtime failed on a batch of " + count + " texts of " + length
                    + " tokens with model " + identity.name() + ": " + e.getMessage(), e);
        } finally {
            closeInputs(scratch);
            if (output != null) {
                output.close();
            }
        }
        pool(scratch, order, from, to, length, rows, target, baseOffsetBytes);
    }

    private void pool(Scratch scratch, int[] order, int from, int to, int length, int[] rows, MemorySegment target,
            long baseOffsetBytes) {
        MemorySegment output = scratch.output();
        long vectorBytes = 4L * dimension;
        for (int i = 0; i < to - from; i++) {
            long at = baseOffsetBytes + rows[order[from + i]] * vectorBytes;
            if (!outputPerToken) {
                Pooler.copy(output, i * vectorBytes, dimension, target, at);
            } else if (pooling == Pooling.MEAN) {
                Pooler.mean(output, scratch.mask(), i, length, dimension, target, at);
            } else {
                Pooler.copy(output, (long) i * length * vectorBytes, dimension, target, at);
            }
            if (normalize) {
                Pooler.normalize(target, at, dimension);
            }
        }
    }

    private void feedInputs(Scratch scratch, int count, int length) throws OrtException {
        long[] shape = {count, length};
        int tokens = count * length;
        scratch.inputs.put(INPUT_IDS, OnnxTensor.createTensor(environment, scratch.idsBuffer(tokens), shape));
        if (feedsMask) {
            scratch.inputs.put(ATTENTION_MASK, OnnxTensor.createTensor(environment, scratch.maskBuffer(tokens),
                    shape));
        }
        if (feedsTypes) {
            scratch.inputs.put(TOKEN_TYPE_IDS, OnnxTensor.createTensor(environment, scratch.typesBuffer(tokens),
                    shape));
        }
    }

    /** Closes this run's tensors; the maps keep their keys so that the next run's puts allocate no entries. */
    private static void closeInputs(Scratch scratch) {
        for (OnnxTensor tensor : scratch.inputs.values()) {
            if (!tensor.isClosed()) {
                tensor.close();
            }
        }
    }

    /** Runs the model once on a short text to learn a dimension the model leaves symbolic. */
    private int probeDimension() {
        try (Scratch scratch = new Scratch()) {
            TokenizedBatch batch = tokenizer.tokenize(new String[] {"dimension probe"}, feedsTypes, runWorkers);
            int length = batch.tokens(0);
            scratch.ensureCapacity(length, 0);
            tokenizer.writeRun(batch, new int[1], 0, 1, length, scratch);
            feedInputs(scratch, 1, length);
            try (OrtSession.Result result = session.run(scratch.inputs, java.util.Set.of(outputName))) {
                long[] shape = ((TensorInfo) result.get(0).getInfo()).getShape();
                return Math.toIntExact(shape[shape.length - 1]);
            } finally {
                closeInputs(scratch);
            }
        } catch (OrtException e) {
            throw new SluiceException("cannot run model " + identity + " to learn its output dimension", e);
        }
    }

    private static void checkInputs(Path modelFile, Map<String, NodeInfo> inputs) {
        if (!inputs.containsKey(INPUT_IDS)) {
            throw new BadInputException("model " + modelFile + " has inputs " + inputs.keySet()
                    + "; an embedding model needs input_ids (and may have attention_mask, token_type_ids)");
        }
        for (NodeInfo input : inputs.values()) {
            String name = input.getName();
            if (!name.equals(INPUT_IDS) && !name.equals(ATTENTION_MASK) && !name.equals(TOKEN_TYPE_IDS)) {
                throw new BadInputException("model " + modelFile + " has input " + name + " that an embedder "
                        + "cannot feed; it feeds input_ids, attention_mask and token_type_ids");
            }
            if (!(input.getInfo() instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.INT64
                    || tensor.getShape().length != 2) {
                throw new BadInputException("model " + modelFile + " input " + name + " is " + input.getInfo()
                        + "; expected an int64 tensor of shape [batch, tokens]");
            }
        }
    }

    private static String chooseOutput(Path modelFile, String requested, Map<String, NodeInfo> outputs) {
        if (requested != null) {
            NodeInfo output = outputs.get(requested);
            if (output == null) {
                throw new BadInputException("model " + modelFile + " has no output " + requested + "; it has "
                        + outputs.keySet());
            }
            if (!(output.getInfo() instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT
                    || tensor.getShape().length < 2 || tensor.getShape().length > 3) {
                throw new BadInputException("model " + modelFile + " output " + requested + " is "
                        + output.getInfo() + "; expected a float tensor [batch, tokens, dimension] or [batch, "
                        + "dimension]");
            }
            return requested;
        }
        for (NodeInfo output : outputs.values()) {
            if (output.getInfo() instanceof TensorInfo tensor && tensor.type == OnnxJavaType.FLOAT
                    && tensor.getShape().length == 3) {
                return output.getName();
            }
        }
        throw new BadInputException("model " + modelFile + " has no float output of rank 3 [batch, tokens, "
                + "dimension]; its outputs are " + outputs.values() + "; name one with outputName(...)");
    }

    private static void checkTexts(List<String> texts) {
        if (texts == null || texts.isEmpty()) {
            throw new BadInputException("cannot embed " + (texts == null ? "a null list" : "an empty list")
                    + "; give at least one text");
        }
        for (int i = 0; i < texts.size(); i++) {
            checkText(texts.get(i), i);
        }
    }

    private static void checkText(String text, int index) {
        if (text == null) {
            throw new BadInputException("text " + index + " is null");
        }
        if (text.isBlank()) {
            throw new BadInputException("text " + index + " is empty or blank; an embedding needs at least one word");
        }
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".onnx") ? name.substring(0, name.length() - ".onnx".length()) : name;
    }

    @Override
    public void close() {
        ReentrantReadWriteLock.WriteLock lock = lifecycle.writeLock();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (OrtSession open : new OrtSession[] {session, runSession}) {
                try {
                    if (open != null) {
                        open.close();
                    }
                } catch (OrtException e) {
                    LOG.log(System.Logger.Level.WARNING, "closing an ONNX Runtime session of " + identity + " failed",
                            e);
                }
            }
            tokenizer.close();
            runWorkers.close();
            scratchPool.close();
        } finally {
            lock.unlock();
        }
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
         *     ONNX Runtime 1.29's fused LayerNormalization kernel is slower than the unfused operators it replaces
         *     (all-MiniLM-L6-v2 runs 5% faster at BASIC than at ALL, vectors within 4e-6); {@link GraphOptimization#ALL}
         *     on CUDA)
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
                throw new BadInputException("maxTokens must be at least 2 (room for the special tokens), got "
                        + maxTokens);
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
            HfTokenizer tokenizer = HfTokenizer.open(tokenizerFile, maxTokens);
            OrtSession session = null;
            OrtSession runSession = null;
            try {
                String fallback = null;
                if (cudaDeviceId >= 0) {
                    try {
                        session = createSession(true, intraOpThreads);
                    } catch (OrtException | RuntimeException e) {
                        fallback = "CUDA device " + cudaDeviceId + " is not usable: " + e.getMessage();
                    }
                    if (fallback != null) {
                        LOG.log(System.Logger.Level.WARNING, "model {0} runs on CPU although CUDA was asked for: {1}",
                                modelFile, fallback);
                    }
                }
                if (session == null) {
                    session = createSession(false, intraOpThreads);
                }
                ExecutionProvider provider = cudaDeviceId >= 0 && fallback == null
                        ? ExecutionProvider.CUDA : ExecutionProvider.CPU;
                if (provider == ExecutionProvider.CPU && runThreads > 1) {
                    runSession = createSession(false, 1);
                }
                return new OnnxEmbedder(this, session, runSession, tokenizer, provider, fallback);
            } catch (OrtException e) {
                closeQuietly(tokenizer, session, runSession);
                throw new BadInputException("ONNX Runtime cannot load model " + modelFile + ": " + e.getMessage(),
                        e);
            } catch (RuntimeException e) {
                closeQuietly(tokenizer, session, runSession);
                throw e;
            }
        }

        private OrtSession createSession(boolean cuda, int intraOp) throws OrtException {
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            if (cuda && !OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
                throw new SluiceException("the ONNX Runtime on the class path has no CUDA provider (it has "
                        + OrtEnvironment.getAvailableProviders() + "); use com.microsoft.onnxruntime:onnxruntime_gpu");
            }
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(intraOp);
                options.setInterOpNumThreads(interOpThreads);
                GraphOptimization level = optimization != null ? optimization
                        : cuda ? GraphOptimization.ALL : GraphOptimization.BASIC;
                options.setOptimizationLevel(switch (level) {
                    case NONE -> OrtSession.SessionOptions.OptLevel.NO_OPT;
                    case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
                    case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
                    case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
                });
                options.setMemoryPatternOptimization(memoryPattern);
                options.setDeterministicCompute(deterministic);
                options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                options.addConfigEntry("session.intra_op.allow_spinning", spinning ? "1" : "0");
                if (cuda) {
                    options.addCUDA(cudaDeviceId);
                }
                return environment.createSession(modelFile.toString(), options);
            }
        }

        private static void closeQuietly(HfTokenizer tokenizer, OrtSession... sessions) {
            tokenizer.close();
            for (OrtSession session : sessions) {
                if (session != null) {
                    try {
                        session.close();
                    } catch (OrtException e) {
                        LOG.log(System.Logger.Level.DEBUG, "closing a session that failed to set up", e);
                    }
                }
            }
        }
    }
}
