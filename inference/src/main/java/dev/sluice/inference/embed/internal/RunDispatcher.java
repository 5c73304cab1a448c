package dev.sluice.inference.embed.internal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.sluice.core.BadInputException;
import dev.sluice.core.SluiceException;
import dev.sluice.inference.ModelIdentity;
import dev.sluice.inference.embed.EmbeddedBatch;
import dev.sluice.inference.embed.OnnxEmbedder;
import dev.sluice.inference.embed.Overlength;
import dev.sluice.inference.embed.Pooling;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Takes the texts of a call to vectors in the caller's memory: orders them by length in characters and takes a long
 * list in windows of texts of similar length; tokenises each window ({@link HfTokenizer}, on the run threads),
 * orders it by token count, splits it into runs ({@link RunPlanner}), runs them on the caller (one run, or no helper
 * may write the target) or spreads them over {@link RunWorkers}, each on one thread of the single-threaded run
 * session, and pools each text's output ({@link Pooler}) straight into its row. Owns the sessions, the tokenizer, the
 * scratch pool and the run threads, and closes them.
 *
 * <p>Cost: off-heap memory comes from the {@link ScratchPool} and is reused without allocation; on the heap, a call
 * makes the token arrays the tokenizer binding returns, small index arrays per window, and per run the ONNX Runtime
 * tensor objects over the scratch buffers. The split depends only on the texts, so the same texts give the same
 * bytes.
 *
 * <p>Threads: calls run in parallel, each under a read lock; {@link #close()} takes the write lock, so it waits for
 * calls in progress, and every later call throws {@link IllegalStateException}.
 */
public final class RunDispatcher implements AutoCloseable {
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
    private final ModelIdentity identity;
    private boolean closed;

    /**
     * Takes over the sessions and the tokenizer; if the model leaves its dimension symbolic, runs it once on a short
     * text to learn it.
     *
     * @param session the session for a call that makes one run
     * @param runSession the single-threaded session for runs spread over threads, or {@code null} for none (the
     *     runs of a call then run one after the other on the caller)
     * @param tokenizer the model's tokenizer
     * @param contract the model's inputs and output
     * @param identity the embedder's identity, for messages
     * @param pooling how token vectors become one vector
     * @param normalize whether vectors are scaled to unit length
     * @param overlength what to do with a text longer than the token limit
     * @param maxBatchSize the most texts in one run
     * @param runThreads how many threads, the caller included, work on the runs of a call with a run session
     * @throws SluiceException when the model cannot be run to learn its dimension
     */
    public RunDispatcher(
            OrtSession session,
            OrtSession runSession,
            HfTokenizer tokenizer,
            EmbedderContract contract,
            ModelIdentity identity,
            Pooling pooling,
            boolean normalize,
            Overlength overlength,
            int maxBatchSize,
            int runThreads) {
        this.environment = OrtEnvironment.getEnvironment();
        this.session = session;
        this.runSession = runSession;
        this.tokenizer = tokenizer;
        this.feedsMask = contract.feedsMask();
        this.feedsTypes = contract.feedsTypes();
        this.outputName = contract.outputName();
        this.outputPerToken = contract.outputPerToken();
        this.pooling = pooling;
        this.normalize = normalize;
        this.overlength = overlength;
        this.maxBatchSize = maxBatchSize;
        this.identity = identity;
        this.scratchPool = new ScratchPool(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
        this.runWorkers = new RunWorkers(runSession == null ? 1 : runThreads, scratchPool, "sluice-embed");
        try {
            this.dimension = contract.declaredDimension() > 0
                    ? contract.declaredDimension()
                    : probeDimension(environment, session, tokenizer, runWorkers, contract, identity);
        } catch (RuntimeException e) {
            runWorkers.close();
            scratchPool.close();
            throw e;
        }
    }

    /** @return the vector dimension */
    public int dimension() {
        return dimension;
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

    /** @return how many texts were cut to the token limit since this dispatcher was made */
    public long truncatedTexts() {
        return truncatedTexts.sum();
    }

    /**
     * Embeds one checked text into a vector.
     *
     * @param text a non-blank text
     * @param vector receives the vector; {@link #dimension()} floats
     */
    public void embed(String text, float[] vector) {
        embedWindow(new String[] {text}, new int[1], MemorySegment.ofArray(vector), 0L);
    }

    /**
     * Embeds checked texts into consecutive rows of the caller's memory, in the caller's order.
     *
     * @param texts non-blank texts
     * @param target the memory that receives the vectors, {@link #dimension()} floats each
     * @param baseOffsetBytes the byte offset in {@code target} of the first text's vector
     * @return what happened to the batch
     */
    public EmbeddedBatch embedInto(List<String> texts, MemorySegment target, long baseOffsetBytes) {
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
            long stats = embedWindow(window, rows, target, baseOffsetBytes);
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
                runWorkers.runAll(
                        runs,
                        (run, scratch) -> runOnce(
                                runSession,
                                batch,
                                order,
                                run == 0 ? 0 : runEnds[run - 1],
                                runEnds[run],
                                sortedTokens,
                                rows,
                                scratch,
                                target,
                                baseOffsetBytes));
            } else {
                Scratch scratch = scratchPool.acquire();
                try {
                    for (int run = 0; run < runs; run++) {
                        runOnce(
                                session,
                                batch,
                                order,
                                run == 0 ? 0 : runEnds[run - 1],
                                runEnds[run],
                                sortedTokens,
                                rows,
                                scratch,
                                target,
                                baseOffsetBytes);
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
    private void runOnce(
            OrtSession runner,
            TokenizedBatch batch,
            int[] order,
            int from,
            int to,
            int[] sortedTokens,
            int[] rows,
            Scratch scratch,
            MemorySegment target,
            long baseOffsetBytes) {
        int count = to - from;
        int length = sortedTokens[to - 1];
        int floats = outputPerToken ? count * length * dimension : count * dimension;
        scratch.ensureCapacity((long) count * length, floats);
        tokenizer.writeRun(batch, order, from, to, length, scratch);
        OnnxTensor output = null;
        try {
            feedInputs(environment, scratch, count, length, feedsMask, feedsTypes);
            output = OnnxTensor.createTensor(
                    environment,
                    scratch.outputBuffer(floats),
                    outputPerToken ? new long[] {count, length, dimension} : new long[] {count, dimension});
            scratch.pinnedOutputs.put(outputName, output);
            runner.run(scratch.inputs, scratch.pinnedOutputs).close();
        } catch (OrtException e) {
            throw new SluiceException(
                    "ONNX Runtime failed on a batch of " + count + " texts of " + length + " tokens with model "
                            + identity.name() + ": " + e.getMessage(),
                    e);
        } finally {
            closeInputs(scratch);
            if (output != null) {
                output.close();
            }
        }
        pool(scratch, order, from, to, length, rows, target, baseOffsetBytes);
    }

    private void pool(
            Scratch scratch,
            int[] order,
            int from,
            int to,
            int length,
            int[] rows,
            MemorySegment target,
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

    private static void feedInputs(
            OrtEnvironment environment, Scratch scratch, int count, int length, boolean feedsMask, boolean feedsTypes)
            throws OrtException {
        long[] shape = {count, length};
        int tokens = count * length;
        scratch.inputs.put(
                EmbedderContract.INPUT_IDS, OnnxTensor.createTensor(environment, scratch.idsBuffer(tokens), shape));
        if (feedsMask) {
            scratch.inputs.put(
                    EmbedderContract.ATTENTION_MASK,
                    OnnxTensor.createTensor(environment, scratch.maskBuffer(tokens), shape));
        }
        if (feedsTypes) {
            scratch.inputs.put(
                    EmbedderContract.TOKEN_TYPE_IDS,
                    OnnxTensor.createTensor(environment, scratch.typesBuffer(tokens), shape));
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
    private static int probeDimension(
            OrtEnvironment environment,
            OrtSession session,
            HfTokenizer tokenizer,
            RunWorkers runWorkers,
            EmbedderContract contract,
            ModelIdentity identity) {
        try (Scratch scratch = new Scratch()) {
            TokenizedBatch batch =
                    tokenizer.tokenize(new String[] {"dimension probe"}, contract.feedsTypes(), runWorkers);
            int length = batch.tokens(0);
            scratch.ensureCapacity(length, 0);
            tokenizer.writeRun(batch, new int[1], 0, 1, length, scratch);
            feedInputs(environment, scratch, 1, length, contract.feedsMask(), contract.feedsTypes());
            try (OrtSession.Result result = session.run(scratch.inputs, Set.of(contract.outputName()))) {
                long[] shape = ((TensorInfo) result.get(0).getInfo()).getShape();
                return Math.toIntExact(shape[shape.length - 1]);
            } finally {
                closeInputs(scratch);
            }
        } catch (OrtException e) {
            throw new SluiceException("cannot run model " + identity + " to learn its output dimension", e);
        }
    }

    /** Waits for calls in progress, then frees the sessions, the tokenizer, the run threads and the scratch memory. */
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
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "closing an ONNX Runtime session of " + identity + " failed",
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
}
