/** Machinery of the llama.cpp generator: the native library loader and the shared model registry. Not API. */
package dev.sluice.inference.llama.internal;
