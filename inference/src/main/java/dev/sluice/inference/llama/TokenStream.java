package dev.sluice.inference.llama;

import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaOutput;
import dev.sluice.core.SluiceException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The pieces of text of one generation as llama.cpp produces them, each the text of one or more tokens and always
 * whole UTF-8 characters. Concatenated, they are exactly {@link Completion#text()} of the same request, which is how
 * {@link LlamaGenerator#complete(String, Sampling)} builds it.
 *
 * <p>The stream holds one of the model's parallel slots until it ends or is closed: use it in try-with-resources.
 *
 * <p>Thread-safety: one thread consumes it ({@link #hasNext()}, {@link #next()}); {@link #cancel()} and
 * {@link #close()} may be called from any thread. A cancel takes effect before the next piece (within one token's
 * time), and the stream then ends with {@link FinishReason#CANCELLED}. Cost per piece: one blocking native call and
 * one small string.
 */
public final class TokenStream implements Iterator<String>, AutoCloseable {
    private final LlamaIterator nativeIterator;
    private final Runnable releaseSlot;
    private final int promptTokens;
    private final int maxTokens;
    private final Consumer<TokenStream> onEnd;
    private final ReentrantLock lock = new ReentrantLock();
    private final StringBuilder text = new StringBuilder();
    private volatile boolean cancelRequested;
    private String pending;
    private int completionTokens;
    private Completion result;
    private long insideStreamNs;
    private long insideNativeNs;

    TokenStream(
            LlamaIterator nativeIterator,
            Runnable releaseSlot,
            int promptTokens,
            int maxTokens,
            Consumer<TokenStream> onEnd) {
        this.onEnd = onEnd;
        this.nativeIterator = nativeIterator;
        this.releaseSlot = releaseSlot;
        this.promptTokens = promptTokens;
        this.maxTokens = maxTokens;
    }

    /**
     * Waits for the next non-empty piece of text, or the end.
     *
     * @return whether there is another piece
     */
    @Override
    public boolean hasNext() {
        long enteredNs = System.nanoTime();
        lock.lock();
        try {
            while (pending == null && result == null) {
                if (cancelRequested) {
                    finish(FinishReason.CANCELLED);
                } else if (!nativeIterator.hasNext()) {
                    finish(completionTokens >= maxTokens ? FinishReason.LENGTH : FinishReason.STOP);
                } else {
                    LlamaOutput output;
                    long nativeStartNs = System.nanoTime();
                    try {
                        output = nativeIterator.next();
                        insideNativeNs += System.nanoTime() - nativeStartNs;
                    } catch (RuntimeException e) { // java-llama.cpp's exception type is not public
                        finish(FinishReason.STOP);
                        throw new SluiceException("llama.cpp failed during generation: " + e.getMessage(), e);
                    }
                    if (nativeIterator.hasNext()) {
                        completionTokens++; // each partial result is one token; the final one carries none
                    }
                    if (!output.text.isEmpty()) {
                        pending = output.text;
                        text.append(pending);
                    }
                }
            }
            return pending != null;
        } finally {
            insideStreamNs += System.nanoTime() - enteredNs;
            lock.unlock();
        }
    }

    /**
     * The Java-side cost of this stream so far: time spent in {@link #hasNext()} outside the call that waits for
     * llama.cpp's next token (locking, bookkeeping, text assembly). Read by the consuming thread.
     *
     * @return nanoseconds
     */
    public long javaOverheadNs() {
        return insideStreamNs - insideNativeNs;
    }

    /** @return the next piece of text, never empty */
    @Override
    public String next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the generation has ended: " + result.finishReason());
        }
        String piece = pending;
        pending = null;
        return piece;
    }

    /** Asks the generation to stop before its next piece; from any thread, any number of times. */
    public void cancel() {
        cancelRequested = true;
    }

    /**
     * @return the completion, once {@link #hasNext()} has returned false
     * @throws IllegalStateException while the generation is still running
     */
    public Completion result() {
        lock.lock();
        try {
            if (result == null) {
                throw new IllegalStateException("the generation is still running; read the stream to its end");
            }
            return result;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Cancels the generation if it is still running and gives its slot back. From another thread while the
     * consumer waits for a piece, it only asks for cancellation, which the consumer then carries out.
     */
    @Override
    public void close() {
        cancelRequested = true;
        if (lock.tryLock()) {
            try {
                if (result == null) {
                    finish(FinishReason.CANCELLED);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private void finish(FinishReason reason) {
        if (reason == FinishReason.CANCELLED && nativeIterator.hasNext()) {
            nativeIterator.cancel();
        }
        pending = null;
        result = new Completion(text.toString(), promptTokens, completionTokens, reason);
        releaseSlot.run();
        onEnd.accept(this);
    }
}
