package dev.sluice.core.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeedTest {
    @Test
    void derivedSeedsArePinned() {
        assertEquals(GOLDEN_NODE, Seed.of(42).derive("retrieve").value());
        assertEquals(GOLDEN_INDEX, Seed.of(42).derive(7).value());
    }

    @Test
    void differentLabelsAndParentsGiveDifferentSeeds() {
        Set<Long> seen = new HashSet<>();
        for (long parent = 0; parent < 20; parent++) {
            Seed seed = Seed.of(parent);
            for (int i = 0; i < 50; i++) {
                seen.add(seed.derive(i).value());
                seen.add(seed.derive("node-" + i).value());
            }
        }
        assertEquals(20 * 100, seen.size());
        assertNotEquals(Seed.of(1).derive("a"), Seed.of(1).derive("b"));
    }

    @Test
    void randomSequenceIsFixedBySeed() {
        assertEquals(Seed.of(9).random().nextLong(), Seed.of(9).random().nextLong());
    }

    private static final long GOLDEN_NODE = -5509196820520583955L;
    private static final long GOLDEN_INDEX = 9095769344960666788L;
}
