package dev.sluice.inference.llama;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.Pair;
import dev.sluice.core.BadInputException;
import dev.sluice.core.SluiceException;
import dev.sluice.ffi.SystemInfo;
import dev.sluice.inference.ModelIdentity;
import dev.sluice.inference.gguf.GgufFile;
import dev.sluice.inference.llama.internal.GbnfSyntax;
import dev.sluice.inference.llama.internal.JsonSchemaSubset;
import dev.sluice.inference.llama.internal.NativeLlama;
import dev.sluice.inference.llama.internal.SharedModels;
import dev.sluice.inference.llama.internal.SharedModels.SharedModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.function.Consumer;

/**
 * Text generation with llama.cpp in-process (through java-llama.cpp), from any GGUF model that passes
 * {@link GgufFile}'s validation: streamed ({@link #stream}, a callback, or a {@link Flow.Publisher}) or whole
 * ({@link #complete}), seeded and reproducible (see {@link Sampling}), with stop strings, token limits, grammars and
 * JSON schemas, chat templates and cancellation.
 *
 * <p>Lifecycle: {@link #open(LlamaConfig)} validates the file in Java first, then loads it on a thread with a 16 MiB
 * stack that Sluice starts for the job (so loading does not depend on the caller's {@code -Xss}), or shares the
 * native model already loaded for the same file and settings. Models are counted by reference: when the last
 * generator of a model closes, the model is idle; the most recently closed idle model stays loaded for the next open
 * of the same file and settings (system property {@code sluice.llama.idleModels}, default 1), and an older one is
 * freed: closed once its running requests have ended, its task-loop thread ended, its native memory given back.
 * {@link #releaseIdleModels()} frees the idle models at once. Where the native library cannot free a model (any
 * java-llama.cpp build but the Linux x86-64 CPU build of 4.2.0, which Sluice frees in java-llama.cpp's place), every
 * model stays loaded until the JVM exits and is shared by later opens, since a reload would leak a copy.
 * {@link #close()} is idempotent; it cancels this generator's running streams, and any later call throws
 * {@link IllegalStateException} before reaching native code. After a model has loaded, the JVM does not exit by
 * itself (java-llama.cpp attaches its task-loop thread to the JVM as a non-daemon thread and never detaches it, even
 * after the thread ends): a command-line program must call {@link System#exit(int)}.
 *
 * <p>Thread-safety: thread-safe. Each request takes one of the model's {@link LlamaConfig#parallelSlots()} slots for
 * its whole duration; when all are busy a request waits up to {@link LlamaConfig#slotWait()} and is then refused
 * with a {@link SluiceException}. Cost: a request costs its tokens' native compute plus, per piece of text, one
 * JNI call and one small string.
 *
 * <p>GPU: with {@link LlamaConfig#gpuLayers()} above 0, layers are offloaded only when the native library is the CUDA
 * build (replace the dependency with {@code de.kherud:llama:4.2.0:cuda12-linux-x86-64}, which has no CPU fallback);
 * otherwise a message says that the CPU is used. {@link #gpuLayersOffloaded()} tells which happened.
 */
