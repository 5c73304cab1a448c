package dev.sluice.inference.llama.internal;

import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import dev.sluice.core.SluiceException;
import dev.sluice.inference.internal.NativeStack;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One native llama.cpp model per model file and native settings in this process, shared by every generator that
 * opens it and counted by reference.
 *
 * <p><b>Lifecycle.</b> {@link #acquire} loads a model, or counts one more user of the one loaded under the same key;
 * {@link #release} counts one less. A model no generator uses is <em>idle</em>: the {@value #DEFAULT_IDLE_MODELS}
 * most recently released idle model(s) stay loaded for the next open of the same file and settings (system property
 * {@value #IDLE_MODELS_PROPERTY}, 0 or more), so that opening and closing a generator in a loop costs one load; one
 * more idle model, or {@link #releaseIdle()}, frees the least recently released. A freed model is closed as soon as
 * nothing uses it any more (requests still running finish or are cancelled first, see {@link SharedModel#enter}),
 * its task loop's thread ends, and its native memory is given back ({@link NativeModelRelease}).
 *
 * <p>Where java-llama.cpp's native memory cannot be freed (a library build other than the one that was checked, see
 * {@link NativeModelRelease}), closing and reloading would leak a model per reload; there every model stays loaded
 * until the JVM exits, and is handed to the next generator that opens it, as before this class counted references.
 *
 * <p>Models load on a thread of {@link NativeStack} named {@code llama-load-N}; the native threads a model starts
 * carry that name. Thread-safe.
 */
public final class SharedModels {
    /** The system property that sets how many idle models stay loaded. */
    public static final String IDLE_MODELS_PROPERTY = "sluice.llama.idleModels";
    /** How many idle models stay loaded unless {@value #IDLE_MODELS_PROPERTY} says otherwise. */
    public static final int DEFAULT_IDLE_MODELS = 1;

    private static final Map<String, SharedModel> MODELS = new HashMap<>();
    /** The idle models in {@link #MODELS}, least recently released first. */
    private static final LinkedHashMap<String, SharedModel> IDLE = new LinkedHashMap<>();

    private static final AtomicInteger NATIVE_LOADS = new AtomicInteger();
    private static final AtomicInteger NATIVE_FREES = new AtomicInteger();
    private static final AtomicInteger HELD = new AtomicInteger();
    private static final AtomicLong LOAD_THREADS = new AtomicLong();

    private SharedModels() {}

    /** A loaded native model, its slot permits, its users and its in-flight uses. */
    public static final class SharedModel {
        private final String key;
        private final String source;
        private final LlamaModel model;
        private final ModelThreads threads;
        private final Semaphore slots;
        private final int slotCount;
        private int references; // guarded by SharedModels.class
        private int uses; // guarded by this
        private boolean retired; // guarded by this

        private SharedModel(String key, String source, LlamaModel model, ModelThreads threads, int slotCount) {
            this.key = key;
            this.source = source;
            this.model = model;
            this.threads = threads;
            this.slotCount = slotCount;
            this.slots = new Semaphore(slotCount, true);
        }

        /** @return the native model; call it only between {@link #enter()} and {@link #exit()} */
        public LlamaModel model() {
            return model;
        }

        /** @return the number of parallel slots */
        public int slotCount() {
            return slotCount;
        }

        /** @return how many parallel slots are free now */
        public int freeSlots() {
            return slots.availablePermits();
        }

        /**
         * Starts a use of the native model: a call, or a request for as long as it runs. The model is not freed
         * while a use is in progress.
         *
         * @throws IllegalStateException when the model has been freed or is being freed
         */
        public void enter() {
            synchronized (this) {
                if (retired) {
                    throw new IllegalStateException("the llama.cpp model of " + source + " is closed");
                }
                uses++;
            }
        }

        /** Ends a use started by {@link #enter()}; the last use of a retired model frees it, on this thread. */
        public void exit() {
            boolean free;
            synchronized (this) {
                uses--;
                free = retired && uses == 0;
            }
            if (free) {
                freeNative();
            }
        }

        /**
         * Takes one of the model's parallel slots for a request, and starts a use ({@link #enter()}).
         *
         * @param waitNanos how long to wait for a free slot
         * @return whether a slot was free in time
         * @throws InterruptedException when interrupted while waiting
         * @throws IllegalStateException when the model has been freed
         */
        public boolean acquireSlot(long waitNanos) throws InterruptedException {
            if (!slots.tryAcquire(waitNanos, TimeUnit.NANOSECONDS)) {
                return false;
            }
            try {
                enter();
            } catch (IllegalStateException e) {
                slots.release();
                throw e;
            }
            return true;
        }

        /** Gives back a slot from {@link #acquireSlot} and ends its use. */
        public void releaseSlot() {
            slots.release();
            exit();
        }

        /** Marks the model for freeing; it is freed now, or by the last use in progress when it ends. */
        private void retire() {
            boolean free;
            synchronized (this) {
                retired = true;
                free = uses == 0;
            }
            if (free) {
                freeNative();
            }
        }

        private void freeNative() {
            if (NativeModelRelease.free(model, threads, source)) {
                NATIVE_FREES.incrementAndGet();
            }
            HELD.decrementAndGet();
        }

        @Override
        public String toString() {
            return "SharedModel[" + source + ", " + threads + "]";
        }
    }

    /**
     * Returns the model loaded under {@code key}, loading it first if needed, and counts one more reference.
     *
     * @param key the model file's identity and the native settings
     * @param parameters the parameters to load with when not loaded yet
     * @param slotCount the number of parallel slots those parameters set
     * @param source the file's name for messages
     * @return the shared model
     * @throws SluiceException when llama.cpp cannot load the model, with its last log lines
     */
    public static synchronized SharedModel acquire(
            String key, ModelParameters parameters, int slotCount, String source) {
        SharedModel shared = MODELS.get(key);
        if (shared == null) {
            shared = NativeStack.call("llama-load-" + LOAD_THREADS.incrementAndGet(), () -> {
                NativeLlama.ensureLoaded();
                ModelThreads.Before before = ModelThreads.capture();
                LlamaModel model;
                try {
                    model = new LlamaModel(parameters);
                } catch (RuntimeException e) {
                    throw new SluiceException(
                            "llama.cpp could not load " + source + " although it passed validation: " + e.getMessage(),
                            e);
                }
                return new SharedModel(key, source, model, before.threadsSince(), slotCount);
            });
            NATIVE_LOADS.incrementAndGet();
            HELD.incrementAndGet();
            MODELS.put(key, shared);
        }
        IDLE.remove(key);
        shared.references++;
        return shared;
    }

    /**
     * Counts one reference less. A model that no generator uses any more becomes idle, and idle models beyond
     * {@link #idleLimit()} are freed (see the class note), on this thread once they are not in use.
     *
     * @param shared a model from {@link #acquire}
     */
    public static void release(SharedModel shared) {
        List<SharedModel> evicted;
        synchronized (SharedModels.class) {
            shared.references--;
            if (shared.references > 0 || !canFreeModels()) {
                return;
            }
            IDLE.put(shared.key, shared);
            evicted = evict(idleLimit());
        }
        evicted.forEach(SharedModel::retire);
    }

    /**
     * Frees every idle model now (each once nothing uses it any more).
     *
     * @return how many models were released
     */
    public static int releaseIdle() {
        List<SharedModel> evicted;
        synchronized (SharedModels.class) {
            evicted = evict(0);
        }
        evicted.forEach(SharedModel::retire);
        return evicted.size();
    }

    /** Removes the least recently released idle models beyond {@code keep}; the caller retires them. */
    private static List<SharedModel> evict(int keep) {
        List<SharedModel> evicted = new ArrayList<>();
        Iterator<SharedModel> oldestFirst = IDLE.values().iterator();
        while (IDLE.size() - evicted.size() > keep && oldestFirst.hasNext()) {
            SharedModel idle = oldestFirst.next();
            oldestFirst.remove();
            MODELS.remove(idle.key);
            evicted.add(idle);
        }
        return evicted;
    }

    /** @return how many idle models stay loaded: {@value #IDLE_MODELS_PROPERTY}, else {@value #DEFAULT_IDLE_MODELS} */
    public static int idleLimit() {
        Integer limit = Integer.getInteger(IDLE_MODELS_PROPERTY, DEFAULT_IDLE_MODELS);
        return Math.max(0, limit);
    }

    /**
     * @return whether models are freed when unused; when not, every model stays loaded until the JVM exits (see the
     *     class note)
     */
    public static boolean canFreeModels() {
        return NativeModelRelease.supported();
    }

    /** @return why models are not freed, or {@code null} when they are */
    public static String whyModelsStayLoaded() {
        return NativeModelRelease.unsupportedReason();
    }

    /** @return how many native models this process has loaded */
    public static int nativeLoadCount() {
        return NATIVE_LOADS.get();
    }

    /** @return how many native models this process has freed */
    public static int nativeFreeCount() {
        return NATIVE_FREES.get();
    }

    /** @return how many models are registered now, in use or idle: the ones an open can share */
    public static synchronized int registeredCount() {
        return MODELS.size();
    }

    /** @return how many registered models are idle */
    public static synchronized int idleCount() {
        return IDLE.size();
    }

    /** @return how many loaded models have not been closed yet: registered, or released with a request still running */
    public static int heldCount() {
        return HELD.get();
    }
}
