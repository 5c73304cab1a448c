/**
 * The engine's stores in databases, through plain JDBC: the evidence store and journal in SQLite (embedded) or
 * PostgreSQL (shared) ({@link dev.sluice.jdbc.JdbcEvidence}), and the result cache's persistent tier in SQLite
 * ({@link dev.sluice.jdbc.SqliteCacheTier}).
 */
package dev.sluice.jdbc;
