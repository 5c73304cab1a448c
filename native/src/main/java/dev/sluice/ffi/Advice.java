package dev.sluice.ffi;

/**
 * How a mapped file will be read, passed to {@code madvise} by {@link MappedFile#advise(Advice)} so that the
 * kernel can plan read-ahead and page reclaim. A hint: it never changes what the memory holds. Immutable.
 */
public enum Advice {
    /** Forget earlier advice: default read-ahead ({@code MADV_NORMAL}). */
    NORMAL(0),
    /** Pages will be touched in no particular order: read no more than asked for ({@code MADV_RANDOM}). */
    RANDOM(1),
    /** Pages will be read once, front to back: read ahead aggressively, free behind ({@code MADV_SEQUENTIAL}). */
    SEQUENTIAL(2),
    /** Pages will be needed soon: start reading them in now, without waiting ({@code MADV_WILLNEED}). */
    WILLNEED(3),
    /**
     * Pages are not needed for now: drop them from this process's memory ({@code MADV_DONTNEED}). For a file
     * mapping nothing is lost: a later access reads the page again from the page cache or the file.
     */
    DONTNEED(4);

    /** The {@code MADV_} value on Linux. */
    final int linuxValue;

    Advice(int linuxValue) {
        this.linuxValue = linuxValue;
    }
}
