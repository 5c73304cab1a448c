/** The JDBC evidence store's machinery: schema, dialects, the write-behind writer and reads. Not exported. */
package dev.sluice.jdbc.internal;
