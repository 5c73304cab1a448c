package dev.sluice.ffi;

import dev.sluice.core.SluiceException;
import dev.sluice.ffi.internal.LinuxCalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The instruction-set features of this machine's CPU, as the Linux kernel lists them in {@code /proc/cpuinfo}: the
 * {@code flags} line on x86 ({@code sse4_2}, {@code avx2}, {@code fma}, {@code avx512f}, {@code avx512_vnni},
 * {@code f16c}, ...), the {@code Features} line on aarch64 ({@code asimd}, {@code sve}, ...). The kernel lists a
 * feature only when the CPU has it and the kernel enabled it, so checking here before loading a native library
 * built for those features turns a {@code SIGILL} crash into an exception.
 *
 * <p>{@link #current()} reads the file once per process and keeps the result. Immutable and thread-safe. Linux
 * only (amd64, aarch64).
 */
public final class CpuFeatures {
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");
    /** The keys of the feature line: x86's, and aarch64's. */
    private static final Set<String> FEATURE_KEYS = Set.of("flags", "Features");

    /** Read on first use; two threads racing read the same file twice, which is harmless. */
    private static volatile CpuFeatures current;

    private final String arch;
    private final Set<String> features;

    private CpuFeatures(String arch, Set<String> features) {
        this.arch = arch;
        this.features = Collections.unmodifiableSet(features);
    }

    /**
     * @return the features of the CPU this process runs on
     * @throws UnsupportedOperationException on a platform other than Linux (amd64, aarch64)
     * @throws UncheckedIOException when {@code /proc/cpuinfo} cannot be read
     */
    public static CpuFeatures current() {
        CpuFeatures features = current;
        if (features == null) {
            LinuxCalls.requireSupported("/proc/cpuinfo");
            try (Stream<String> lines = Files.lines(CPUINFO)) {
                features = parse(System.getProperty("os.arch"), lines);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the CPU features from " + CPUINFO, e);
            }
            current = features;
        }
        return features;
    }

    /**
     * @param arch the architecture, for messages
     * @param cpuinfoLines the lines of {@code /proc/cpuinfo}; the first {@code flags} or {@code Features} line
     *     (the first CPU's) is used, and none gives no features
     */
    static CpuFeatures parse(String arch, Stream<String> cpuinfoLines) {
        Set<String> features = cpuinfoLines
                .map(line -> line.split(":", 2))
                .filter(field -> field.length == 2 && FEATURE_KEYS.contains(field[0].strip()))
                .findFirst()
                .stream()
                .flatMap(field -> Arrays.stream(field[1].strip().split("\\s+")))
                .filter(feature -> !feature.isEmpty())
                .map(feature -> feature.toLowerCase(Locale.ROOT))
                .collect(Collectors.toCollection(TreeSet::new));
        return new CpuFeatures(arch, features);
    }

    /** @return the architecture, as {@code os.arch} names it */
    public String arch() {
        return arch;
    }

    /** @return the features, in alphabetical order, as the kernel names them (lower case) */
    public Set<String> all() {
        return features;
    }

    /**
     * @param feature a feature as the kernel names it, such as {@code "avx2"}; case does not matter
     * @return whether the CPU has it
     */
    public boolean has(String feature) {
        return features.contains(feature.toLowerCase(Locale.ROOT));
    }

    /**
     * @param wanted features as the kernel names them
     * @return those of them the CPU lacks, in the order given; empty when it has all
     */
    public List<String> missing(String... wanted) {
        return Arrays.stream(wanted).filter(feature -> !has(feature)).toList();
    }

    /**
     * Refuses to go on when the CPU lacks a feature a native library was built for.
     *
     * @param library the library, for the message, such as {@code "llama.cpp (AVX2 build)"}
     * @param wanted the features it needs, as the kernel names them
     * @throws SluiceException naming the library and the missing features, when the CPU lacks any
     */
    public void requireAll(String library, String... wanted) {
        List<String> missing = missing(wanted);
        if (!missing.isEmpty()) {
            throw new SluiceException(library + " needs CPU features " + missing + " that this " + arch
                    + " CPU lacks (it would die with SIGILL); use a build that does without them");
        }
    }

    @Override
    public String toString() {
        return "CpuFeatures[" + arch + ": " + String.join(" ", features) + "]";
    }
}
