package dev.sluice.inference.llama.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import de.kherud.llama.LlamaModel;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * Frees a llama.cpp model's native memory, which java-llama.cpp 4.2.0 cannot: its {@code LlamaModel.close()} only
 * stops the model's task loop and leaves the {@code server_context} with the weights, the KV cache and the compute
 * buffers allocated (its {@code delete ctx_server} is commented out; upstream issue kherud/java-llama.cpp#102), about
 * 25 MB for the tiny test model and the model's size and context for a real one. Remove this class once the binding
 * frees its models.
 *
 * <p>How: after {@code close()} and once the task loop's thread has ended ({@link ModelThreads}), nothing uses the
 * {@code server_context}. Its member {@code common_init_result llama_init} owns the model, the context and the LoRA
 * adapters, and its destructor, which the library exports ({@code common_init_result::~common_init_result()}),
 * frees them. The member is found in the {@code server_context} allocation (never past the end of it, measured with
 * {@code malloc_usable_size}) by the layout the source gives it, {@code llama_init} (model, context, adapters),
 * {@code llama_init_dft} (empty: no draft model is loaded), then the raw {@code model}, {@code ctx} and
 * {@code vocab} pointers; exactly one match is required, and the library must confirm it ({@code llama_get_model}
 * of the context is the model, {@code llama_model_get_vocab} of the model is the vocabulary). Then
 * {@code malloc_trim(0)} gives the freed pages back to the system. What stays behind per model is the
 * {@code server_context} itself (about 5 KB) and the JVM's record of the loop's thread, which java-llama.cpp attaches
 * and never detaches.
 *
 * <p>This is only done for the library builds it was checked against, recognised by their SHA-256
 * ({@link #KNOWN_LIBRARIES}: the Linux x86-64 CPU build of java-llama.cpp 4.2.0); with any other build, or when a
 * step cannot be confirmed, nothing is freed (the model leaks, as before) and a message says why. Needs native
 * access for FFM, as the rest of Sluice ({@code --enable-native-access}).
 *
 * <p>Thread-safe; {@link #free} is called once per model.
 */
final class NativeModelRelease {
    /** SHA-256 of the libjllama builds whose layout this class was checked against. */
    static final Set<String> KNOWN_LIBRARIES = Set.of(
            // de.kherud:llama:4.2.0, de/kherud/llama/Linux/x86_64/libjllama.so
            "93276c536d00f037c37ed6ec1e55be9c828940f4a0af59af10a8f638a31bbc3c");
    /** How long {@link #free} waits for the model's task loop to end after {@code close()}. */
    static final Duration LOOP_END_WAIT = Duration.ofSeconds(60);

    private static final System.Logger LOG = System.getLogger("dev.sluice.inference.llama");
    /** From {@code llama_init} to the raw {@code model} pointer: two {@code common_init_result}s of five words. */
    private static final int RAW_POINTERS_WORD = 10;

    private static final int SCANNED_WORDS = RAW_POINTERS_WORD + 3;
    private static final long MAX_SERVER_CONTEXT_BYTES = 1L << 20;

    private static volatile Natives natives;
    private static volatile String unsupported;

    private NativeModelRelease() {}

    /** The downcalls, resolved once. */
    private record Natives(
            MethodHandle mallocUsableSize,
            MethodHandle mallocTrim,
            MethodHandle getModel,
            MethodHandle getVocab,
            MethodHandle destroyInitResult,
            VarHandle serverContext) {}

    /**
     * @return whether models of the loaded library can be freed; loads the library if needed
     */
    static boolean supported() {
        return natives() != null;
    }

    /** @return why models cannot be freed, or {@code null} when they can */
    static String unsupportedReason() {
        natives();
        return unsupported;
    }

    private static Natives natives() {
        Natives resolved = natives;
        if (resolved != null || unsupported != null) {
            return resolved;
        }
        synchronized (NativeModelRelease.class) {
            if (natives == null && unsupported == null) {
                try {
                    natives = resolve();
                } catch (RuntimeException | LinkageError e) {
                    unsupported = "the native functions it needs are not available: " + e;
                }
                if (unsupported != null) {
                    LOG.log(Level.DEBUG, "llama.cpp models stay loaded until the JVM exits: {0}", unsupported);
                }
            }
            return natives;
        }
    }

    @SuppressWarnings("restricted") // FFM downcalls into libc and java-llama.cpp's library, see the class comment
    private static Natives resolve() {
        NativeLlama.ensureLoaded();
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        Path library = NativeLlama.libraryFile();
        String sha256 = NativeLlama.librarySha256();
        if (!os.contains("linux") || library == null || !KNOWN_LIBRARIES.contains(sha256)) {
            unsupported = "java-llama.cpp cannot free a model, and freeing it in its place was checked only for the"
                    + " Linux x86-64 CPU build of de.kherud:llama:4.2.0; this library is "
                    + (library == null ? "the application's own" : library + " with SHA-256 " + sha256);
            return null;
        }
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        SymbolLookup jllama = SymbolLookup.libraryLookup(library, Arena.global());
        try {
            return new Natives(
                    linker.downcallHandle(
                            libc.findOrThrow("malloc_usable_size"), FunctionDescriptor.of(JAVA_LONG, ADDRESS)),
                    linker.downcallHandle(libc.findOrThrow("malloc_trim"), FunctionDescriptor.of(JAVA_INT, JAVA_LONG)),
                    linker.downcallHandle(
                            jllama.findOrThrow("llama_get_model"), FunctionDescriptor.of(ADDRESS, ADDRESS)),
                    linker.downcallHandle(
                            jllama.findOrThrow("llama_model_get_vocab"), FunctionDescriptor.of(ADDRESS, ADDRESS)),
                    linker.downcallHandle(
                            jllama.findOrThrow("_ZN18common_init_resultD1Ev"), FunctionDescriptor.ofVoid(ADDRESS)),
                    MethodHandles.privateLookupIn(LlamaModel.class, MethodHandles.lookup())
                            .findVarHandle(LlamaModel.class, "ctx", long.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read LlamaModel's native handle", e);
        }
    }

    /**
     * Closes a model and frees its native memory. Nothing may use the model any more: no request in flight, no call.
     *
     * @param model the model
     * @param threads the threads it started when it loaded
     * @param source the model file, for messages
     * @return whether the memory was freed; when not, the model is closed and its memory leaks (a message says why)
     */
    static boolean free(LlamaModel model, ModelThreads threads, String source) {
        Natives n = natives();
        if (n == null) {
            model.close();
            return false;
        }
        long handle = (long) n.serverContext().get(model);
        model.close(); // stops the task loop
        String problem;
        if (handle == 0) {
            problem = "it has no native handle";
        } else if (!threads.known()) {
            problem = "its task loop's thread was not found";
        } else if (!threads.awaitEnd(LOOP_END_WAIT)) {
            problem = "its task loop did not end within " + LOOP_END_WAIT.toSeconds() + " s (" + threads + ")";
        } else {
            problem = destroy(n, handle);
        }
        if (problem != null) {
            LOG.log(
                    Level.WARNING,
                    "the native memory of llama.cpp model {0} is not freed (it leaks until the JVM exits): {1}",
                    source,
                    problem);
            return false;
        }
        return true;
    }

    /** @return {@code null} when freed, else what went wrong (nothing was freed then) */
    @SuppressWarnings("restricted") // reads the server_context within its allocation, see the class comment
    private static String destroy(Natives n, long handle) {
        try {
            MemorySegment server = MemorySegment.ofAddress(handle);
            long size = (long) n.mallocUsableSize().invokeExact(server);
            if (size < SCANNED_WORDS * 8L || size > MAX_SERVER_CONTEXT_BYTES) {
                return "its server_context allocation has " + size + " bytes";
            }
            MemorySegment words = server.reinterpret(size);
            int found = -1;
            int matches = 0;
            for (int w = 0; w + SCANNED_WORDS <= size / 8; w++) {
                if (looksLikeInitResult(words, w)) {
                    found = w;
                    matches++;
                }
            }
            if (matches != 1) {
                return matches + " places in its server_context look like the model's owner; expected one";
            }
            long model = words.getAtIndex(JAVA_LONG, found);
            long context = words.getAtIndex(JAVA_LONG, found + 1);
            long vocab = words.getAtIndex(JAVA_LONG, found + RAW_POINTERS_WORD + 2);
            MemorySegment ofContext = (MemorySegment) n.getModel().invokeExact(MemorySegment.ofAddress(context));
            MemorySegment ofModel = (MemorySegment) n.getVocab().invokeExact(MemorySegment.ofAddress(model));
            if (ofContext.address() != model || ofModel.address() != vocab) {
                return "llama.cpp does not confirm the model and context found in its server_context";
            }
            n.destroyInitResult().invokeExact(words.asSlice(found * 8L, 5 * 8L));
            for (int w = RAW_POINTERS_WORD; w < SCANNED_WORDS; w++) {
                words.setAtIndex(JAVA_LONG, found + w, 0L); // the raw model, context and vocabulary pointers
            }
            int trimmed = (int) n.mallocTrim().invokeExact(0L);
            LOG.log(Level.TRACE, "freed a llama.cpp model; malloc_trim returned {0}", trimmed);
            return null;
        } catch (Throwable t) { // the downcalls declare Throwable; none is expected
            return "unexpected " + t;
        }
    }

    /**
     * {@code llama_init} (model, context, three words of adapters), {@code llama_init_dft} (five zero words), then
     * the raw model and context pointers equal to the first two, then a vocabulary pointer.
     */
    private static boolean looksLikeInitResult(MemorySegment words, int w) {
        long model = words.getAtIndex(JAVA_LONG, w);
        long context = words.getAtIndex(JAVA_LONG, w + 1);
        if (model == 0
                || context == 0
                || words.getAtIndex(JAVA_LONG, w + RAW_POINTERS_WORD) != model
                || words.getAtIndex(JAVA_LONG, w + RAW_POINTERS_WORD + 1) != context
                || words.getAtIndex(JAVA_LONG, w + RAW_POINTERS_WORD + 2) == 0) {
            return false;
        }
        for (int k = 5; k < RAW_POINTERS_WORD; k++) {
            if (words.getAtIndex(JAVA_LONG, w + k) != 0) {
                return false;
            }
        }
        return true;
    }
}
