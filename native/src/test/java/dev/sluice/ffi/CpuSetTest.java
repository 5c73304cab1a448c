package dev.sluice.ffi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class CpuSetTest {

    @Test
    void holdsDistinctIdsInAscendingOrder() {
        CpuSet cpus = CpuSet.of(3, 0, 3, 2);
        assertArrayEquals(new int[] {0, 2, 3}, cpus.toArray());
        assertEquals(3, cpus.size());
        assertTrue(cpus.contains(2));
        assertFalse(cpus.contains(1));
        assertFalse(cpus.contains(-1));
        assertEquals("{0, 2, 3}", cpus.toString());
    }

    @Test
    void isValueEqualToSameIds() {
        assertEquals(CpuSet.of(1, 5), CpuSet.of(5, 1));
        assertEquals(CpuSet.of(1, 5).hashCode(), CpuSet.of(5, 1).hashCode());
        assertNotEquals(CpuSet.of(1), CpuSet.of(1, 5));
        assertTrue(CpuSet.of().isEmpty());
    }

    @Test
    void copiesBitSetsInAndOut() {
        BitSet bits = new BitSet();
        bits.set(4);
        CpuSet cpus = CpuSet.copyOf(bits);
        bits.set(7);
        cpus.toBitSet().set(9);
        assertEquals(CpuSet.of(4), cpus);
    }
}
