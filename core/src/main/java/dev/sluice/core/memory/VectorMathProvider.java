package dev.sluice.core.memory;

/** Picks the {@link VectorMath} for this JVM once, with a logged reason when it falls back to scalar code. */
final class VectorMathProvider {
    static final VectorMath INSTANCE = choose();

    private VectorMathProvider() {
    }

    private static VectorMath choose() {
        System.Logger log = System.getLogger("dev.sluice.core.memory");
        if (!Boolean.parseBoolean(System.getProperty("sluice.simd", "true"))) {
            log.log(System.Logger.Level.INFO, "Sluice vector math: scalar (-Dsluice.simd=false)");
            return new ScalarVectorMath();
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            log.log(System.Logger.Level.WARNING, "Sluice vector math: scalar, because the Vector API is not enabled;"
                    + " add --add-modules jdk.incubator.vector to the JVM flags for SIMD");
            return new ScalarVectorMath();
        }
        VectorMath simd = new SimdVectorMath();
        log.log(System.Logger.Level.DEBUG, "Sluice vector math: " + simd.name());
        return simd;
    }
}
