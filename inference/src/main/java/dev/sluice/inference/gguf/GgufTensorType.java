package dev.sluice.inference.gguf;

import java.util.Optional;

/**
 * The ggml tensor types a GGUF file may hold, with their block geometry: a tensor's first dimension must be a
 * multiple of {@link #blockSize()}, and each block of that many elements takes {@link #blockSizeBytes()} bytes.
 * Types that ggml has removed (the old {@code Q4_2}, {@code Q4_3} and the repacked {@code Q4_0_4_4} family) are
 * not listed, so a file that uses them is rejected.
 */
public enum GgufTensorType {
    /** 32-bit IEEE float. */
    F32(0, 1, 4),
    /** 16-bit IEEE float. */
    F16(1, 1, 2),
    /** 4-bit, 32 per block, one f16 scale. */
    Q4_0(2, 32, 18),
    /** 4-bit, 32 per block, f16 scale and minimum. */
    Q4_1(3, 32, 20),
    /** 5-bit, 32 per block, one f16 scale. */
    Q5_0(6, 32, 22),
    /** 5-bit, 32 per block, f16 scale and minimum. */
    Q5_1(7, 32, 24),
    /** 8-bit, 32 per block, one f16 scale. */
    Q8_0(8, 32, 34),
    /** 8-bit, 32 per block, f16 scale and sum. */
    Q8_1(9, 32, 36),
    /** 2-bit k-quant. */
    Q2_K(10, 256, 84),
    /** 3-bit k-quant. */
    Q3_K(11, 256, 110),
    /** 4-bit k-quant. */
    Q4_K(12, 256, 144),
    /** 5-bit k-quant. */
    Q5_K(13, 256, 176),
    /** 6-bit k-quant. */
    Q6_K(14, 256, 210),
    /** 8-bit k-quant. */
    Q8_K(15, 256, 292),
    /** 2.06-bit i-quant. */
    IQ2_XXS(16, 256, 66),
    /** 2.31-bit i-quant. */
    IQ2_XS(17, 256, 74),
    /** 3.06-bit i-quant. */
    IQ3_XXS(18, 256, 98),
    /** 1.56-bit i-quant. */
    IQ1_S(19, 256, 50),
    /** 4.5-bit non-linear quant, 32 per block. */
    IQ4_NL(20, 32, 18),
    /** 3.44-bit i-quant. */
    IQ3_S(21, 256, 110),
    /** 2.5-bit i-quant. */
    IQ2_S(22, 256, 82),
    /** 4.25-bit i-quant. */
    IQ4_XS(23, 256, 136),
    /** 8-bit integer. */
    I8(24, 1, 1),
    /** 16-bit integer. */
    I16(25, 1, 2),
    /** 32-bit integer. */
    I32(26, 1, 4),
    /** 64-bit integer. */
    I64(27, 1, 8),
    /** 64-bit IEEE float. */
    F64(28, 1, 8),
    /** 1.75-bit i-quant. */
    IQ1_M(29, 256, 56),
    /** bfloat16. */
    BF16(30, 1, 2),
    /** 1.69-bit ternary quant. */
    TQ1_0(34, 256, 54),
    /** 2.06-bit ternary quant. */
    TQ2_0(35, 256, 66);

    private static final GgufTensorType[] BY_ID = new GgufTensorType[64];

    static {
        for (GgufTensorType type : values()) {
            BY_ID[type.id] = type;
        }
    }

    private final int id;
    private final int blockSize;
    private final int blockSizeBytes;

    GgufTensorType(int id, int blockSize, int blockSizeBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockSizeBytes = blockSizeBytes;
    }

    /** @return the ggml type id written in the file */
    public int id() {
        return id;
    }

    /** @return how many elements one block holds */
    public int blockSize() {
        return blockSize;
    }

    /** @return how many bytes one block takes */
    public int blockSizeBytes() {
        return blockSizeBytes;
    }

    /**
     * @param id a ggml type id
     * @return the type, or empty for an unknown or removed id
     */
    public static Optional<GgufTensorType> byId(long id) {
        return id >= 0 && id < BY_ID.length ? Optional.ofNullable(BY_ID[(int) id]) : Optional.empty();
    }
}
