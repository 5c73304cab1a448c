package dev.sluice.bench;

/**
 * The JVM flags every forked benchmark JVM gets, through {@code @Fork(jvmArgsAppend = ...)}: the root pom's
 * {@code sluice.jvm.flags}, as compile-time constants because annotations cannot read the build. {@code JvmFlagsTest}
 * fails the build when the two differ.
 */
public final class JvmFlags {
    /** FFM downcalls (the {@code native} module) without a warning. */
    public static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    /** The incubating Vector API behind the SIMD kernels; without it Sluice falls back to scalar loops. */
    public static final String VECTOR_API = "--add-modules=jdk.incubator.vector";
    /** Agrona 2 reads {@code jdk.internal.misc.Unsafe}. */
    public static final String AGRONA_UNSAFE = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";

    private JvmFlags() {}
}
