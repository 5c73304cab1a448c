/**
 * Text corpora for the examples, the demo and the benchmarks: English passages taken from sources that every JDK
 * already has on disk, so that nothing is downloaded. {@link dev.sluice.examples.corpus.JdkJavadocCorpus} reads the
 * Javadoc comments of {@code java.base} from {@code $JAVA_HOME/lib/src.zip}.
 */
package dev.sluice.examples.corpus;
