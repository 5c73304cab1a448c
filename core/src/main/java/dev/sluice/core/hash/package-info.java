/**
 * Identity and determinism: {@link dev.sluice.core.hash.ContentHash} (SHA-256 of canonical bytes),
 * {@link dev.sluice.core.hash.CacheKey} (the idempotency key {@code hash(inputs, model, seed, tools, version)})
 * and {@link dev.sluice.core.hash.Seed} (one seed per run, with stable derived sub-seeds).
 */
package dev.sluice.core.hash;
