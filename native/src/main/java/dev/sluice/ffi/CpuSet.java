package dev.sluice.ffi;

import dev.sluice.core.BadInputException;
import java.util.BitSet;

/**
 * An immutable set of CPU ids (0, 1, ...), as the kernel numbers them: the CPUs a thread may run on, for
 * {@link CpuAffinity}. A value: equal sets are equal. Cheap (one bit per id up to the highest) and thread-safe.
 */
public final class CpuSet {
    private final BitSet cpus;

    private CpuSet(BitSet cpus) {
        this.cpus = cpus;
    }

    /**
     * @param cpuIds the CPU ids, in any order, repeats allowed; none gives the empty set
     * @return the set of those ids
     * @throws BadInputException when an id is negative
     */
    public static CpuSet of(int... cpuIds) {
        BitSet cpus = new BitSet();
        for (int cpu : cpuIds) {
            if (cpu < 0) {
                throw new BadInputException("CPU id " + cpu + " is negative; CPU ids start at 0");
            }
            cpus.set(cpu);
        }
        return new CpuSet(cpus);
    }

    /**
     * @param cpus bit {@code i} set when CPU {@code i} is in the set; copied
     * @return the set of those ids
     */
    public static CpuSet copyOf(BitSet cpus) {
        return new CpuSet((BitSet) cpus.clone());
    }

    /**
     * @param cpu a CPU id
     * @return whether the set holds it
     */
    public boolean contains(int cpu) {
        return cpu >= 0 && cpus.get(cpu);
    }

    /** @return how many CPUs the set holds */
    public int size() {
        return cpus.cardinality();
    }

    /** @return whether the set holds no CPU */
    public boolean isEmpty() {
        return cpus.isEmpty();
    }

    /** @return the ids in ascending order */
    public int[] toArray() {
        return cpus.stream().toArray();
    }

    /** @return a new {@link BitSet} with bit {@code i} set when CPU {@code i} is in the set */
    public BitSet toBitSet() {
        return (BitSet) cpus.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CpuSet that && cpus.equals(that.cpus);
    }

    @Override
    public int hashCode() {
        return cpus.hashCode();
    }

    /** @return the ids as {@code {0, 2, 3}} */
    @Override
    public String toString() {
        return cpus.toString();
    }
}
