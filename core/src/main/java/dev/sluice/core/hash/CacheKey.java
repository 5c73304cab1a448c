package dev.sluice.core.hash;

import static dev.sluice.core.schema.CanonicalFormat.TAG_BYTES;
import static dev.sluice.core.schema.CanonicalFormat.TAG_LIST;
import static dev.sluice.core.schema.CanonicalFormat.TAG_LONG;
import static dev.sluice.core.schema.CanonicalFormat.TAG_STRING;

import dev.sluice.core.BadInputException;
import dev.sluice.core.schema.CanonicalWriter;
import dev.sluice.core.schema.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.agrona.DirectBuffer;

/**
 * The idempotency key of a node execution: {@code key = SHA-256(inputs, model, seed, tools, version)}. Equal keys
 * mean the node would compute the same output, so a cached output may be returned instead.
 *
 * <p>The hashed bytes are the canonical encoding ({@link dev.sluice.core.schema}) of this tuple, each part tagged
 * and length-prefixed so that no two different tuples hash the same bytes:
 * <pre>
 * string "sluice.cache-key/v1"   domain and key-format version
 * bytes  inputs                  the canonical bytes of the node's input
 * string model                   the model identity (name and content hash), "" for none
 * long   seed
 * list&lt;string&gt; tools             sorted and without repeats: a set, whatever order it was given in
 * string version                 node version, flow version, schema version and any state version read
 * </pre>
 * Golden tests pin the hex of several keys: a change to this encoding must fail them.
 *
 * <p>Computing a key allocates only the key (and a sorted copy of the tools when they are not already sorted
 * and unique). Immutable and thread-safe.
 */
public final class CacheKey extends Sha256Value {
    private static final String DOMAIN = "sluice.cache-key/v1";

    private CacheKey(long w0, long w1, long w2, long w3) {
        super(w0, w1, w2, w3);
    }

    /**
     * @param inputs the canonical bytes of the node's input
     * @param model the model identity, {@code ""} for a node without a model
     * @param seed the seed the node runs with
     * @param tools the tools the node may use (a set)
     * @param version the versions that change the node's output (node, flow, schema, state)
     * @return the key
     */
    public static CacheKey of(byte[] inputs, String model, Seed seed, List<String> tools, String version) {
        return compute(inputs, null, 0, inputs.length, model, seed, tools, version);
    }

    /**
     * Computes the key over input bytes that already sit in a buffer (an envelope's payload), without copying them.
     *
     * @param inputs the buffer holding the canonical input bytes
     * @param offset the first input byte
     * @param length the number of input bytes
     * @param model the model identity, {@code ""} for a node without a model
     * @param seed the seed the node runs with
     * @param tools the tools the node may use (a set)
     * @param version the versions that change the node's output
     * @return the key
     */
    public static CacheKey of(
            DirectBuffer inputs, int offset, int length, String model, Seed seed, List<String> tools, String version) {
        inputs.boundsCheck(offset, length);
        return compute(null, inputs, offset, length, model, seed, tools, version);
    }

    /** Hashes the tuple; the inputs are either {@code array} or {@code buffer} (the other is null), never copied. */
    private static CacheKey compute(
            byte[] array,
            DirectBuffer buffer,
            int offset,
            int length,
            String model,
            Seed seed,
            List<String> tools,
            String version) {
        requireNonNull(model, "model");
        requireNonNull(seed, "seed");
        requireNonNull(tools, "tools");
        requireNonNull(version, "version");
        List<String> toolSet = sortedUnique(tools);
        try (Sha256 sha = Sha256.acquire()) {
            CanonicalWriter out = sha.writer;
            out.writeTag(TAG_STRING);
            out.writeStringBody(DOMAIN);
            out.writeTag(TAG_BYTES);
            out.writeCount(length);
            sha.flushWriter();
            if (array != null) {
                sha.update(array, offset, length);
            } else {
                sha.update(buffer, offset, length);
            }
            out.writeTag(TAG_STRING);
            out.writeStringBody(model);
            out.writeTag(TAG_LONG);
            out.writeLongBody(seed.value());
            out.writeTag(TAG_LIST);
            out.writeCount(toolSet.size());
            for (int i = 0; i < toolSet.size(); i++) {
                out.writeTag(TAG_STRING);
                out.writeStringBody(toolSet.get(i));
            }
            out.writeTag(TAG_STRING);
            out.writeStringBody(version);
            sha.flushWriter();
            sha.finish();
            return new CacheKey(sha.word(0), sha.word(1), sha.word(2), sha.word(3));
        }
    }

    /**
     * Encodes an input with its schema and computes its key.
     *
     * @param schema the input's schema
     * @param input the input value
     * @param model the model identity, {@code ""} for a node without a model
     * @param seed the seed the node runs with
     * @param tools the tools the node may use (a set)
     * @param version the versions that change the node's output
     * @param <T> the input type
     * @return the key
     */
    public static <T> CacheKey of(
            Schema<T> schema, T input, String model, Seed seed, List<String> tools, String version) {
        return of(schema.encode(input), model, seed, tools, version);
    }

    /**
     * @param hex 64 hex digits, as {@link #hex()} writes them
     * @return the key they spell
     */
    public static CacheKey fromHex(String hex) {
        long[] w = parseHex(hex, "cache key");
        return new CacheKey(w[0], w[1], w[2], w[3]);
    }

    /**
     * @param buffer a buffer holding 32 key bytes, as {@link #writeTo} wrote them
     * @param offset the first of them
     * @return the key
     */
    public static CacheKey readFrom(DirectBuffer buffer, int offset) {
        buffer.boundsCheck(offset, Sha256.LENGTH_BYTES);
        return new CacheKey(
                word(buffer, offset, 0), word(buffer, offset, 1), word(buffer, offset, 2), word(buffer, offset, 3));
    }

    private static List<String> sortedUnique(List<String> tools) {
        boolean sortedUnique = true;
        for (int i = 0; i < tools.size(); i++) {
            String tool = tools.get(i);
            if (tool == null) {
                throw new BadInputException("tools[" + i + "] is null; give tool names");
            }
            sortedUnique &= i == 0 || tools.get(i - 1).compareTo(tool) < 0;
        }
        return sortedUnique ? tools : new ArrayList<>(new TreeSet<>(tools));
    }

    private static void requireNonNull(Object part, String name) {
        if (part == null) {
            throw new BadInputException("cache key part '" + name + "' is null");
        }
    }
}
