package dev.sluice.inference.llama.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The native threads a llama.cpp model started when it loaded (its task loop, which java-llama.cpp starts and detaches
 * in {@code loadModel}), found through Linux's {@code /proc}: a new thread takes the name of the thread that starts
 * it, so the threads that appear while a uniquely named thread loads a model, under that name, are the model's.
 * {@link #awaitEnd} waits until they have ended, which after {@code LlamaModel.close()} means that nothing runs on
 * the model any more.
 *
 * <p>Immutable; {@link #capture} must run on the thread that loads the model, the other methods on any thread.
 */
final class ModelThreads {
    private static final Path TASKS = Path.of("/proc/self/task");
    private static final Path THREAD_SELF = Path.of("/proc/thread-self");

    private final String name;
    private final List<Integer> ids;

    private ModelThreads(String name, List<Integer> ids) {
        this.name = name;
        this.ids = List.copyOf(ids);
    }

    /** Remembers the threads alive before the load; {@link Before#threadsSince()} finds the new ones after it. */
    static final class Before {
        private final String name;
        private final int self;
        private final Set<Integer> existing;

        private Before(String name, int self, Set<Integer> existing) {
            this.name = name;
            this.self = self;
            this.existing = existing;
        }

        /**
         * @return the threads that appeared since, under the current thread's name, other than itself; empty when
         *     {@code /proc} could not tell
         */
        ModelThreads threadsSince() {
            if (existing == null) {
                return new ModelThreads(name, List.of());
            }
            List<Integer> found = new ArrayList<>();
            for (int id : taskIds()) {
                if (id != self && !existing.contains(id) && name.equals(comm(id))) {
                    found.add(id);
                }
            }
            return new ModelThreads(name, found);
        }
    }

    /**
     * Call on the loading thread just before the load.
     *
     * @return the threads alive now, to compare with after the load
     */
    static Before capture() {
        try {
            String self = Files.readSymbolicLink(THREAD_SELF).getFileName().toString();
            String name = Files.readString(THREAD_SELF.resolve("comm")).strip();
            return new Before(name, Integer.parseInt(self), new HashSet<>(taskIds()));
        } catch (IOException | UncheckedIOException | NumberFormatException | UnsupportedOperationException e) {
            return new Before("", -1, null); // not Linux, or no /proc
        }
    }

    /** @return whether the load started threads that were found: only then can {@link #awaitEnd} tell anything */
    boolean known() {
        return !ids.isEmpty();
    }

    /** @return how many of the model's threads are alive now */
    int alive() {
        int alive = 0;
        for (int id : ids) {
            if (name.equals(comm(id))) { // a thread id that now has another name was reused by another thread
                alive++;
            }
        }
        return alive;
    }

    /**
     * Waits until the model's threads have ended.
     *
     * @param timeout how long to wait at most
     * @return whether they ended in time
     */
    boolean awaitEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pauseMs = 1;
        while (alive() > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(pauseMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            pauseMs = Math.min(pauseMs * 2, 50);
        }
        return true;
    }

    @Override
    public String toString() {
        return "threads " + ids + " named " + name;
    }

    private static List<Integer> taskIds() {
        List<Integer> ids = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(TASKS)) {
            tasks.forEach(task -> {
                try {
                    ids.add(Integer.parseInt(task.getFileName().toString()));
                } catch (NumberFormatException e) {
                    // not a thread directory
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ids;
    }

    /** @return the thread's name, or {@code null} when it has ended */
    private static String comm(int id) {
        try {
            return Files.readString(TASKS.resolve(Integer.toString(id)).resolve("comm"))
                    .strip();
        } catch (IOException e) { // NoSuchFileException: it has ended (or ended while being read)
            return null;
        }
    }
}
