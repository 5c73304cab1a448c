/**
 * Runnable programs and the {@code sluice} command line: the quickstart, custom pipelines and replay.
 */
package dev.sluice.examples;
