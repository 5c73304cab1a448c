/**
 * JMH suites for every hot path, each beside the peer it is compared with. Build with
 * {@code ./mvnw -pl bench -am package -DskipTests} and run {@code java -jar bench/target/benchmarks.jar}.
 */
package dev.sluice.bench;
