package dev.sluice.examples.cli;

import java.io.PrintWriter;

/**
 * A one-line progress bar on stderr ({@code label [#####     ] 1200/3000 rows, 14 s}), redrawn in place and shown
 * only once a task has run for a second, so that quick tasks print nothing. Thread-safe: builds report from several
 * threads.
 */
final class ProgressBar {
    private static final long SHOW_AFTER_NS = 1_000_000_000L;
    private static final int WIDTH = 40;
    private final PrintWriter err;
    private final String label;
    private final String unit;
    private final long startNs;
    private boolean shown;

    /**
     * @param err where to draw
     * @param label what is being done, such as {@code "embedding"}
     * @param unit what is counted, such as {@code "passages"}
     */
    ProgressBar(PrintWriter err, String label, String unit) {
        this.err = err;
        this.label = label;
        this.unit = unit;
        this.startNs = System.nanoTime();
    }

    /**
     * @param done items done so far
     * @param total items in all
     */
    synchronized void update(long done, long total) {
        long elapsedNs = System.nanoTime() - startNs;
        if (elapsedNs < SHOW_AFTER_NS || total <= 0) {
            return;
        }
        shown = true;
        int filled = (int) (WIDTH * Math.min(done, total) / total);
        err.printf(
                "\r%-9s [%s%s] %d/%d %s, %.0f s",
                label, "#".repeat(filled), " ".repeat(WIDTH - filled), done, total, unit, elapsedNs / 1e9);
        err.flush();
    }

    /** Ends the line if the bar was drawn. */
    synchronized void finish() {
        if (shown) {
            err.println();
            err.flush();
        }
    }
}
