package dev.sluice.core.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Odd vectors in {@link VectorMath}: zero, subnormal and huge norms give NaN, never an infinity. */
class VectorMathTest {
    private static float cosine(float[] a, float[] b) {
        return VectorMath.cosine(MemorySegment.ofArray(a), 0, MemorySegment.ofArray(b), 0, a.length);
    }

    @Test
    void cosineOfASubnormalVectorIsNanNotInfinity() {
        float tiny = 1e-42f;
        float[] subnormal = {tiny, tiny, tiny, tiny};
        float[] ones = {1, 1, 1, 1};
        assertTrue(Float.isNaN(cosine(subnormal, ones)), () -> "was " + cosine(subnormal, ones));
        assertTrue(Float.isNaN(cosine(ones, subnormal)));
        assertTrue(Float.isNaN(cosine(subnormal, subnormal)));
        assertTrue(Float.isNaN(cosine(new float[4], ones)), "zero vector");
        assertEquals(1f, cosine(ones, ones), 1e-6f);
    }

    @Test
    void unitScaleExistsOnlyForNormsWhoseInverseIsANormalFloat() {
        assertEquals(0.2f, VectorMath.unitScale(25), 0f);
        assertTrue(Float.isNaN(VectorMath.unitScale(0)));
        assertTrue(Float.isNaN(VectorMath.unitScale(-1)));
        assertTrue(Float.isNaN(VectorMath.unitScale(Double.NaN)));
        assertTrue(Float.isNaN(VectorMath.unitScale(Double.POSITIVE_INFINITY)));
        double subnormal = 1e-42;
        assertTrue(Float.isNaN(VectorMath.unitScale(2 * subnormal * subnormal)), "1/norm overflows float");
        double normal = Float.MIN_NORMAL;
        assertTrue(Float.isFinite(VectorMath.unitScale(normal * normal)));
        assertTrue(Float.isNaN(VectorMath.unitScale(1e76)), "1/norm would be a subnormal float");
    }
}