public final class LlamaGenerator implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("dev.sluice.inference.llama");
    private static final long AUTO_THREADS_BYTES = 256L << 20;

    private final GgufFile gguf;
    private volatile ModelIdentity identity;
    private final SharedModel shared;
    private final LlamaModel model;
    private final int contextPerSlot;
    private final boolean addsBos;
    private final Set<TokenStream> running = ConcurrentHashMap.newKeySet();
    private final LlamaConfig config;
    private volatile boolean closed;

    private LlamaGenerator(LlamaConfig config, GgufFile gguf, SharedModel shared, int contextSize) {
        this.config = config;
        this.gguf = gguf;
        this.shared = shared;
        this.model = shared.model();
        this.contextPerSlot = contextSize / config.parallelSlots();
        this.addsBos = gguf.metadata().get("tokenizer.ggml.add_bos_token") instanceof Boolean add
                ? add
                : "llama".equals(gguf.metadata().get("tokenizer.ggml.model"));
    }

    /**
     * Validates the model file, then loads it (or shares the copy already loaded with the same settings).
     *
     * @param config the model and settings
     * @return the generator
     * @throws BadInputException when the file is missing, not a valid GGUF model, or the settings do not fit it
     * @throws SluiceException when llama.cpp cannot load it (its log lines say why)
     */
    public static LlamaGenerator open(LlamaConfig config) {
        GgufFile gguf = GgufFile.read(config.modelPath()).requireLoadable();
        int contextSize = config.contextSize() == 0 ? (int) Math.min(gguf.contextLength(), 4096) : config.contextSize();
        if (contextSize / config.parallelSlots() < 16) {
            throw new BadInputException("context size " + contextSize + " over " + config.parallelSlots()
                    + " slots leaves fewer than 16 tokens per slot");
        }
        int threads = config.threads() != 0
                ? config.threads()
                : gguf.fileSizeBytes() < AUTO_THREADS_BYTES ? 1 : Math.min(4, SystemInfo.onlineCpus());
        Path real;
        long modified;
        try {
            real = config.modelPath().toRealPath();
            modified = Files.getLastModifiedTime(real).toMillis();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + config.modelPath(), e);
        }
        String key = real + "|" + gguf.fileSizeBytes() + "|" + modified + "|ctx=" + contextSize + "|t=" + threads
                + "|b=" + config.batchSize() + "|gpu=" + config.gpuLayers() + "|np=" + config.parallelSlots()
                + "|mmap=" + config.mmap() + "|mlock=" + config.mlock();
        ModelParameters parameters = new ModelParameters()
                .setModel(real.toString())
                .setCtxSize(contextSize)
                .setThreads(threads)
                .setThreadsBatch(threads)
                .setBatchSize(config.batchSize())
                .setUbatchSize(Math.min(config.batchSize(), 512))
                .setParallel(config.parallelSlots())
                .disableContextShift()
                .skipWarmup()
                .disableLog();
        if (config.gpuLayers() > 0 && NativeLlama.hasGpuBackend()) {
            parameters.setGpuLayers(config.gpuLayers());
        }
        if (!config.mmap()) {
            parameters.disableMmap();
        }
        if (config.mlock()) {
            parameters.enableMlock();
        }
        SharedModel shared = SharedModels.acquire(key, parameters, config.parallelSlots(), real.toString());
        if (config.gpuLayers() > 0 && !NativeLlama.hasGpuBackend()) {
            LOG.log(
                    Level.INFO,
                    "{0} GPU layers asked for {1}, but this java-llama.cpp build has no GPU backend; "
                            + "the CPU is used (see LlamaGenerator's javadoc for the CUDA build)",
                    config.gpuLayers(),
                    real);
        }
        return new LlamaGenerator(config, gguf, shared, contextSize);
    }

    /** @return the validated model file */
    public GgufFile gguf() {
        return gguf;
    }

    /**
     * @return the model's identity for cache keys: llama.cpp, architecture/name and the file's SHA-256 (the first
     *     call reads the whole file to hash it, then the hash is cached per file while its size and modification
     *     time hold)
     */
    public ModelIdentity identity() {
        ModelIdentity known = identity;
        if (known == null) {
            known = ModelIdentity.of("llama.cpp", gguf.architecture() + "/" + gguf.name(), config.modelPath());
            identity = known;
        }
        return known;
    }

    /** @return the settings this generator was opened with */
    public LlamaConfig config() {
        return config;
    }

    /** @return the context tokens each request may use: prompt plus generated */
    public int contextPerSlot() {
        return contextPerSlot;
    }

    /** @return how many layers were asked to be offloaded to a GPU: 0 unless the native library has a GPU backend */
    public int gpuLayersOffloaded() {
        return NativeLlama.hasGpuBackend() ? config.gpuLayers() : 0;
    }

    /**
     * @param text any text
     * @return the model's token ids for it, without a begin-of-sequence token
     */
    public int[] tokenize(String text) {
        requireOpen();
        requireText(text, "text");
        shared.enter();
        try {
            return model.encode(text);
        } finally {
            shared.exit();
        }
    }

    /**
     * Formats a chat with the model's chat template ({@code tokenizer.chat_template}), ending with the prompt for
     * the assistant's answer.
     *
     * @param messages at most one system message, first, then user and assistant messages
     * @return the prompt text
     * @throws BadInputException when the list is empty or the system message is not first
     */
    public String applyChatTemplate(List<ChatMessage> messages) {
        requireOpen();
        if (messages.isEmpty()) {
            throw new BadInputException("a chat needs at least one message");
        }
        String system = null;
        List<Pair<String, String>> turns = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            if (m.role().equals("system")) {
                if (i != 0) {
                    throw new BadInputException("the system message must come first; it is message " + i);
                }
                system = m.content();
            } else {
                turns.add(new Pair<>(m.role(), m.content()));
            }
        }
        shared.enter();
        try {
            return model.applyTemplate(new InferenceParameters("").setMessages(system, turns));
        } finally {
            shared.exit();
        }
    }

    /**
     * Starts a generation; read the stream to its end for the {@link Completion}.
     *
     * @param prompt the prompt, used as is (see {@link #applyChatTemplate(List)} for chat models)
     * @param sampling how to sample and when to stop
     * @return the stream of text pieces, holding a slot until it ends or is closed
     * @throws BadInputException when the prompt does not fit the context (unless truncation was asked for) or the
     *     grammar or JSON schema is not valid
     * @throws SluiceException when no slot is free within the configured wait
     * @throws IllegalStateException when this generator is closed
     */
    public TokenStream stream(String prompt, Sampling sampling) {
        requireOpen();
        requireText(prompt, "prompt");
        String grammar = sampling.grammar();
        if (!grammar.isEmpty()) {
            GbnfSyntax.check(grammar);
        }
        if (!sampling.jsonSchema().isEmpty()) {
            JsonSchemaSubset.check(sampling.jsonSchema());
            grammar = LlamaModel.jsonSchemaToGrammar(sampling.jsonSchema());
        }
        shared.enter();
        try {
            return startStream(prompt, sampling, grammar);
        } finally {
            shared.exit();
        }
    }

    /** The part of {@link #stream} that calls the model; the caller holds a use of it. */
    private TokenStream startStream(String prompt, Sampling sampling, String grammar) {
        int[] tokens = model.encode(prompt);
        int bos = addsBos ? 1 : 0;
        int room = contextPerSlot - sampling.maxTokens() - bos - 1; // llama.cpp stops one short of the end
        if (tokens.length > room) {
            if (!sampling.truncatePrompt() || room < 1) {
                throw new BadInputException("the prompt has " + (tokens.length + bos) + " tokens; with "
                        + sampling.maxTokens() + " max tokens it needs "
                        + (tokens.length + bos + sampling.maxTokens() + 1)
                        + " (one spare) but a slot has " + contextPerSlot + " tokens of context"
                        + (sampling.truncatePrompt()
                                ? "; max tokens alone leave no room"
                                : "; lower max tokens, shorten the prompt or ask for " + "truncation"));
            }
            // decoding the kept tail and encoding it again can add a token (a leading space): cut until it fits
            int keep = room;
            int[] original = tokens;
            do {
                prompt = model.decode(Arrays.copyOfRange(original, original.length - keep, original.length));
                tokens = model.encode(prompt);
                keep -= Math.max(1, tokens.length - room);
            } while (tokens.length > room && keep > 0);
        }
        InferenceParameters parameters = new InferenceParameters(prompt)
                .setNPredict(sampling.maxTokens())
                .setSeed(sampling.nativeSeed())
                .setTemperature(sampling.temperature())
                .setTopK(sampling.topK())
                .setTopP(sampling.topP())
                .setMinP(sampling.minP())
                .setRepeatPenalty(sampling.repeatPenalty())
                .setCachePrompt(sampling.cachePrompt());
        if (!sampling.stopStrings().isEmpty()) {
            parameters.setStopStrings(sampling.stopStrings().toArray(String[]::new));
        }
        if (!grammar.isEmpty()) {
            parameters.setGrammar(grammar);
        }
        acquireSlot();
        try {
            LlamaIterator iterator = model.generate(parameters).iterator();
            TokenStream stream = new TokenStream(
                    iterator, shared::releaseSlot, tokens.length + bos, sampling.maxTokens(), running::remove);
            running.add(stream);
            if (closed) { // closed while starting: end it at once
                stream.cancel();
            }
            return stream;
        } catch (RuntimeException e) {
            shared.releaseSlot();
            throw new SluiceException("llama.cpp refused the request: " + e.getMessage(), e);
        }
    }

    /**
     * Generates the whole text.
     *
     * @param prompt the prompt
     * @param sampling how to sample and when to stop
     * @return the text, token counts and finish reason; the same as concatenating {@link #stream}'s pieces
     */
    public Completion complete(String prompt, Sampling sampling) {
        return complete(prompt, sampling, piece -> {});
    }

    /**
     * Generates the whole text, handing each piece to a callback as it arrives (on the calling thread).
     *
     * @param prompt the prompt
     * @param sampling how to sample and when to stop
     * @param onPiece called with each piece of text
     * @return the completion
     */
    public Completion complete(String prompt, Sampling sampling, Consumer<String> onPiece) {
        try (TokenStream stream = stream(prompt, sampling)) {
            while (stream.hasNext()) {
                onPiece.accept(stream.next());
            }
            return stream.result();
        }
    }

    /**
     * Applies the chat template and generates the assistant's answer.
     *
     * @param messages the chat
     * @param sampling how to sample and when to stop
     * @return the completion
     */
    public Completion chat(List<ChatMessage> messages, Sampling sampling) {
        return complete(applyChatTemplate(messages), sampling);
    }

    /**
     * Publishes a generation's pieces to one subscriber, honouring its demand (at most 256 pieces buffered).
     * Generation starts on {@code executor} when a subscriber subscribes; cancelling the subscription cancels it.
     * Errors, such as a prompt that does not fit, reach the subscriber's {@code onError}.
     *
     * @param prompt the prompt
     * @param sampling how to sample and when to stop
     * @param executor runs the generation and the delivery; it needs at least two threads
     * @return the publisher
     */
    public Flow.Publisher<String> publisher(String prompt, Sampling sampling, Executor executor) {
        return subscriber -> {
            SubmissionPublisher<String> publisher = new SubmissionPublisher<>(executor, 256);
            publisher.subscribe(subscriber);
            executor.execute(() -> {
                try (TokenStream stream = stream(prompt, sampling)) {
                    while (stream.hasNext()) {
                        String piece = stream.next();
                        if (!publisher.hasSubscribers()) {
                            stream.cancel();
                        } else {
                            publisher.submit(piece);
                        }
                    }
                    publisher.close();
                } catch (RuntimeException e) {
                    publisher.closeExceptionally(e);
                }
            });
        };
    }

    /**
     * Frees the native models that no open generator uses (see the lifecycle in the class comment), each once its
     * last running request has ended. A later open of the same file loads it again.
     *
     * @return how many models were freed, or are freed as their last requests end
     */
    public static int releaseIdleModels() {
        return SharedModels.releaseIdle();
    }

    /**
     * Cancels this generator's running streams and gives its model reference back; when it was the model's last
     * generator, the model becomes idle (see the class comment). Further calls do nothing.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        running.forEach(TokenStream::cancel);
        SharedModels.release(shared);
    }

    private void acquireSlot() {
        try {
            long waitNs = config.slotWait().toNanos();
            if (!shared.acquireSlot(waitNs)) {
                throw new SluiceException("all " + shared.slotCount() + " slots of " + config.modelPath()
                        + " are busy after waiting " + config.slotWait().toMillis() + " ms; open it with more "
                        + "parallel slots or a longer slot wait");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException("interrupted while waiting for a free slot of " + config.modelPath(), e);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the LlamaGenerator for " + config.modelPath() + " is closed");
        }
    }

    private static String requireText(String text, String what) {
        if (text == null) {
            throw new BadInputException("the " + what + " is null");
        }
        return text;
    }

    @Override
    public String toString() {
        return "LlamaGenerator[" + gguf + (closed ? ", closed" : "") + "]";
    }
}
