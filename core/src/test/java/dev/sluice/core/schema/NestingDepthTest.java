package dev.sluice.core.schema;

import static dev.sluice.core.schema.CanonicalFormat.MAX_NESTING_DEPTH;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.BadInputException;
import dev.sluice.core.CorruptDataException;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Deeply nested values: encoding and decoding refuse anything deeper than {@link CanonicalFormat#MAX_NESTING_DEPTH}
 * with a clear exception instead of overflowing the stack, and everything up to the limit round-trips, even on a
 * thread with a small stack.
 */
class NestingDepthTest {
    /** Each link is two levels: the record and its optional. */
    record Link(int value, Optional<Link> next) {}

    record Tree(String label, List<Tree> children) {}

    /** @return a chain of {@code links} links: {@code 2 * links} levels deep */
    private static Link chain(int links) {
        Link link = new Link(7, Optional.empty());
        for (int i = 1; i < links; i++) {
            link = new Link(7, Optional.of(link));
        }
        return link;
    }

    /** @return a tree that is a path of {@code nodes} nodes: {@code 2 * nodes} levels deep (the last list is empty) */
    private static Tree path(int nodes) {
        Tree tree = new Tree("leaf", List.of());
        for (int i = 1; i < nodes; i++) {
            tree = new Tree("n" + i, List.of(tree));
        }
        return tree;
    }

    /**
     * The bytes of a chain of {@code links} links written by hand, so that they can be deeper than the encoder
     * allows: each link is the same prefix, the last one ends the chain.
     */
    private static byte[] handWrittenChain(int links) {
        Schema<Link> schema = Schemas.recordOf(Link.class);
        byte[] last = schema.encode(new Link(7, Optional.empty()));
        byte[] two = schema.encode(new Link(7, Optional.of(new Link(7, Optional.empty()))));
        int prefix = two.length - last.length; // record tag, count, "value", int, "next", optional tag, present
        ByteArrayOutputStream out = new ByteArrayOutputStream(links * prefix + last.length);
        for (int i = 1; i < links; i++) {
            out.write(two, 0, prefix);
        }
        out.write(last, 0, last.length);
        return out.toByteArray();
    }

    @Test
    void aRecordNestedAThousandLevelsDeepIsRefusedByTheEncoderNamingTheLimit() {
        Schema<Link> schema = Schemas.recordOf(Link.class);
        BadInputException e = assertThrows(BadInputException.class, () -> schema.encode(chain(1000)));
        assertTrue(e.getMessage().contains("deeper than " + MAX_NESTING_DEPTH + " levels"), e::getMessage);
        BadInputException tree = assertThrows(
                BadInputException.class, () -> Schemas.recordOf(Tree.class).encode(path(1000)));
        assertTrue(tree.getMessage().contains("depth " + (MAX_NESTING_DEPTH + 1)), tree::getMessage);
    }

    @Test
    void bytesNestedAThousandLevelsDeepAreCorruptNamingTheLimitAndTheOffset() {
        byte[] bytes = handWrittenChain(1000);
        assertTrue(bytes.length > 18_000, "at least 18 KB: " + bytes.length);
        CorruptDataException e = assertThrows(
                CorruptDataException.class, () -> Schemas.recordOf(Link.class).decode(bytes));
        assertTrue(e.getMessage().contains("deeper than " + MAX_NESTING_DEPTH + " levels"), e::getMessage);
        assertTrue(e.getMessage().contains("at offset "), e::getMessage);
        // a hundred thousand links are refused as fast, at the limit, not after reading them
        byte[] huge = handWrittenChain(100_000);
        assertThrows(
                CorruptDataException.class, () -> Schemas.recordOf(Link.class).decode(huge));
    }

    @Test
    void valuesUpToTheLimitRoundTripAndOneLevelMoreIsRefusedBothWays() {
        Schema<Link> schema = Schemas.recordOf(Link.class);
        Link deepest = chain(MAX_NESTING_DEPTH / 2);
        byte[] bytes = schema.encode(deepest);
        assertArrayEquals(handWrittenChain(MAX_NESTING_DEPTH / 2), bytes, "the hand-written bytes are canonical");
        assertEquals(deepest, schema.decode(bytes));

        // one level more: the last link's empty optional is one level below the limit's
        Schema<Optional<Link>> wrapped = Schemas.optionalOf(schema);
        assertThrows(BadInputException.class, () -> wrapped.encode(Optional.of(deepest)));
        byte[] oneMore = new byte[bytes.length + 2];
        oneMore[0] = CanonicalFormat.TAG_OPTIONAL;
        oneMore[1] = 1;
        System.arraycopy(bytes, 0, oneMore, 2, bytes.length);
        CorruptDataException e = assertThrows(CorruptDataException.class, () -> wrapped.decode(oneMore));
        assertTrue(e.getMessage().contains("depth " + (MAX_NESTING_DEPTH + 1)), e::getMessage);

        Tree tree = path((MAX_NESTING_DEPTH + 1) / 2);
        Schema<Tree> trees = Schemas.recordOf(Tree.class);
        assertEquals(tree, trees.decode(trees.encode(tree)));
    }

    @Test
    void mapKeysCountTheLevelsAroundTheirMap() {
        Schema<Map<Link, Integer>> map = Schemas.mapOf(Schemas.recordOf(Link.class), Schemas.int32());
        // the key alone is at the limit (128 levels); inside the map it is one level too deep
        Link key = chain(MAX_NESTING_DEPTH / 2);
        BadInputException e = assertThrows(BadInputException.class, () -> map.encode(Map.of(key, 1)));
        assertTrue(e.getMessage().contains("depth " + (MAX_NESTING_DEPTH + 1)), e::getMessage);
        Link fits = chain(MAX_NESTING_DEPTH / 2 - 1);
        assertEquals(Map.of(fits, 1), map.decode(map.encode(Map.of(fits, 1))));
    }

    @Test
    void theLimitIsSafeOnASmallThreadStack() throws InterruptedException {
        Schema<List<Optional<Link>>> schema = Schemas.listOf(Schemas.optionalOf(Schemas.recordOf(Link.class)));
        List<Optional<Link>> deepest = List.of(Optional.of(chain((MAX_NESTING_DEPTH - 2) / 2)));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Boolean> roundTripped = new AtomicReference<>(false);
        Thread small = new Thread(
                null,
                () -> {
                    try {
                        roundTripped.set(deepest.equals(schema.decode(schema.encode(deepest))));
                        assertThrows(
                                CorruptDataException.class,
                                () -> Schemas.recordOf(Link.class).decode(handWrittenChain(100_000)));
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                },
                "small-stack",
                256 * 1024);
        small.start();
        small.join();
        if (failure.get() != null) {
            throw new AssertionError("on a 256 KiB stack", failure.get());
        }
        assertTrue(roundTripped.get());
    }
}
