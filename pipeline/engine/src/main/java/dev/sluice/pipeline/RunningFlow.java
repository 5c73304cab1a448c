package dev.sluice.pipeline;

import dev.sluice.core.hash.Seed;
import dev.sluice.pipeline.evidence.Evidence;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What both runtimes hold for a started flow: its node executors over one seed and cache, its provenance
 * (evidence, journal, spans) and its run ids; and the parts of {@link Pipeline} that only read them.
 */
abstract class RunningFlow<I, O> implements Pipeline<I, O> {
    final Flow<I, O> flow;
    final ResultCache cache;
    final NodeExecutor[] executors;
    final Provenance<I, O> provenance;
    final GateReruns reruns;
    final RunIds runIds = new RunIds();

    RunningFlow(Flow<I, O> flow, Seed seed, ResultCache cache, Observability observability) {
        this.flow = flow;
        this.cache = cache;
        this.executors = executorsOf(flow, seed, cache);
        this.provenance = new Provenance<>(flow, executors, observability, seed, cache);
        this.reruns = new GateReruns(flow, executors, provenance);
    }

    static NodeExecutor[] executorsOf(Flow<?, ?> flow, Seed seed, ResultCache cache) {
        List<Node> nodes = flow.nodes();
        NodeExecutor[] executors = new NodeExecutor[nodes.size()];
        for (int i = 0; i < executors.length; i++) {
            executors[i] = new NodeExecutor(
                    flow, nodes.get(i), i == 0 ? flow.inputSchema() : nodes.get(i - 1).outputSchema, seed, cache);
        }
        return executors;
    }

    @Override
    public final Optional<Evidence> evidence(UUID runId) {
        return provenance.evidence(runId);
    }

    @Override
    public final ReplayReport replay(Instant from, Instant to) {
        return provenance.replay(from, to);
    }

    @Override
    public final ResultCache.Stats cacheStats() {
        return cache.stats();
    }
}
