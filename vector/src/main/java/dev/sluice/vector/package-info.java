/**
 * Retrieval: the off-heap vector store with its checksummed file format, exact (SIMD) search and the
 * jvector graph index. Filled by the retrieval issue.
 */
package dev.sluice.vector;
