/**
 * Machinery shared by the embedding and generation packages: {@link dev.sluice.inference.internal.NativeStack}, the
 * thread with a stack of Sluice's choosing on which native libraries are set up. Not API.
 */
package dev.sluice.inference.internal;
