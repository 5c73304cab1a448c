/**
 * Sluice vector: the off-heap vector store, exact search and the jvector graph index (build, search, the on-disk
 * format with atomic commits).
 */
module dev.sluice.vector {
    requires transitive dev.sluice.core;
    requires dev.sluice.ffi;
    requires jvector;
    requires jdk.incubator.vector;

    exports dev.sluice.vector;
}
