package dev.sluice.inference.llama.internal;

import de.kherud.llama.LlamaModel;
import de.kherud.llama.LogLevel;
import de.kherud.llama.args.LogFormat;
import dev.sluice.core.SluiceException;
import dev.sluice.ffi.CpuFeatures;
import dev.sluice.inference.internal.NativeStack;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Loads java-llama.cpp's native library once per process without its side effects: its loader deletes every
 * {@code llama*}/{@code jllama*} file in the temporary folder and prints "Extracted ..." to stdout, so the library
 * is extracted here into a private folder that both of its properties ({@code de.kherud.llama.lib.path},
 * {@code de.kherud.llama.tmpdir}) point at. Native log lines that llama.cpp still emits when models load with
 * logging disabled go to the {@code dev.sluice.inference.llama} logger (warnings and errors at DEBUG) instead of
 * stderr.
 *
 * <p>The library is loaded on a thread of {@link NativeStack}. Thread-safe. The first call costs the extraction of the
 * native library, its SHA-256 and {@code System.load}.
 */
public final class NativeLlama {
    private static final System.Logger LOG = System.getLogger("dev.sluice.inference.llama");
    private static volatile boolean loaded;
    private static boolean gpuBackend;
    private static Path libraryFile;
    private static String librarySha256;

    private NativeLlama() {}

    /**
     * Loads the library if needed.
     *
     * @throws SluiceException when the CPU lacks what the library needs, or the library cannot be loaded
     */
    public static synchronized void ensureLoaded() {
        if (loaded) {
            return;
        }
        // the library's static initialisers and llama.cpp's back-end registration run in System.load: off the
        // caller's stack, as all native set-up
        NativeStack.run(NativeLlama::load);
        loaded = true;
    }

    private static void load() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        if (x86) {
            CpuFeatures.current().requireAll("java-llama.cpp (libjllama)", "avx2");
        }
        try {
            Path folder = Files.createTempDirectory("sluice-jllama-");
            folder.toFile().deleteOnExit();
            String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
            if (os.contains("linux") && (x86 || arch.equals("aarch64"))) {
                String name = System.mapLibraryName("jllama");
                String resource = "/de/kherud/llama/Linux/" + (x86 ? "x86_64" : "aarch64") + "/" + name;
                try (InputStream in = LlamaModel.class.getResourceAsStream(resource)) {
                    if (in != null && System.getProperty("de.kherud.llama.lib.path") == null) {
                        Path library = folder.resolve(name);
                        Files.copy(in, library, StandardCopyOption.REPLACE_EXISTING);
                        library.toFile().deleteOnExit();
                        byte[] bytes = Files.readAllBytes(library);
                        gpuBackend = containsCudaBackend(bytes);
                        libraryFile = library;
                        librarySha256 = HexFormat.of().formatHex(sha256(bytes));
                        System.setProperty("de.kherud.llama.lib.path", folder.toString());
                    }
                }
            }
            System.setProperty("de.kherud.llama.tmpdir", folder.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a private folder for java-llama.cpp's native library", e);
        }
        try {
            LlamaModel.setLogger(LogFormat.TEXT, NativeLlama::log);
        } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
            throw new SluiceException(
                    "cannot load java-llama.cpp's native library for " + System.getProperty("os.name") + " " + arch
                            + " (it needs glibc, libgomp and, on x86-64, AVX2): " + e,
                    e);
        }
    }

    private static void log(LogLevel level, String message) {
        String line = message.strip();
        if (!line.isEmpty()) {
            LOG.log(
                    level == LogLevel.ERROR || level == LogLevel.WARN ? Level.DEBUG : Level.TRACE,
                    "llama.cpp: {0}",
                    line);
        }
    }

    /**
     * @return whether the loaded native library has a GPU (CUDA) backend; false for the CPU build
     * @throws SluiceException when the library cannot be loaded
     */
    public static synchronized boolean hasGpuBackend() {
        ensureLoaded();
        return gpuBackend;
    }

    /**
     * @return the native library Sluice extracted and loaded, or {@code null} when the application pointed
     *     java-llama.cpp at its own ({@code de.kherud.llama.lib.path}) or it is not loaded yet
     */
    public static synchronized Path libraryFile() {
        return libraryFile;
    }

    /** @return the SHA-256 (hex) of {@link #libraryFile()}, or {@code null} when that is {@code null} */
    public static synchronized String librarySha256() {
        return librarySha256;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static boolean containsCudaBackend(byte[] bytes) {
        byte[] needle = "ggml_backend_cuda".getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
