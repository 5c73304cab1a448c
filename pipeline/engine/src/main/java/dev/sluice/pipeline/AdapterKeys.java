package dev.sluice.pipeline;

import dev.sluice.core.hash.CacheKey;
import dev.sluice.core.hash.Seed;
import dev.sluice.core.schema.Schema;
import org.agrona.DirectBuffer;

/**
 * Computes the cache keys of an adapter node from its input bytes in place:
 * {@code hash(input, model, seed, tools, version)}, where the version names the key layout, the flow, the node,
 * the input and output schema versions, and the adapter's state version and settings as they are at each
 * execution. Thread-safe.
 */
final class AdapterKeys {
    /** Bumped when the meaning of the version string below changes: it enters every adapter's cache key. */
    static final int KEY_LAYOUT_VERSION = 1;

    private final Adapter<Object, Object> adapter;
    private final Seed seed;
    /** The version string up to the adapter's state version and settings. */
    private final String keyVersion;

    /** The last full version string built, reused while the adapter's state and settings stay the same. */
    private record KeyVersion(String state, String settings, String full) {}

    private volatile KeyVersion lastKeyVersion = new KeyVersion("", "", "");

    /** @param seed the node's seed */
    AdapterKeys(Flow<?, ?> flow, CallNode node, Schema<?> inputSchema, Seed seed) {
        this.adapter = node.adapter;
        this.seed = seed;
        this.keyVersion = "sluice=" + KEY_LAYOUT_VERSION + ";flow=" + flow.name() + "@" + flow.version() + ";node="
                + node.id + "@" + node.version + ";in=" + inputSchema.version() + ";out=" + node.outputSchema.version()
                + ";state=";
    }

    /** @return the cache key of the adapter for the given input bytes */
    CacheKey key(DirectBuffer in, int offset, int length) {
        String state = adapter.stateVersion();
        String settings = adapter.settings();
        KeyVersion version = lastKeyVersion;
        if (!version.state.equals(state) || !version.settings.equals(settings) || version.full.isEmpty()) {
            version = new KeyVersion(state, settings, keyVersion + state + ";settings=" + settings);
            lastKeyVersion = version;
        }
        return CacheKey.of(in, offset, length, adapter.modelIdentity(), seed, adapter.tools(), version.full);
    }
}
