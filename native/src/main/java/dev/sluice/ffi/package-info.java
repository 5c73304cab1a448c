/**
 * Operating-system access through Panama FFM downcalls (no JNI of our own): memory-mapped files as
 * {@link java.lang.foreign.MemorySegment}s, thread CPU affinity, page size, online CPUs and the CPU's SIMD
 * features.
 */
package dev.sluice.ffi;
