package dev.sluice.inference.embed.internal;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import dev.sluice.core.BadInputException;
import dev.sluice.core.SluiceException;
import dev.sluice.inference.internal.NativeStack;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} run by the Rust {@code tokenizers} library through DJL's binding, configured
 * for embedding: the tokenizer's own special tokens, truncation to a token limit, padding to the longest text of a
 * run. {@link #tokenize} encodes a batch unpadded; {@link #writeRun} writes one run's ids, mask and token types,
 * padded, straight into a {@link Scratch}.
 *
 * <p><b>Native library, no download.</b> DJL's jar carries {@code libtokenizers} for linux-x86_64 and linux-aarch64
 * (CPU flavour) and extracts it once to {@code ~/.djl.ai/tokenizers} (or {@code DJL_CACHE_DIR}). On a machine with a
 * CUDA GPU DJL would otherwise try to download a CUDA flavour from the internet, and it calls an EC2 metadata endpoint
 * for telemetry. Before the first tokenizer is made this class therefore sets the system properties
 * {@code RUST_FLAVOR=cpu} and {@code OPT_OUT_TRACKING=true}, unless the application has set them (as system
 * properties or environment variables) itself. {@code RUST_LIBRARY_PATH} still points DJL at a library of the
 * caller's choosing.
 *
 * <p><b>Before native code.</b> {@link #open} checks the file in Java first ({@link TokenizerFileCheck}): files the
 * Rust library would panic on (a panic inside the JNI call aborts the JVM) are refused with a
 * {@link BadInputException}. The native tokenizer is then made on a thread of {@link NativeStack}, whatever the
 * caller's stack size.
 *
 * <p><b>Cost.</b> {@link #tokenize} encodes the texts in parallel (see there) and makes, per text, two to three
 * JNI calls that each return a small {@code long[]}; only ids, types and the overflow count are fetched (DJL's
 * {@code Encoding} would also build token strings and character spans; without padding the attention mask is all
 * ones).
 * Thread-safe: the native tokenizer is immutable after construction.
 */
public final class HfTokenizer implements AutoCloseable {
    private static final String[] PROPERTIES_SET_UNLESS_PRESENT = {"RUST_FLAVOR", "cpu", "OPT_OUT_TRACKING", "true"};

    static {
        for (int i = 0; i < PROPERTIES_SET_UNLESS_PRESENT.length; i += 2) {
            String key = PROPERTIES_SET_UNLESS_PRESENT[i];
            if (System.getenv(key) == null && System.getProperty(key) == null) {
                System.setProperty(key, PROPERTIES_SET_UNLESS_PRESENT[i + 1]);
            }
        }
    }

    private final HuggingFaceTokenizer tokenizer;
    private final long handle;
    private final int maxTokens;
    private final long padId;
    private final long padTypeId;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, int maxTokens, Path file) {
        this.tokenizer = tokenizer;
        this.handle = tokenizer.getHandle();
        this.maxTokens = maxTokens;
        // Learn the padding token and type the file defines by padding a short text to a longer one, then pad
        // ourselves: each model run is padded to its own longest text, not the longest of everything tokenised.
        long[] encodings;
        try {
            encodings = TokenizersLibrary.LIB.batchEncode(handle, new String[] {"a", "a a a"}, true);
        } catch (RuntimeException e) {
            throw new BadInputException(
                    "tokenizer file " + file + " cannot encode a sample text: " + e.getMessage(), e);
        }
        try {
            long[] ids = TokenizersLibrary.LIB.getTokenIds(encodings[0]);
            long[] types = TokenizersLibrary.LIB.getTypeIds(encodings[0]);
            if (ids.length == 0 || types.length != ids.length) {
                throw new BadInputException("tokenizer file " + file + " encodes the sample text \"a\" to no tokens;"
                        + " its vocabulary has neither the text's pieces nor an unknown token");
            }
            this.padId = ids[ids.length - 1];
            this.padTypeId = types[types.length - 1];
        } finally {
            for (long encoding : encodings) {
                TokenizersLibrary.LIB.deleteEncoding(encoding);
            }
        }
        TokenizersLibrary.LIB.disablePadding(handle);
    }

    /**
     * Loads a tokenizer whose ids the model's vocabulary size is not known for: {@link #open(Path, int, long)} with
     * -1.
     *
     * @param file the {@code tokenizer.json}
     * @param maxTokens the token limit including special tokens, or 0 for the limit in the file (512 if none)
     * @return the tokenizer; close it to free the native one
     * @throws BadInputException if the file is missing, unreadable or not a tokenizer
     */
    public static HfTokenizer open(Path file, int maxTokens) {
        return open(file, maxTokens, -1);
    }

    /**
     * Loads a tokenizer: checks the file in Java ({@link TokenizerFileCheck}), then makes the native tokenizer on a
     * thread of {@link NativeStack}.
     *
     * @param file the {@code tokenizer.json}
     * @param maxTokens the token limit including special tokens, or 0 for the limit in the file (512 if none)
     * @param vocabularySize the number of token ids the model accepts, or -1 when unknown
     * @return the tokenizer; close it to free the native one
     * @throws BadInputException if the file is missing, unreadable, not a tokenizer, or one whose ids do not fit
     */
    public static HfTokenizer open(Path file, int maxTokens, long vocabularySize) {
        TokenizerFileCheck.check(file, vocabularySize);
        Map<String, String> options = new HashMap<>();
        options.put("addSpecialTokens", "true");
        options.put("padding", "longest");
        options.put("truncation", "longest_first");
        if (maxTokens > 0) {
            options.put("maxLength", Integer.toString(maxTokens));
            options.put("modelMaxLength", Integer.toString(maxTokens));
        }
        return NativeStack.call(() -> {
            HuggingFaceTokenizer tokenizer;
            try {
                tokenizer = HuggingFaceTokenizer.newInstance(file, options);
            } catch (IOException e) {
                throw new BadInputException("cannot read tokenizer file " + file + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new BadInputException(
                        "tokenizer file " + file + " is not a Hugging Face tokenizer.json: " + e.getMessage(), e);
            }
            try {
                return new HfTokenizer(tokenizer, tokenizer.getMaxLength(), file);
            } catch (RuntimeException e) {
                tokenizer.close();
                throw e;
            }
        });
    }

    /** @return the token limit, special tokens included; longer texts are cut to it */
    public int maxTokens() {
        return maxTokens;
    }

    /**
     * Tokenises texts without padding. With one worker thread, one JNI call encodes the texts (the Rust side spreads
     * them over its own thread pool); with several, the workers that run the model take the texts one at a time, one
     * JNI call per text, so that no second thread pool competes with the model for the cores and a batch's
     * tokenisation is not left to one thread while the others wait. Then two to three small JNI calls per text return
     * its ids, types and overflow count.
     *
     * @param texts non-null texts
     * @param withTypes whether to fetch token type ids
     * @param workers the threads that share the work
     * @return each text's tokens, cut to {@link #maxTokens()}
     */
    public TokenizedBatch tokenize(String[] texts, boolean withTypes, RunWorkers workers) {
        int count = texts.length;
        long[][] ids = new long[count][];
        long[][] types = withTypes ? new long[count][] : null;
        boolean[] cut = new boolean[count];
        try {
            if (count == 1 || workers.threads() == 1) {
                long[] encodings = count == 1
                        ? new long[] {TokenizersLibrary.LIB.encode(handle, texts[0], true)}
                        : TokenizersLibrary.LIB.batchEncode(handle, texts, true);
                try {
                    for (int i = 0; i < count; i++) {
                        read(encodings[i], i, ids, types, cut);
                    }
                } finally {
                    for (long encoding : encodings) {
                        TokenizersLibrary.LIB.deleteEncoding(encoding);
                    }
                }
            } else {
                // The workers take texts one at a time, so a helper that wakes late takes fewer.
                workers.runAll(count, (text, scratch) -> {
                    long encoding = TokenizersLibrary.LIB.encode(handle, texts[text], true);
                    try {
                        read(encoding, text, ids, types, cut);
                    } finally {
                        TokenizersLibrary.LIB.deleteEncoding(encoding);
                    }
                });
            }
        } catch (RuntimeException e) {
            throw new SluiceException("the tokenizer failed on a batch of " + count + " texts: " + e.getMessage(), e);
        } finally {
            // DJL frees the native tokenizer when its Java object is finalised: keep it reachable until here.
            Reference.reachabilityFence(tokenizer);
        }
        return TokenizedBatch.of(ids, types, cut);
    }

    private static void read(long encoding, int text, long[][] ids, long[][] types, boolean[] cut) {
        ids[text] = TokenizersLibrary.LIB.getTokenIds(encoding);
        if (types != null) {
            types[text] = TokenizersLibrary.LIB.getTypeIds(encoding);
        }
        cut[text] = TokenizersLibrary.LIB.getOverflowCount(encoding) > 0;
    }

    /**
     * Writes one model run into the scratch: the given texts as rows, each padded to {@code length} with the
     * tokenizer's own padding token and type, attention mask 1 on real tokens and 0 on padding.
     *
     * @param batch the tokenised texts
     * @param order text indices in {@code batch}; the run takes {@code order[from..to)}
     * @param from the first entry of {@code order} in the run
     * @param to one past the last entry
     * @param length the padded length, at least each text's token count
     * @param scratch memory with room for {@code (to - from) x length} tokens
     */
    public void writeRun(TokenizedBatch batch, int[] order, int from, int to, int length, Scratch scratch) {
        MemorySegment ids = scratch.ids();
        MemorySegment mask = scratch.mask();
        MemorySegment types = scratch.types();
        for (int row = 0; row < to - from; row++) {
            int text = order[from + row];
            long[] textIds = batch.ids[text];
            int tokens = textIds.length;
            long rowBytes = (long) row * length * Long.BYTES;
            MemorySegment.copy(textIds, 0, ids, JAVA_LONG, rowBytes, tokens);
            if (batch.types != null) {
                MemorySegment.copy(batch.types[text], 0, types, JAVA_LONG, rowBytes, tokens);
            }
            for (int t = 0; t < length; t++) {
                long at = rowBytes + (long) t * Long.BYTES;
                boolean real = t < tokens;
                mask.set(JAVA_LONG, at, real ? 1L : 0L);
                if (!real) {
                    ids.set(JAVA_LONG, at, padId);
                    types.set(JAVA_LONG, at, padTypeId);
                }
            }
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
