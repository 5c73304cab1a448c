package dev.sluice.pipeline;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.sluice.core.CorruptDataException;
import dev.sluice.core.hash.CacheKey;
import dev.sluice.core.hash.ContentHash;
import dev.sluice.pipeline.evidence.EvidenceLink;
import java.util.List;
import org.agrona.MutableDirectBuffer;

/**
 * What an adapter node remembers about the outputs it finds in the result cache: their hash and the evidence
 * links of the execution that computed them, by cache key, so that a cache hit reports the links of the
 * execution it reuses and hashes nothing. An entry is valid while the cache hands out the same array. Bytes the
 * node has not seen before (a persistent-tier row, another pipeline's output) are decoded once, so that a corrupt
 * row fails here; later hits stay undecoded. Thread-safe.
 */
final class CachedOutputs {
    /** How many cached outputs' hashes and evidence links each adapter node remembers. */
    private static final int REMEMBERED = 4096;

    private final CallNode node;
    private final ResultCache cache;
    private final Cache<CacheKey, Remembered> byKey;

    /** An output's bytes as the cache holds them, their hash, and the evidence of their execution. */
    private record Remembered(byte[] bytes, ContentHash hash, List<EvidenceLink> evidence) {}

    CachedOutputs(CallNode node, ResultCache cache) {
        this.node = node;
        this.cache = cache;
        this.byKey = Caffeine.newBuilder()
                .maximumSize(REMEMBERED)
                .executor(Runnable::run)
                .build();
    }

    /**
     * Takes output bytes cached under {@code key} (a hit, or the result of a load) into {@code out} and
     * {@code result} with their hash and, unless this execution reported its own, the evidence links of the
     * execution that computed them: from this memory, else from the result cache (which keeps them beside the
     * output, also across restarts).
     */
    void accept(CacheKey key, byte[] bytes, MutableDirectBuffer out, NodeExecutor.NodeOutput result) {
        Remembered known = byKey.getIfPresent(key);
        Object firstSeen = null;
        if (known == null || known.bytes != bytes) {
            try {
                firstSeen = node.outputSchema.decode(bytes);
            } catch (CorruptDataException e) {
                throw new NodeFailedException(
                        node.id,
                        "its cached output of " + bytes.length + " bytes is not a " + node.outputSchema.typeName()
                                + ": " + e.getMessage(),
                        e);
            }
            known = new Remembered(
                    bytes, ContentHash.of(bytes), known != null ? known.evidence : List.copyOf(cache.evidence(key)));
            byKey.put(key, known);
        }
        EdgeCodec.acceptBytes(bytes, out, result);
        result.value = firstSeen;
        result.hash = known.hash;
        if (result.evidence.isEmpty()) {
            result.evidence = known.evidence;
        }
    }

    /**
     * Remembers an output an execution just computed, to be stored under {@code key}, with the evidence links it
     * reported; the links are also handed to the result cache, which keeps them beside the output.
     */
    void remember(CacheKey key, byte[] bytes, List<EvidenceLink> evidence) {
        List<EvidenceLink> links = List.copyOf(evidence);
        byKey.put(key, new Remembered(bytes, ContentHash.of(bytes), links));
        if (!links.isEmpty()) {
            cache.putEvidence(key, links);
        }
    }
}
