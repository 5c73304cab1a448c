package dev.sluice.inference.llama.internal;

import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import dev.sluice.core.SluiceException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One native llama.cpp model per model file and native settings in this process, shared by every generator that
 * opens it and counted by reference.
 *
 * <p>Design note: java-llama.cpp's {@code close()} does not give the native memory back, and one native thread
 * stays behind per load, so loading and closing repeatedly grows the process without bound. A model whose
 * reference count drops to zero therefore stays loaded and is handed to the next generator that opens the same
 * file with the same settings: opening and closing a generator any number of times costs one load. The price is
 * that a model stays resident until the JVM exits.
 *
 * <p>Thread-safe.
 */
public final class SharedModels {
    private static final Map<String, SharedModel> MODELS = new HashMap<>();
    private static final AtomicInteger NATIVE_LOADS = new AtomicInteger();

    private SharedModels() {}

    /** A loaded native model, its slot permits and its reference count. */
    public static final class SharedModel {
        private final LlamaModel model;
        private final Semaphore slots;
        private final int slotCount;
        private int references;

        private SharedModel(LlamaModel model, int slotCount) {
            this.model = model;
            this.slotCount = slotCount;
            this.slots = new Semaphore(slotCount, true);
        }

        /** @return the native model */
        public LlamaModel model() {
            return model;
        }

        /** @return one permit per parallel slot */
        public Semaphore slots() {
            return slots;
        }

        /** @return the number of parallel slots */
        public int slotCount() {
            return slotCount;
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
            NativeLlama.ensureLoaded();
            LlamaModel model;
            try {
                model = new LlamaModel(parameters);
            } catch (RuntimeException e) {
                throw new SluiceException(
                        "llama.cpp could not load " + source + " although it passed validation: " + e.getMessage(), e);
            }
            NATIVE_LOADS.incrementAndGet();
            shared = new SharedModel(model, slotCount);

            MODELS.put(key, shared);
        }
        shared.references++;
        return shared;
    }

    /**
     * Counts one reference less; the model stays loaded (see the class note).
     *
     * @param shared a model from {@link #acquire}
     */
    public static synchronized void release(SharedModel shared) {
        shared.references--;
    }

    /** @return how many native models this process has loaded */
    public static int nativeLoadCount() {
        return NATIVE_LOADS.get();
    }
}
