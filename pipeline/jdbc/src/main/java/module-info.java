/**
 * Sluice JDBC stores: the engine's evidence store and journal in SQLite or PostgreSQL, and the result cache's
 * persistent tier in SQLite, through plain JDBC.
 */
module dev.sluice.jdbc {
    requires transitive dev.sluice.pipeline;
    requires transitive java.sql;
    requires org.xerial.sqlitejdbc;
    requires org.postgresql.jdbc;
    requires com.google.gson;

    exports dev.sluice.jdbc;
}
