/**
 * Sluice native: the operating system through Panama FFM (memory-mapped files, CPU affinity, page size, CPU
 * features). No native library of its own: it calls the C library. Needs native access
 * ({@code --enable-native-access=dev.sluice.ffi}, or {@code ALL-UNNAMED} on the class path).
 */
module dev.sluice.ffi {
    requires transitive dev.sluice.core;

    exports dev.sluice.ffi;
}
