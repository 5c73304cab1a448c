package dev.sluice.inference.embed.internal;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import dev.sluice.core.BadInputException;
import dev.sluice.core.SluiceException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} run by the Rust {@code tokenizers} library through DJL's binding, configured
 * for embedding: the tokenizer's own special tokens, truncation to a token limit, padding to the longest text of a
 * batch. {@link #encodeInto} writes ids, mask and token types straight into a {@link Scratch}.
 *
 * <p><b>Native library, no download.</b> DJL's jar carries {@code libtokenizers} for linux-x86_64 and linux-aarch64
 * (CPU flavour) and extracts it once to {@code ~/.djl.ai/tokenizers} (or {@code DJL_CACHE_DIR}). On a machine with a
 * CUDA GPU DJL would otherwise try to download a CUDA flavour from the internet, and it calls an EC2 metadata endpoint
 * for telemetry. Before the first tokenizer is made this class therefore sets the system properties
 * {@code RUST_FLAVOR=cpu} and {@code OPT_OUT_TRACKING=true}, unless the application has set them (as system
 * properties or environment variables) itself. {@code RUST_LIBRARY_PATH} still points DJL at a library of the
 * caller's choosing.
 *
 * <p><b>Cost.</b> {@link #encodeInto} makes one JNI call for the batch (the Rust side encodes texts in parallel)
 * and, per text, three to four JNI calls that each return a small {@code long[]}; only ids, mask, types and the
 * overflow count are fetched (DJL's {@code Encoding} would also build token strings and character spans).
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

    private HfTokenizer(HuggingFaceTokenizer tokenizer, int maxTokens) {
        this.tokenizer = tokenizer;
        this.handle = tokenizer.getHandle();
        this.maxTokens = maxTokens;
    }

    /**
     * Loads a tokenizer.
     *
     * @param file the {@code tokenizer.json}
     * @param maxTokens the token limit including special tokens, or 0 for the limit in the file (512 if none)
     * @return the tokenizer; close it to free the native one
     * @throws BadInputException if the file is missing, unreadable or not a tokenizer
     */
    public static HfTokenizer open(Path file, int maxTokens) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new BadInputException("tokenizer file " + file + " does not exist or is not a readable file");
        }
        Map<String, String> options = new HashMap<>();
        options.put("addSpecialTokens", "true");
        options.put("padding", "longest");
        options.put("truncation", "longest_first");
        if (maxTokens > 0) {
            options.put("maxLength", Integer.toString(maxTokens));
            options.put("modelMaxLength", Integer.toString(maxTokens));
        }
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(file, options);
        } catch (IOException e) {
            throw new BadInputException("cannot read tokenizer file " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new BadInputException("tokenizer file " + file + " is not a Hugging Face tokenizer.json: "
                    + e.getMessage(), e);
        }
        return new HfTokenizer(tokenizer, tokenizer.getMaxLength());
    }

    /** @return the token limit, special tokens included; longer texts are cut to it */
    public int maxTokens() {
        return maxTokens;
    }

    /**
     * Tokenises a batch into the scratch, padded to its longest text, and records in the scratch how many texts were
     * cut to {@link #maxTokens()}.
     *
     * @param texts non-null texts
     * @param scratch the scratch to fill; its capacity is grown to {@code texts x length} tokens plus
     *     {@code texts x length x floatsPerToken} output floats
     * @param withTypes whether to fill token type ids
     * @param floatsPerToken output floats per token position, or 0 if the output does not grow with the length
     * @param floatsPerText output floats per text not tied to the length
     * @return the padded length, the same for every text
     */
    public int encodeInto(String[] texts, Scratch scratch, boolean withTypes, int floatsPerToken, int floatsPerText) {
        long[] encodings;
        try {
            // One text skips the batch call's hand-off to the Rust thread pool.
            encodings = texts.length == 1 ? new long[] {TokenizersLibrary.LIB.encode(handle, texts[0], true)}
                    : TokenizersLibrary.LIB.batchEncode(handle, texts, true);
        } catch (RuntimeException e) {
            throw new SluiceException("the tokenizer failed on a batch of " + texts.length + " texts: "
                    + e.getMessage(), e);
        }
        try {
            int length = TokenizersLibrary.LIB.getTokenIds(encodings[0]).length;
            scratch.ensureCapacity((long) texts.length * length,
                    (long) texts.length * (length * (long) floatsPerToken + floatsPerText));
            scratch.truncatedTexts = 0;
            scratch.firstTruncated = -1;
            for (int i = 0; i < encodings.length; i++) {
                long encoding = encodings[i];
                long offsetBytes = (long) i * length * Long.BYTES;
                copy(TokenizersLibrary.LIB.getTokenIds(encoding), length, scratch.ids(), offsetBytes);
                copy(TokenizersLibrary.LIB.getAttentionMask(encoding), length, scratch.mask(), offsetBytes);
                if (withTypes) {
                    copy(TokenizersLibrary.LIB.getTypeIds(encoding), length, scratch.types(), offsetBytes);
                }
                if (TokenizersLibrary.LIB.getOverflowCount(encoding) > 0) {
                    if (scratch.truncatedTexts++ == 0) {
                        scratch.firstTruncated = i;
                    }
                }
            }
            return length;
        } finally {
            for (long encoding : encodings) {
                TokenizersLibrary.LIB.deleteEncoding(encoding);
            }
            // DJL frees the native tokenizer when its Java object is finalised: keep it reachable until here.
            Reference.reachabilityFence(tokenizer);
        }
    }

    private static void copy(long[] values, int length, MemorySegment target, long offsetBytes) {
        if (values.length != length) {
            throw new IllegalStateException("the tokenizer padded a batch to " + values.length + " and " + length
                    + " tokens; padding to the longest is off");
        }
        MemorySegment.copy(values, 0, target, JAVA_LONG, offsetBytes, length);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
