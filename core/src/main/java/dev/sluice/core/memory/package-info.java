/**
 * Off-heap float32 data over {@link java.lang.foreign.MemorySegment}: {@link dev.sluice.core.memory.FloatMatrix}
 * (rows of embeddings, owned or borrowed) and {@link dev.sluice.core.memory.VectorView} (one vector, borrowed),
 * with SIMD dot products and distances. Every region has one owner that holds its arena; views borrow and never
 * close; use after close is an {@link java.lang.IllegalStateException} naming the owner.
 */
package dev.sluice.core.memory;
