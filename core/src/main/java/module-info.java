/**
 * Sluice core: canonical encoding and schemas, content hashes and cache keys, seeds, the edge envelope, off-heap
 * vectors over {@code MemorySegment}, and the error types. Depends on the JDK and Agrona only.
 */
module dev.sluice.core {
    requires transitive org.agrona;
    requires jdk.incubator.vector;

    exports dev.sluice.core;
    exports dev.sluice.core.envelope;
    exports dev.sluice.core.hash;
    exports dev.sluice.core.memory;
    exports dev.sluice.core.schema;
}
