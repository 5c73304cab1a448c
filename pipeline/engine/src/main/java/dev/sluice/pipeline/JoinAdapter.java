package dev.sluice.pipeline;

import dev.sluice.core.hash.Seed;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The adapter behind {@link FlowBuilder#join}: runs two branch flows inline on the join's input, with the join
 * node's seed and the pipeline's cache, and combines their outputs. Not cached itself (its branches' adapters
 * are); a branch's failure fails the join, naming the branch's node.
 */
final class JoinAdapter<T, A, B, R> implements Adapter<T, R> {
    private final Flow<T, A> left;
    private final Flow<T, B> right;
    private final BiFunction<? super A, ? super B, ? extends R> combine;
    /** The branches started once per (seed, cache) they are run with. */
    private final ConcurrentHashMap<List<Object>, Branches> started = new ConcurrentHashMap<>();

    private record Branches(InlinePipeline<?, ?> left, InlinePipeline<?, ?> right) {}

    JoinAdapter(Flow<T, A> left, Flow<T, B> right, BiFunction<? super A, ? super B, ? extends R> combine) {
        this.left = left;
        this.right = right;
        this.combine = combine;
    }

    @Override
    @SuppressWarnings("unchecked")
    public R apply(T input, AdapterContext context) {
        Seed seed = context.seed();
        ResultCache cache = context.cache();
        Branches branches = started.computeIfAbsent(
                List.of(seed, cache),
                k -> new Branches(
                        new InlinePipeline<>(left, seed.derive("left"), cache, Observability.NONE),
                        new InlinePipeline<>(right, seed.derive("right"), cache, Observability.NONE)));
        A a = (A) run((InlinePipeline<T, ?>) branches.left(), input, context);
        B b = (B) run((InlinePipeline<T, ?>) branches.right(), input, context);
        return combine.apply(a, b);
    }

    private static <T> Object run(InlinePipeline<T, ?> branch, T input, AdapterContext context) {
        try {
            return branch.submit(input, context.tokens()).join().value();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    @Override
    public boolean cacheable() {
        return false;
    }

    @Override
    public int maxConcurrency() {
        return 64;
    }
}
