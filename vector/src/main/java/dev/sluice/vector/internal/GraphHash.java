package dev.sluice.vector.internal;

import dev.sluice.core.hash.ContentHash;
import dev.sluice.core.hash.Sha256;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.NodesIterator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The content hash of a graph's structure: its entry node, its levels and, per level, every node with its set of
 * neighbours (node ids and neighbour ids sorted, so the hash does not depend on the order jvector keeps them in).
 * Two graphs with the same hash route every search the same way over the same vectors; jvector's parallel build
 * (and its random choice of each node's level) gives different graphs over the same vectors, and so different
 * hashes. A graph built in memory and the same graph saved and read back have the same hash.
 *
 * <p>Reads every neighbour list once (about {@code 4 * rows * maxDegree} bytes); stateless and thread-safe, but the
 * graph must not change while it is hashed for the hash to mean one graph.
 */
public final class GraphHash {
    /** Names the layout of the hashed bytes, so that a changed layout never collides with the old one. */
    private static final int LAYOUT = 1;

    private GraphHash() {}

    /**
     * @param graph the graph
     * @return the hash of its structure
     */
    public static ContentHash of(ImmutableGraphIndex graph) {
        try (Sha256 sha = Sha256.acquire();
                ImmutableGraphIndex.View view = graph.getView()) {
            Ints out = new Ints(sha);
            out.put(LAYOUT);
            ImmutableGraphIndex.NodeAtLevel entry = view.entryNode();
            out.put(entry == null ? -1 : entry.level);
            out.put(entry == null ? -1 : entry.node);
            int maxLevel = graph.getMaxLevel();
            out.put(maxLevel);
            for (int level = 0; level <= maxLevel; level++) {
                int[] nodes = sorted(graph.getNodes(level));
                out.put(level);
                out.put(nodes.length);
                for (int node : nodes) {
                    int[] neighbours = sorted(view.getNeighborsIterator(level, node));
                    out.put(node);
                    out.put(neighbours.length);
                    for (int neighbour : neighbours) {
                        out.put(neighbour);
                    }
                }
            }
            out.flush();
            return sha.toContentHash();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the graph to hash it", e);
        }
    }

    private static int[] sorted(NodesIterator iterator) {
        int[] values = new int[Math.max(0, iterator.size())];
        int count = 0;
        while (iterator.hasNext()) {
            if (count == values.length) {
                values = Arrays.copyOf(values, Math.max(8, count * 2));
            }
            values[count++] = iterator.nextInt();
        }
        int[] exact = count == values.length ? values : Arrays.copyOf(values, count);
        Arrays.sort(exact);
        return exact;
    }

    /** Little-endian ints fed to the digest through one small buffer. */
    private static final class Ints {
        private final Sha256 sha;
        private final ByteBuffer buffer = ByteBuffer.allocate(16 * 1024).order(ByteOrder.LITTLE_ENDIAN);

        Ints(Sha256 sha) {
            this.sha = sha;
        }

        void put(int value) {
            if (buffer.remaining() < Integer.BYTES) {
                flush();
            }
            buffer.putInt(value);
        }

        void flush() {
            buffer.flip();
            sha.update(buffer);
            buffer.clear();
        }
    }
}
