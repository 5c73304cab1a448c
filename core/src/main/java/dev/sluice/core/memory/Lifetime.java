package dev.sluice.core.memory;

import java.lang.foreign.Arena;

/**
 * The lifetime of one off-heap region, shared by its owner and every view borrowed from it: the owner's name for
 * messages, whether it is closed, and the arena to close if the owner allocated the memory.
 */
final class Lifetime {
    private final String ownerName;
    private final Arena arena;
    private volatile boolean closed;

    Lifetime(String ownerName, Arena arena) {
        this.ownerName = ownerName;
        this.arena = arena;
    }

    String ownerName() {
        return ownerName;
    }

    boolean isClosed() {
        return closed;
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("'" + ownerName + "' is closed; its memory can no longer be used");
        }
    }

    /** Closes once; the arena (if owned) frees the memory. Safe to call from any thread, any number of times. */
    synchronized void close() {
        if (!closed) {
            closed = true;
            if (arena != null) {
                arena.close();
            }
        }
    }
}
