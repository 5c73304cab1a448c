/** Machinery of the GGUF reader: the byte layout and the parser with its checks. Not API. */
package dev.sluice.inference.gguf.internal;
