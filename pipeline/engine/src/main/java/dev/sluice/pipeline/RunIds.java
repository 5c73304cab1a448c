package dev.sluice.pipeline;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Run ids without a {@code SecureRandom} call per run: a random high word per pipeline instance and a counter.
 * Unique within the instance, and across instances with overwhelming probability.
 */
final class RunIds {
    private final long high = new SecureRandom().nextLong();
    private final AtomicLong next = new AtomicLong();

    UUID next() {
        return new UUID(high, next.incrementAndGet());
    }
}
