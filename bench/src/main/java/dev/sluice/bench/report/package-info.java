/**
 * The benchmark report: {@link dev.sluice.bench.report.Report} turns the JMH JSON files written by
 * {@code bench/report.sh} into {@code docs/benchmarks.md} with a table and an SVG chart per suite.
 */
package dev.sluice.bench.report;
