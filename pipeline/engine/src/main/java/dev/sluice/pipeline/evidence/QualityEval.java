package dev.sluice.pipeline.evidence;

import java.util.Map;

/**
 * One quality measurement of a run, a row of the {@code quality_eval} table: a metric a gate measured, its value,
 * and whether it was the metric that decided the gate's outcome. Immutable.
 *
 * @param metric the metric's name ({@code length_chars}, {@code retrieval_score}, a caller's own)
 * @param value its value
 * @param meta the gate node, its outcome and reason, the threshold
 * @param decided whether this metric decided the gate's outcome
 */
public record QualityEval(String metric, double value, Map<String, String> meta, boolean decided) {
    /** Checks the parts and freezes the meta. */
    public QualityEval {
        if (metric == null || metric.isEmpty() || meta == null) {
            throw new IllegalArgumentException("a quality evaluation needs a metric name and meta (not null)");
        }
        meta = Map.copyOf(meta);
    }
}
