/**
 * The foundation every module shares: the error types, and (in sub-packages) canonical encoding and
 * schemas, content hashes and cache keys, off-heap vectors and matrices, the pipeline envelope and seeds.
 */
package dev.sluice.core;
