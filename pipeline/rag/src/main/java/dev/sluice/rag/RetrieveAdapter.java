package dev.sluice.rag;

import dev.sluice.core.hash.ContentHash;
import dev.sluice.inference.embed.Embedder;
import dev.sluice.pipeline.Adapter;
import dev.sluice.pipeline.AdapterContext;
import dev.sluice.pipeline.evidence.EvidenceLink;
import dev.sluice.vector.Hits;
import dev.sluice.vector.Metadata;
import dev.sluice.vector.VectorIndex;
import dev.sluice.vector.VectorStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The adapter behind {@link RagNodes#retrieve}: embeds the query, searches the index, and looks the passages'
 * texts up; every passage becomes a DOC link of the run's evidence chain (document id, snippet hash, excerpt,
 * rank and score). Its cache key covers the embedding model's identity, the index's version (so a changed index never
 * serves a stale retrieval) and {@code k}.
 */
final class RetrieveAdapter implements Adapter<String, Retrieval> {

    private final Embedder embedder;
    private final VectorIndex index;
    private final int k;
    private final SnippetTexts texts;
    private final String identity;
    private final String settings;
    /** The last index version seen and its hex, so that an unchanged index costs no string per request. */
    private volatile StateVersion lastState = new StateVersion(null, "");

    private record StateVersion(ContentHash version, String hex) {}

    RetrieveAdapter(Embedder embedder, VectorIndex index, int k, SnippetTexts texts) {
        this.embedder = embedder;
        this.index = index;
        this.k = k;
        this.texts = texts;
        this.identity = embedder.identity().key();
        this.settings = "k=" + k;
    }

    @Override
    public Retrieval apply(String query, AdapterContext context) {
        VectorStore store = index.store();
        int wanted = Math.min(k, store.liveCount());
        List<Snippet> snippets = new ArrayList<>(wanted);
        if (wanted > 0) {
            Hits hits = index.search(embedder.embed(query), wanted);
            for (int rank = 0; rank < hits.size(); rank++) {
                int row = hits.row(rank);
                String key = String.valueOf(store.key(row));
                Metadata metadata = store.metadata(row);
                Snippet snippet = new Snippet(
                        key,
                        orEmpty(metadata.documentId()),
                        orEmpty(metadata.snippetHash()),
                        texts.textOf(key),
                        hits.score(rank));
                snippets.add(snippet);
                context.evidence(
                        EvidenceLink.Kind.DOC,
                        snippet.documentId().isEmpty() ? key : snippet.documentId(),
                        snippet.snippetHash(),
                        snippet.text(),
                        Map.of("key", key, "rank", Integer.toString(rank), "score", Float.toString(snippet.score())));
            }
        }
        return new Retrieval(query, snippets);
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    @Override
    public String modelIdentity() {
        return identity;
    }

    @Override
    public String stateVersion() {
        ContentHash version = index.version();
        StateVersion last = lastState;
        if (!version.equals(last.version)) {
            last = new StateVersion(version, version.hex());
            lastState = last;
        }
        return last.hex;
    }

    @Override
    public String settings() {
        return settings;
    }

    @Override
    public int maxConcurrency() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }
}
