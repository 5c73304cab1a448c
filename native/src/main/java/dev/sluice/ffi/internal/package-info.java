/**
 * Machinery behind {@code dev.sluice.ffi}: the native linker, the downcall handles and {@code errno} capture.
 * Not an API; its types may change in any release.
 */
package dev.sluice.ffi.internal;
