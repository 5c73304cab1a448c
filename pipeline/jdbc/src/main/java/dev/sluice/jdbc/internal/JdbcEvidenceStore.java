package dev.sluice.jdbc.internal;

import dev.sluice.core.BadInputException;
import dev.sluice.core.SluiceException;
import dev.sluice.pipeline.evidence.Evidence;
import dev.sluice.pipeline.evidence.EvidenceStore;
import dev.sluice.pipeline.evidence.JournalEntry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * An {@link EvidenceStore} over JDBC, for SQLite and PostgreSQL alike: opens two connections, has the tables
 * created or checked ({@link EvidenceSchema}), appends through the write-behind writer on the first
 * ({@link EvidenceWriter}, {@link EvidenceInserts}) and reads on the second ({@link EvidenceReader}).
 * {@link SqlDialect} holds the differences between the engines.
 */
public final class JdbcEvidenceStore implements EvidenceStore {
    private final SqlDialect dialect;
    private final String location;
    private final EvidenceWriter writer;
    private final EvidenceReader reader;

    private JdbcEvidenceStore(SqlDialect dialect, String location, EvidenceWriter writer, EvidenceReader reader) {
        this.dialect = dialect;
        this.location = location;
        this.writer = writer;
        this.reader = reader;
    }

    /**
     * Opens a store, creating or checking its tables, and starts its writer.
     *
     * @param dialect the engine
     * @param jdbcUrl the JDBC URL
     * @param location how to name the store in messages (no password)
     * @return the open store
     * @throws BadInputException if the database cannot be opened or its tables are newer than this library's
     */
    public static JdbcEvidenceStore open(SqlDialect dialect, String jdbcUrl, String location) {
        Connection write = null;
        Connection read = null;
        try {
            write = DriverManager.getConnection(jdbcUrl);
            dialect.configure(write);
            EvidenceSchema.createOrCheck(dialect, write, location);
            EvidenceInserts inserts = new EvidenceInserts(dialect, write, () -> {
                Connection reopened = DriverManager.getConnection(jdbcUrl);
                try {
                    dialect.configure(reopened);
                } catch (SQLException e) {
                    reopened.close();
                    throw e;
                }
                return reopened;
            });
            read = DriverManager.getConnection(jdbcUrl);
            dialect.configure(read);
            return new JdbcEvidenceStore(
                    dialect,
                    location,
                    new EvidenceWriter(location, inserts),
                    new EvidenceReader(dialect, location, read));
        } catch (SQLException e) {
            closeQuietly(write);
            closeQuietly(read);
            throw new BadInputException("cannot open the evidence store " + location + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(write);
            closeQuietly(read);
            throw e;
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws BadInputException also, for PostgreSQL, if a text of the run holds a NUL character (U+0000), which
     *     neither its text nor its JSONB columns can hold: refused here, with the run and the field named, rather
     *     than left to fail the writer's transaction
     */
    @Override
    public void append(Evidence evidence, int inputSchemaVersion, byte[] input) {
        WireRun run = WireRun.of(evidence, inputSchemaVersion, input);
        if (dialect == SqlDialect.POSTGRES) {
            String field = run.fieldWithNul();
            if (field != null) {
                throw new BadInputException("the evidence of run " + run.runId() + " cannot be stored in PostgreSQL ("
                        + location + "): " + field + " holds a NUL character (U+0000), which PostgreSQL text and"
                        + " JSONB cannot hold; nothing of the run is written");
            }
        }
        writer.append(run);
    }

    @Override
    public void flush() {
        writer.flush();
    }

    /**
     * {@inheritDoc}
     *
     * @throws SluiceException if this instance set the run aside: the database refused it, so it is not stored
     */
    @Override
    public Optional<Evidence> evidence(UUID runId) {
        String setAside = writer.setAsideReason(runId);
        if (setAside != null) {
            throw new SluiceException("run " + runId + " is not in the evidence store " + location
                    + ": the database refused it and it was set aside (" + setAside + ")");
        }
        return reader.evidence(runId);
    }

    @Override
    public List<JournalEntry> journal(Instant from, Instant to) {
        return reader.journal(from, to);
    }

    @Override
    public long committedRuns() {
        return writer.committedRuns();
    }

    @Override
    public long setAsideRuns() {
        return writer.setAsideRuns();
    }

    @Override
    public void close() {
        try {
            writer.close();
        } finally {
            reader.close();
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the open failed already; that failure is the one to report
            }
        }
    }

    @Override
    public String toString() {
        return "EvidenceStore[" + dialect.name().toLowerCase(Locale.ROOT) + " " + location + ", " + committedRuns()
                + " runs committed" + (setAsideRuns() > 0 ? ", " + setAsideRuns() + " set aside" : "") + "]";
    }
}
