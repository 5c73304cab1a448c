package dev.sluice.inference.embed.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A lock-free pool of {@link Scratch} for concurrent embedding calls: {@link #acquire()} takes an idle scratch from a
 * fixed array of slots (or makes a new one when all are busy), {@link #release} puts it back (or frees it when every
 * slot is full). With at most {@code slots} concurrent callers, acquiring and releasing allocate nothing.
 *
 * <p>Thread-safe. {@link #close()} frees every scratch it made; the caller makes sure none is in use.
 */
public final class ScratchPool implements AutoCloseable {
    private final AtomicReferenceArray<Scratch> idle;
    private final ConcurrentLinkedQueue<Scratch> created = new ConcurrentLinkedQueue<>();

    /** @param slots how many idle scratches are kept for reuse */
    public ScratchPool(int slots) {
        this.idle = new AtomicReferenceArray<>(slots);
    }

    /** @return a scratch for the caller's exclusive use until {@link #release} */
    public Scratch acquire() {
        for (int i = 0; i < idle.length(); i++) {
            Scratch scratch = idle.getAndSet(i, null);
            if (scratch != null) {
                return scratch;
            }
        }
        Scratch scratch = new Scratch();
        created.add(scratch);
        return scratch;
    }

    /** @param scratch a scratch from {@link #acquire()}, no longer used by the caller */
    public void release(Scratch scratch) {
        for (int i = 0; i < idle.length(); i++) {
            if (idle.compareAndSet(i, null, scratch)) {
                return;
            }
        }
        created.remove(scratch);
        scratch.close();
    }

    @Override
    public void close() {
        for (Scratch scratch : created) {
            scratch.close();
        }
        created.clear();
    }
}
